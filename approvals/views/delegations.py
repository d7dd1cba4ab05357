"""The delegations page (settings): hand my approvals to someone while I am away, see who
holds whose, and (owners and admins) set one for a member who is away. The API's input
serializer and the same services (``approvals.delegation``)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import Capability
from accounts.selectors import membership_list
from approvals import delegation as delegations
from approvals.routing import APPROVING_ROLES
from approvals.serializers import DelegationInput
from cleopay.core import ids
from cleopay.core.formats import format_date
from cleopay.core.web import (
    business_page,
    done,
    render_confirm,
    require_capability,
    service_errors,
    validated,
)


def _state(row, today) -> str:
    if row.ends_on < today:
        return "ended"
    return "active" if row.starts_on <= today else "upcoming"


@business_page()
def delegation_list(request, business_id: str):
    """The business's delegations; a form for the caller's own (and anyone's, for admins)."""
    problems = None
    today = delegations.today()
    values = {
        "fromUserId": request.user.pk,
        "toUserId": "",
        "startsOn": today.isoformat(),
        "endsOn": "",
    }
    if request.method == "POST":
        require_capability(request, Capability.APPROVE)
        values = {key: request.POST.get(key, "").strip() for key in values}
        body = {key: value for key, value in values.items() if value}
        with service_errors() as problems:
            data = validated(DelegationInput, body)
            created = delegations.delegation_create(
                business_id=business_id, actor=request.user, **data
            )
        if not problems:
            messages.success(
                request,
                f"{created.to_user.email} approves for {created.from_user.email} from "
                f"{format_date(created.starts_on)} to {format_date(created.ends_on)}.",
            )
            return redirect("settings-delegations", business_id=business_id)
    approvers = [m for m in membership_list(business_id=business_id) if m.role in APPROVING_ROLES]
    rows = [
        {
            "delegation": row,
            "state": _state(row, today),
            "mine": request.user.pk in (row.from_user_id, row.to_user_id),
            "may_delete": row.from_user_id == request.user.pk or request.can["administer"],
        }
        for row in delegations.delegation_list(business_id=business_id)[:200]
    ]
    return render(
        request,
        "approvals/delegations.html",
        {
            "section": "delegations",
            "rows": rows,
            "holding": [
                r
                for r in rows
                if r["state"] == "active" and r["delegation"].to_user_id == request.user.pk
            ],
            "problems": problems,
            "values": values,
            "people": [(m.user_id, m.user.email) for m in approvers],
            "may_delegate": request.user.pk in {m.user_id for m in approvers},
        },
        status=problems.status if problems else 200,
    )


@business_page()
def delegation_delete(request, business_id: str, delegation_id: str):
    if not ids.is_public_id(delegation_id, "dlg"):
        raise Http404("Not found.")
    with service_errors():
        found = delegations.delegation_get(user=request.user, delegation_id=delegation_id)
    if found.business_id != business_id:
        raise Http404("Not found.")
    back = reverse("settings-delegations", args=[business_id])
    if request.method == "POST":
        with service_errors() as problems:
            delegations.delegation_delete(delegation_id=found.pk, actor=request.user)
        if not problems:
            return done(request, "Delegation deleted.", back)
    else:
        problems = None
    return render_confirm(
        request,
        title=f"Delete the delegation of {found.from_user.email} to {found.to_user.email}?",
        text="Bills awaiting "
        f"{found.from_user.email} stop awaiting {found.to_user.email}. Approvals given "
        "meanwhile keep saying on whose behalf.",
        action_url=request.path,
        button="Delete delegation",
        danger=True,
        next_url=back,
        problems=problems,
    )
