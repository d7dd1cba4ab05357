"""Writes of the accounts app: sign-up, tokens, businesses and members (invitations are in
``accounts.invitations``, e-mail verification in ``accounts.verification``).

Each write of a business takes the actor and authorizes it from the role table
(``accounts.permissions.require``): a business the actor is not a member of is a 404, a role
that falls short a 403. Writes of the person themselves (tokens, time zone, sign-up, a new
business) act on the actor's own account.
"""

from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError

from accounts import loginguard
from accounts.models import Business, Membership, Role, User, validate_time_zone
from accounts.permissions import Capability, forget_roles, require
from accounts.signals import business_owner_verified
from accounts.verification import email_verification_send
from cleopay.core.clientip import client_ip
from cleopay.core.errors import Conflict, ConflictCode, field_error


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def token_create(*, user: User, ttl: timedelta | None = None) -> str:
    """A new API token for ``user`` (default lifetime: API_TOKEN_TTL_DAYS); its secret is seen once."""
    _instance, token = AuthToken.objects.create(user=user, expiry=ttl or knox_settings.TOKEN_TTL)
    return token


def user_set_time_zone(*, user: User, time_zone: str) -> User:
    """The zone the user's pages and e-mails show times in (an IANA name, ``Europe/Paris``)."""
    try:
        validate_time_zone(time_zone)
    except DjangoValidationError as exc:
        raise field_error("timeZone", exc.messages[0]) from None
    if user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return user


def token_obtain(*, email: str, password: str, request=None) -> str:
    """Exchange credentials for a new token (400 on bad credentials, same message either way;
    429 once the account or the address is over the password-guessing limits)."""
    wait = loginguard.failures_wait(
        account=email, address=client_ip(request) if request is not None else None
    )
    if wait:
        raise Throttled(wait=wait)
    user = authenticate(request, username=_normalize_email(email), password=password)
    if user is None or not user.is_active:
        raise field_error(None, "Unable to log in with the provided credentials.")
    return token_create(user=user)


def user_logout_everywhere(*, user: User) -> int:
    """End every session of ``user`` (their hash carries the session generation, raised here)
    and revoke every API token; returns how many tokens were revoked."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        revoked, _ = AuthToken.objects.filter(user=user).delete()
    user.refresh_from_db(fields=["session_generation"])
    return revoked


def token_revoke(*, user: User, token_key: str) -> None:
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise NotFound("Not found.")


@transaction.atomic
def user_signup(
    *,
    email: str,
    password: str,
    business_name: str | None = None,
    full_name: str = "",
    issue_token: bool = True,
):
    """Create a user (and a business they own) and e-mail them the link that verifies the address.

    Nothing addressed to the e-mail binds yet: invitations wait for the verified address.
    Returns ``(user, business or None, token or None)``: the API's sign-up issues a token, the
    sign-up page (which logs the person in with a session) passes ``issue_token=False``.
    """
    email = _normalize_email(email)
    user = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise field_error("email", "A user with this e-mail address already exists.") from None

    business = None
    if business_name:
        business = business_create(name=business_name, owner=user)
    email_verification_send(user=user)
    token = token_create(user=user) if issue_token else None
    return user, business, token


@transaction.atomic
def business_create(*, name: str, owner: User) -> Business:
    """A business owned by ``owner``; connection invitations sent to the owner's e-mail join it
    once that address is verified (``accounts.verification.email_verify`` binds them then)."""
    business = Business.objects.create(name=name.strip(), created_by=owner)
    Membership.objects.create(business=business, user=owner, role=Role.OWNER)
    forget_roles(owner)
    if owner.email_verified:
        business_owner_verified.send(sender=Business, business=business, user=owner)
    return business


def business_update_settings(
    *,
    business_id: str,
    actor: User,
    default_approval_action: str | None = None,
    require_separate_payer: bool | None = None,
    approval_reminders: dict[str, int | None] | None = None,
) -> Business:
    """Change the settings given (None: left as they are). ``approval_reminders``: any of
    ``approval_remind_after_hours`` and ``approval_escalate_after_hours`` (None clears one)."""
    require(actor, business_id, Capability.ADMINISTER)
    business = Business.objects.get(pk=business_id)
    fields = ["updated_at"]
    for name, hours in (approval_reminders or {}).items():
        if name not in ("approval_remind_after_hours", "approval_escalate_after_hours"):
            raise ValueError(name)
        setattr(business, name, hours)
        fields.append(name)
    if default_approval_action is not None:
        business.default_approval_action = default_approval_action
        fields.append("default_approval_action")
    if require_separate_payer is not None:
        business.require_separate_payer = require_separate_payer
        fields.append("require_separate_payer")
    business.save(update_fields=fields)
    return business


def check_owner_change(*, actor_role: str, old_role: str | None, new_role: str | None) -> None:
    if Role.OWNER in (old_role, new_role) and old_role != new_role and actor_role != Role.OWNER:
        raise PermissionDenied("Only an owner can grant or take away the owner role.")


def _check_not_last_owner(*, business_id: str, membership: Membership) -> None:
    if membership.role != Role.OWNER:
        return
    owners = Membership.objects.select_for_update().filter(business_id=business_id, role=Role.OWNER)
    if owners.count() <= 1:
        raise Conflict("A business keeps at least one owner.", code=ConflictCode.STATE)


def _lock_membership(*, business_id: str, user_id: str) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(business_id=business_id, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound("Not found.")
    return membership


@transaction.atomic
def member_change_role(*, business_id: str, user_id: str, role: str, actor: User) -> Membership:
    """An owner or admin changes a member's role; only an owner grants or takes away ``owner``."""
    actor_role = require(actor, business_id, Capability.ADMINISTER)
    membership = _lock_membership(business_id=business_id, user_id=user_id)
    check_owner_change(actor_role=actor_role, old_role=membership.role, new_role=role)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _check_not_last_owner(business_id=business_id, membership=membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def member_remove(*, business_id: str, user_id: str, actor: User) -> None:
    """An owner or admin removes a member (an owner only by an owner; never the last owner)."""
    actor_role = require(actor, business_id, Capability.ADMINISTER)
    membership = _lock_membership(business_id=business_id, user_id=user_id)
    check_owner_change(actor_role=actor_role, old_role=membership.role, new_role=None)
    _check_not_last_owner(business_id=business_id, membership=membership)
    membership.delete()
