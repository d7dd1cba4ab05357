"""Reads of the accounts app, always scoped to the caller."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from knox.models import AuthToken

from accounts.models import Business, MemberInvitation, Membership, User


def business_list(*, user: User) -> QuerySet[Business]:
    """The caller's businesses, each annotated with the caller's ``role`` there."""
    role = Membership.objects.filter(business=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Business.objects.filter(memberships__user=user)
        .annotate(role=Subquery(role))
        .order_by("name", "id")
    )


def business_get(*, user: User, business_id: str) -> Business:
    """One of the caller's businesses (``Business.DoesNotExist`` for any other: a 404)."""
    return business_list(user=user).get(pk=business_id)


def membership_list(*, business_id: str) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(business_id=business_id)
        .select_related("user")
        .order_by("created_at", "id")
    )


def invitation_list(*, business_id: str) -> QuerySet[MemberInvitation]:
    """The business's open invitations (expired ones too, until withdrawn or sent again)."""
    return MemberInvitation.objects.filter(
        business_id=business_id, accepted_at__isnull=True, declined_at__isnull=True
    ).order_by("-created_at", "-id")


def me_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("business")
        .order_by("business__name", "business_id")
    )


def token_list(*, user: User) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user).order_by("-created", "-digest")


def my_invitations(*, user: User, limit: int = 200) -> list[dict]:
    """Open invitations addressed to the caller's e-mail, newest first: to join a business
    (member invitations) and to connect with one (connection invitations not yet bound to a
    business). None before the address is verified: it proves nothing yet."""
    from django.apps import apps

    from accounts.invitations import invitations_open_for

    rows = [
        {
            "id": invitation.pk,
            "kind": "member",
            "business": invitation.business,
            "role": invitation.role,
            "invited_by_email": invitation.invited_by.email if invitation.invited_by else None,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
        }
        for invitation in invitations_open_for(user=user)[:limit]
    ]
    if user.email_verified:
        # connections depends on accounts, not the other way round: its model by name.
        Connection = apps.get_model("connections", "Connection")
        pending = (
            Connection.objects.filter(invited_email=user.email.lower(), status="pending")
            .filter(Q(payer__isnull=True) | Q(payee__isnull=True))
            .select_related("invited_by_business", "created_by")
            .order_by("-created_at", "-id")[:limit]
        )
        rows += [
            {
                "id": connection.pk,
                "kind": "connection",
                "business": connection.invited_by_business,
                "role": "payer" if connection.payer_id is None else "payee",
                "invited_by_email": connection.created_by.email if connection.created_by else None,
                "created_at": connection.created_at,
                "expires_at": None,
            }
            for connection in pending
        ]
    rows.sort(key=lambda row: (row["created_at"], row["id"]), reverse=True)
    return rows
