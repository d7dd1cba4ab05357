"""Reads of the accounts app, always scoped to the caller."""

from django.db.models import OuterRef, QuerySet, Subquery
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
    return MemberInvitation.objects.filter(
        business_id=business_id, accepted_at__isnull=True
    ).order_by("-created_at", "-id")


def me_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("business")
        .order_by("business__name", "business_id")
    )


def token_list(*, user: User) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user).order_by("-created", "-digest")
