"""E-mail verification: a signed link proves that a person reads the address they signed up with.

Written on Django's own ``signing`` (HMAC with ``SECRET_KEY``, a salt of its own, a timestamp)
rather than a library's account system: the rest of the product keeps its own users, sessions
and knox tokens, and all that is needed here is one signed value and one timestamp on the user
(``User.email_verified_at``), which the invitation services read. The token names the user and
the address, so a link stops working if the address changes; following it again is harmless.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.signals import business_owner_verified
from cleopay.core.errors import field_error
from cleopay.core.publish import publish_on_commit

SALT = "accounts.email-verification"


def email_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def email_verification_link(*, user: User) -> str:
    return f"{settings.SITE_URL}/verify-email/{email_verification_token(user=user)}"


def _user_of_token(token: str) -> User:
    max_age = timedelta(days=settings.EMAIL_VERIFICATION_TTL_DAYS)
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise field_error("token", "This link has expired; ask for a new one.") from None
    except (signing.BadSignature, ValueError):
        raise field_error("token", "This link is not valid.") from None
    if not isinstance(value, dict):
        raise field_error("token", "This link is not valid.")
    user = User.objects.filter(pk=value.get("u"), is_active=True).first()
    if user is None or user.email != value.get("e"):
        raise field_error("token", "This link is not valid.")
    return user


def email_verification_send(*, user: User) -> None:
    """Send (again) the link that verifies ``user``'s address; nothing once it is verified."""
    from accounts.tasks import send_email_verification

    if not user.email_verified:
        publish_on_commit(send_email_verification, user.pk)


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address of the token's user verified (400 naming ``token`` for a bad link).

    From then on what was addressed to that e-mail may bind: open connection invitations go to
    the one business the person owns, if there is exactly one (as an invitation to an owner's
    e-mail does). Member invitations still wait for the person to accept each.
    """
    user = _user_of_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        owned = list(
            Membership.objects.filter(user=user, role=Role.OWNER)
            .select_related("business")
            .order_by("created_at")[:2]
        )
        if len(owned) == 1:
            business_owner_verified.send(sender=User, business=owned[0].business, user=user)
    return user
