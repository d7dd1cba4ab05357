"""Pages of imports: the upload form with the business's recent imports, and one import with
its progress bar (which polls ``GET /api/imports/{id}``), its problems and its error report."""

from django.http import Http404
from django.shortcuts import redirect, render

from accounts.permissions import Capability
from cleopay.core.web import business_page, service_errors
from imports import selectors, services
from imports.models import ImportMode

RECENT = 20


@business_page(Capability.INVOICE)
def imports_page(request, business_id: str):
    """Upload a CSV of invoices; the recent imports below."""
    problems = None
    form = {"mode": ImportMode.DRAFT}
    if request.method == "POST":
        form = {"mode": request.POST.get("mode", ImportMode.DRAFT)}
        with service_errors() as problems:
            upload = request.FILES.get("file")
            if upload is None:
                problems.add("file", "Choose a CSV file to upload.")
            else:
                job, _created = services.import_create(
                    business_id=business_id, actor=request.user, upload=upload, mode=form["mode"]
                )
        if not problems:
            return redirect("import-page", business_id=business_id, import_id=job.pk)
    context = {
        "imports": selectors.import_list(business_id=business_id)[:RECENT],
        "modes": ImportMode.choices,
        "form": form,
        "problems": problems,
    }
    return render(
        request, "imports/list.html", context, status=problems.status if problems else 200
    )


@business_page(Capability.INVOICE)
def import_page(request, business_id: str, import_id: str):
    """One import: its progress while it runs, then what it created or what to fix."""
    job = selectors.import_of_business(business_id=business_id, import_id=import_id)
    if job is None:
        raise Http404("Not found.")
    context = {
        "job": job,
        "processed": selectors.import_progress(job),
        "problems_shown": selectors.import_problems(job)[: selectors.SHOWN_PROBLEMS],
        "shown_limit": selectors.SHOWN_PROBLEMS,
    }
    return render(request, "imports/detail.html", context)
