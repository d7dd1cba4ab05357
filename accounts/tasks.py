from celery import shared_task
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import MemberInvitation, User
from cleopay.core.mail import EMAIL_RETRY, send_templated_mail


@shared_task(**EMAIL_RETRY)
def send_member_invitation_email(invitation_id: str) -> int:
    """E-mail an invited address; an invitation no longer open sends nothing.

    The message differs for an address that has an account (log in and accept) and one that
    has none (sign up with this address): only the address's owner reads which.
    """
    invitation = (
        MemberInvitation.objects.select_related("business", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, declined_at__isnull=True)
        .first()
    )
    if invitation is None:
        return 0
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    return send_templated_mail(
        to=[invitation.email],
        template="member_invitation",
        context={"invitation": invitation, "has_account": has_account},
    )


@shared_task(**EMAIL_RETRY)
def send_email_verification(user_id: str) -> int:
    """E-mail the link that verifies a new account's address (nothing once it is verified)."""
    from accounts.verification import email_verification_link

    user = User.objects.filter(pk=user_id, is_active=True, email_verified_at__isnull=True).first()
    if user is None:
        return 0
    return send_templated_mail(
        to=[user.email],
        template="email_verification",
        context={
            "user": user,
            "link": email_verification_link(user=user),
            "ttl_days": settings.EMAIL_VERIFICATION_TTL_DAYS,
        },
    )


@shared_task
def purge_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


@shared_task
def purge_login_failures() -> int:
    """Forget wrong passwords that no login-guard window counts any more."""
    from accounts import loginguard

    return loginguard.purge()
