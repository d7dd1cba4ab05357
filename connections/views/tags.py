"""The business's tags page: create, rename, delete (INVOICE). Thin: the API's input serializer
and the same services (``connections.tags``)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import Capability
from cleopay.core.web import (
    business_page,
    done,
    render_confirm,
    require_capability,
    service_errors,
    validated,
)
from connections import selectors, tags
from connections.serializers import (
    TagInput,
)


@business_page()
def settings_tags(request, business_id: str):
    """The business's tags, for its connections and payables (each side has its own)."""
    problems = None
    name = ""
    if request.method == "POST":
        require_capability(request, Capability.INVOICE)
        name = request.POST.get("name", "")
        with service_errors() as problems:
            data = validated(TagInput, {"name": name})
            tag = tags.tag_create(business_id=business_id, actor=request.user, name=data["name"])
        if not problems:
            messages.success(request, f"Tag “{tag.name}” created.")
            return redirect("settings-tags", business_id=business_id)
    context = {
        "tags": selectors.tag_list(business_id=business_id),
        "name": name,
        "problems": problems,
        "section": "tags",
    }
    return render(
        request, "settings/tags.html", context, status=problems.status if problems else 200
    )


def _tag_or_404(request, business_id: str, tag_id: str):
    with service_errors():
        tag = selectors.tag_get(user=request.user, tag_id=tag_id)
    if tag.business_id != business_id:
        raise Http404("Not found.")
    return tag


@require_POST
@business_page(Capability.INVOICE)
def tag_rename(request, business_id: str, tag_id: str):
    _tag_or_404(request, business_id, tag_id)
    with service_errors() as problems:
        data = validated(TagInput, {"name": request.POST.get("name", "")})
        tag = tags.tag_rename(tag_id=tag_id, actor=request.user, name=data["name"])
    if problems:
        for messages_ in problems.fields.values():
            for message in messages_:
                messages.error(request, message)
        for message in problems.general:
            messages.error(request, message)
    else:
        messages.success(request, f"Tag renamed to “{tag.name}”.")
    return redirect("settings-tags", business_id=business_id)


@business_page(Capability.INVOICE)
def tag_delete(request, business_id: str, tag_id: str):
    tag = _tag_or_404(request, business_id, tag_id)
    back = reverse("settings-tags", args=[business_id])
    problems = None
    if request.method == "POST":
        with service_errors() as problems:
            tags.tag_delete(tag_id=tag_id, actor=request.user)
        if not problems:
            return done(request, f"Tag “{tag.name}” deleted.", back)
    return render_confirm(
        request,
        title=f"Delete the tag “{tag.name}”?",
        text="It comes off every connection and invoice that carries it.",
        action_url=request.path,
        button="Delete tag",
        danger=True,
        next_url=back,
        problems=problems,
    )
