"""
Delegation: a member hands their approvals to another member of the same business for a date
range (out of office), and an owner or admin may set one for a member who is away
(docs/api/approvals.md, "Delegations").

While a delegation is active (today, in UTC, between ``starts_on`` and ``ends_on``, both
included) the delegate may approve or decline wherever the delegator may, on the delegator's
behalf (``Approval.on_behalf_of``). Both must still hold a role that approves; the payable's
authors never approve it, whoever they act for; one person approves a payable once, whether
for themselves or for someone else, and nobody is represented twice.

Rules a request may break (each a 400 or a 409):

- the delegate and the delegator are members whose role may approve, and two different people;
- ``starts_on`` ≤ ``ends_on``, ``ends_on`` is not in the past, and the range is at most a year;
- one delegator has at most one delegation on any day (``delegation_overlap``);
- no chains: a delegate is not away (delegating) on any day of the range, and a delegator holds
  nobody's approvals on any day of it (``delegation_chain``), so no cycle can form and
  "on behalf of" always names the person the step asked.

Writes lock the business row first (the only lock they take), so two requests cannot both pass
the overlap and chain checks.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.models import Business, Membership, User
from accounts.permissions import Capability, require, roles_of
from approvals.models import Delegation
from approvals.routing import APPROVING_ROLES
from cleopay.core.errors import Conflict, field_error
from cleopay.core.formats import format_date
from cleopay.core.ids import is_public_id, require_id_shape

MAX_LENGTH = timedelta(days=366)


def today() -> date:
    """The day delegations are read for (UTC, as due dates are)."""
    return timezone.now().date()


def active(queryset=None, *, on: date | None = None):
    """Delegations active on ``on`` (today by default)."""
    day = on or today()
    return (queryset if queryset is not None else Delegation.objects).filter(
        starts_on__lte=day, ends_on__gte=day
    )


def _approving_members(business_id: str) -> "Q":
    return Q(business_id=business_id, role__in=APPROVING_ROLES)


def delegators_of(*, business_id: str, delegate_id: str) -> list[str]:
    """Whose approvals ``delegate_id`` holds today in ``business_id`` (both still approving
    members), in the order the delegations were set."""
    if roles_of_member(business_id, delegate_id) not in APPROVING_ROLES:
        return []
    approving = Membership.objects.filter(_approving_members(business_id)).values("user_id")
    return list(
        active(Delegation.objects.filter(business_id=business_id, to_user_id=delegate_id))
        .filter(from_user_id__in=approving)
        .order_by("created_at", "id")
        .values_list("from_user_id", flat=True)
    )


def delegates_of(*, business_id: str, user_ids) -> dict[str, str]:
    """``{delegator: delegate}`` for those of ``user_ids`` who are away today (both still
    approving members)."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    approving = Membership.objects.filter(_approving_members(business_id)).values("user_id")
    return dict(
        active(Delegation.objects.filter(business_id=business_id, from_user_id__in=user_ids))
        .filter(from_user_id__in=approving, to_user_id__in=approving)
        .order_by("created_at", "id")
        .values_list("from_user_id", "to_user_id")
    )


def roles_of_member(business_id: str, user_id: str) -> str | None:
    return (
        Membership.objects.filter(business_id=business_id, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )


# --- reads ------------------------------------------------------------------------------------------


def delegation_list(*, business_id: str):
    """A business's delegations, newest first (ended ones too)."""
    return (
        Delegation.objects.filter(business_id=business_id)
        .select_related("from_user", "to_user", "created_by")
        .order_by("-created_at", "-id")
    )


def delegation_get(*, user, delegation_id: str) -> Delegation:
    """A delegation of one of the caller's businesses; any other is a 404."""
    require_id_shape(delegation_id, "dlg")
    delegation = (
        Delegation.objects.filter(pk=delegation_id, business_id__in=list(roles_of(user)))
        .select_related("from_user", "to_user", "created_by")
        .first()
    )
    if delegation is None:
        raise NotFound("Not found.")
    return delegation


# --- writes -----------------------------------------------------------------------------------------


def _approving_member(business_id: str, user_id: str | None, field: str) -> User:
    if not is_public_id(user_id, "usr") or roles_of_member(business_id, user_id) not in (
        APPROVING_ROLES
    ):
        raise field_error(
            field,
            "Must be a member of this business whose role may approve (owner, admin or approver).",
        )
    return User.objects.get(pk=user_id)


def _overlapping(queryset, starts_on: date, ends_on: date):
    return queryset.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)


def _span(delegation: Delegation) -> str:
    return f"{format_date(delegation.starts_on)} to {format_date(delegation.ends_on)}"


@transaction.atomic
def delegation_create(
    *,
    business_id: str,
    actor,
    to_user_id: str,
    starts_on: date,
    ends_on: date,
    from_user_id: str | None = None,
) -> Delegation:
    """Hand ``from_user_id``'s approvals (the actor's own by default) to ``to_user_id``.

    Any member who may approve delegates their own; only an owner or admin sets one for
    someone else (403). See the module's rules.
    """
    require(actor, business_id, Capability.APPROVE)
    from_user_id = from_user_id or actor.pk
    if from_user_id != actor.pk:
        require(actor, business_id, Capability.ADMINISTER)
    # The one lock of delegation writes: the checks below read what a concurrent write adds.
    Business.objects.select_for_update().only("id").get(pk=business_id)
    delegator = _approving_member(business_id, from_user_id, "fromUserId")
    delegate = _approving_member(business_id, to_user_id, "toUserId")
    if delegate.pk == delegator.pk:
        raise field_error("toUserId", "Approvals cannot be delegated to the same person.")
    if ends_on < starts_on:
        raise field_error("endsOn", "Must be on or after startsOn.")
    if ends_on < today():
        raise field_error("endsOn", f"Must be today ({today().isoformat()}) or later.")
    if ends_on - starts_on > MAX_LENGTH:
        raise field_error("endsOn", "A delegation lasts at most a year.")

    mine = Delegation.objects.filter(business_id=business_id)
    clash = _overlapping(mine.filter(from_user=delegator), starts_on, ends_on).first()
    if clash is not None:
        raise Conflict(
            f"{delegator.email} already delegates to someone from {_span(clash)}; "
            "delete that delegation first.",
            code="delegation_overlap",
        )
    chain = (
        _overlapping(mine.filter(from_user=delegate), starts_on, ends_on).first()
        or _overlapping(mine.filter(to_user=delegator), starts_on, ends_on).first()
    )
    if chain is not None:
        who = delegate.email if chain.from_user_id == delegate.pk else delegator.email
        raise Conflict(
            f"{who} is part of another delegation from {_span(chain)}: a delegate cannot be "
            "away, nor a delegator hold someone else's approvals, on the same days.",
            code="delegation_chain",
        )
    return Delegation.objects.create(
        business_id=business_id,
        from_user=delegator,
        to_user=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )


@transaction.atomic
def delegation_delete(*, delegation_id: str, actor) -> None:
    """End a delegation now (past approvals keep saying on whose behalf they were given).

    The delegator deletes their own; an owner or admin of the business any.
    """
    delegation = delegation_get(user=actor, delegation_id=delegation_id)
    if delegation.from_user_id != actor.pk:
        try:
            require(actor, delegation.business_id, Capability.ADMINISTER)
        except PermissionDenied:
            raise PermissionDenied(
                "Only the person who delegated, or an owner or admin, can delete a delegation."
            ) from None
    Business.objects.select_for_update().only("id").get(pk=delegation.business_id)
    Delegation.objects.filter(pk=delegation.pk).delete()
