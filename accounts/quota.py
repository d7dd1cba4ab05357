"""The daily cap on the invitations a business sends (member and connection invitations
together): each one e-mails a stranger from the platform's address."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import Throttled

from accounts.models import Business, MemberInvitation

QUOTA_WINDOW = timedelta(days=1)


def invitation_quota_take(*, business_id: str) -> None:
    """Refuse (429) an invitation past the business's daily cap of member and connection
    invitations together; call inside the transaction that then creates the invitation."""
    # NO KEY UPDATE: it serialises the business's invitations without blocking the key-share
    # locks that inserting a row referring to the business takes (a connection between two
    # businesses inviting each other at once would otherwise deadlock).
    Business.objects.select_for_update(no_key=True).filter(pk=business_id).first()
    since = timezone.now() - QUOTA_WINDOW
    cap = settings.INVITATIONS_PER_BUSINESS_PER_DAY
    members = MemberInvitation.objects.filter(business_id=business_id, created_at__gte=since)
    # connections depends on accounts, not the other way round: read its model by name.
    Connection = apps.get_model("connections", "Connection")
    connections = Connection.objects.filter(
        invited_by_business_id=business_id, created_at__gte=since
    )
    sent = list(members.values_list("created_at", flat=True)[:cap]) + list(
        connections.values_list("created_at", flat=True)[:cap]
    )
    if len(sent) >= cap:
        oldest = sorted(sent)[-cap]
        wait = max(1, int((oldest + QUOTA_WINDOW - timezone.now()).total_seconds()) + 1)
        raise Throttled(
            wait=wait,
            detail=f"This business has sent {cap} invitations in the last 24 hours, "
            "the most it may send in a day; try again later.",
        )
