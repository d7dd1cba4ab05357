"""Whose approvals the signed-in person holds today (``approvals.delegation``), for the inbox."""

from django import template

from approvals.delegation import active
from approvals.models import Delegation

register = template.Library()


@register.simple_tag
def delegations_held(business_id: str, user) -> list[Delegation]:
    """The delegations to ``user`` in ``business_id`` active today, with their delegators."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        active(Delegation.objects.filter(business_id=business_id, to_user=user))
        .select_related("from_user")
        .order_by("ends_on", "id")
    )
