"""Member invitations (docs/trust.md): sent to an address, accepted or declined by its verified owner.

Inviting answers the same whether or not the address has an account, so the members endpoint
tells nobody who uses Cleo Pay. The invitee sees the invitation in ``GET /api/me/invitations``
(and first thing on the pages) only once their address is verified, and it becomes a membership
when they accept it. Invitations expire (``INVITATION_TTL_DAYS``), and a business sends at most
``INVITATIONS_PER_BUSINESS_PER_DAY`` member and connection invitations in 24 hours.

Locks: inviting locks the business row (the daily count is then exact under concurrency);
accepting and declining lock the invitation row.
"""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.models import MemberInvitation, Membership, User
from accounts.permissions import Capability, forget_roles, require
from accounts.quota import invitation_quota_take
from accounts.services import check_owner_change
from accounts.signals import member_joined
from accounts.tasks import send_member_invitation_email
from cleopay.core.errors import Conflict, ConflictCode
from cleopay.core.publish import publish_on_commit


@transaction.atomic
def member_invite(*, business_id: str, email: str, role: str, actor: User) -> MemberInvitation:
    """An owner or admin invites ``email`` to join as ``role`` (``owner`` only by an owner);
    the same answer whether or not it has an account.

    409 when that person is already a member or already has an open invitation here (both
    are in lists the inviter already sees); 429 past the daily cap.
    """
    actor_role = require(actor, business_id, Capability.ADMINISTER)
    check_owner_change(actor_role=actor_role, old_role=None, new_role=role)
    email = email.strip().lower()
    if Membership.objects.filter(business_id=business_id, user__email__iexact=email).exists():
        raise Conflict(
            "This person is already a member of the business.", code=ConflictCode.DUPLICATE
        )
    invitation_quota_take(business_id=business_id)
    # An expired invitation no longer holds the address's open slot.
    MemberInvitation.objects.filter(
        business_id=business_id,
        email__iexact=email,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        expires_at__lte=timezone.now(),
    ).update(declined_at=timezone.now())
    try:
        with transaction.atomic():
            invitation = MemberInvitation.objects.create(
                business_id=business_id, email=email, role=role, invited_by=actor
            )
    except IntegrityError:
        raise Conflict(
            "This e-mail address is already invited to the business.", code=ConflictCode.DUPLICATE
        ) from None
    publish_on_commit(send_member_invitation_email, invitation.pk)
    return invitation


def invitations_open_for(*, user: User) -> QuerySet[MemberInvitation]:
    """The member invitations waiting for ``user``: none until their address is verified."""
    if not user.email_verified:
        return MemberInvitation.objects.none()
    return (
        MemberInvitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("business", "invited_by")
        .order_by("-created_at", "-id")
    )


def _lock_for_invitee(*, user: User, invitation_id: str) -> MemberInvitation:
    """The invitation, locked, if it is addressed to ``user`` (404 otherwise; 403 unverified)."""
    invitation = (
        MemberInvitation.objects.select_for_update(of=("self",))
        .select_related("business")
        .filter(pk=invitation_id, email__iexact=user.email)
        .first()
    )
    if invitation is None:
        raise NotFound("Not found.")
    if not user.email_verified:
        raise PermissionDenied("Verify your e-mail address before you accept an invitation.")
    if not invitation.is_open:
        raise Conflict(
            "This invitation is no longer open (accepted, declined, withdrawn or expired).",
            code=ConflictCode.STATE,
        )
    return invitation


@transaction.atomic
def member_invitation_accept(*, user: User, invitation_id: str) -> Membership:
    """The invitee joins the business with the invited role; its owners and admins hear of it."""
    invitation = _lock_for_invitee(user=user, invitation_id=invitation_id)
    membership, created = Membership.objects.get_or_create(
        business_id=invitation.business_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    forget_roles(user)
    if created:
        member_joined.send(sender=Membership, membership=membership)
    return membership


@transaction.atomic
def member_invitation_decline(*, user: User, invitation_id: str) -> MemberInvitation:
    invitation = _lock_for_invitee(user=user, invitation_id=invitation_id)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation


def invitation_revoke(*, business_id: str, invitation_id: str, actor: User) -> None:
    """An owner or admin withdraws an open invitation; the row stays (it counts towards the
    daily cap)."""
    require(actor, business_id, Capability.ADMINISTER)
    withdrawn = MemberInvitation.objects.filter(
        business_id=business_id,
        pk=invitation_id,
        accepted_at__isnull=True,
        declined_at__isnull=True,
    ).update(declined_at=timezone.now())
    if not withdrawn:
        raise NotFound("Not found.")
