from celery import shared_task
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import MemberInvitation
from cleopay.mail import EMAIL_RETRY, send_templated_mail


@shared_task(**EMAIL_RETRY)
def send_member_invitation_email(invitation_id: str) -> int:
    """E-mail an invited address; a missing or already-bound invitation sends nothing."""
    invitation = (
        MemberInvitation.objects.select_related("business", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return 0
    return send_templated_mail(
        to=[invitation.email], template="member_invitation", context={"invitation": invitation}
    )


@shared_task
def purge_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
