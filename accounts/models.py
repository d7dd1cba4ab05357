"""
Accounts: people, the businesses they work for, and what each may do there.

A ``User`` logs in with an e-mail address. A ``Business`` is the tenant: every payable,
connection, tag and workflow belongs to one, and nothing crosses from one business to another
except through a connection. A ``Membership`` gives a user one ``Role`` in one business; a user
may belong to several. Anyone is added to a business by a ``MemberInvitation`` addressed to
an e-mail: it becomes a membership only when the owner of that address, logged in with it
verified (``User.email_verified_at``), accepts it. It expires after ``INVITATION_TTL_DAYS``.

What each role may do is one table, in ``accounts.permissions``.
"""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cleopay.core.ids import PublicIdField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("a user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        # Made by the operator on the command line, for a known address.
        extra.setdefault("email_verified_at", timezone.now())
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def time_zone_names() -> list[str]:
    """Every IANA time zone this machine knows, sorted (the settings page's choices)."""
    return sorted(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone from the list.")


class User(AbstractBaseUser, PermissionsMixin):
    id = PublicIdField(prefix="usr")
    # Stored lower-cased; the functional constraint below also refuses case variants.
    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Times on the pages and in the e-mails are shown in this zone (an IANA name).
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        db_default="UTC",
        validators=[validate_time_zone],
        help_text="IANA time zone.",
    )
    # Raised by "log out everywhere": part of the session hash, so every session ends with it.
    session_generation = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Set when the person followed the link e-mailed to this address; until then nothing
    # addressed to the e-mail (member or connection invitations) binds to this account.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, with the session generation: a session keeps working
        only while both are what they were when it logged in (generation 0 keeps the hashes of
        sessions from before the field existed)."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "accounts.User.session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def save(self, *args, **kwargs):
        """Saving a new password (reset, change, admin, ``changepassword``) revokes every API
        token of the user. This is the one point every way of setting a password passes through;
        the sessions end by themselves, their hash being the password's (see above)."""
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from knox.models import AuthToken

            AuthToken.objects.filter(user=self).delete()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    # The user's side of the role table, for code below accounts that cannot import it (the
    # page kit in ``cleopay.core.web``), as Django's decorators call ``user.has_perm``.
    def role_in(self, business_id: str) -> str | None:
        """The user's role in that business; None when not a member."""
        from accounts.permissions import roles_of

        return roles_of(self).get(business_id)

    def capabilities_in(self, business_id: str) -> dict[str, bool]:
        """Each capability's name → whether the user's role there has it (all False when not
        a member): ``{"read": True, "pay": False, ...}``."""
        from accounts.permissions import Capability, role_allows

        role = self.role_in(business_id)
        return {capability.value: role_allows(role, capability) for capability in Capability}


class DefaultApprovalAction(models.TextChoices):
    AUTO_APPROVE = "auto_approve", "Approve automatically"
    MANUAL_REVIEW = "manual_review", "Hold for manual review"


class Business(models.Model):
    id = PublicIdField(prefix="biz")
    name = models.CharField(max_length=200)
    # What happens to an incoming payable that no approval workflow matches.
    default_approval_action = models.CharField(
        max_length=20,
        choices=DefaultApprovalAction.choices,
        default=DefaultApprovalAction.MANUAL_REVIEW,
    )
    # Separation of duties: whoever approved a payable may not schedule or pay it.
    require_separate_payer = models.BooleanField(default=False)
    # Approval reminders where a workflow step sets none, and under manual review
    # (approvals.reminders): remind the approvers after this many hours (then daily), tell the
    # owners and admins after that many. Null: never.
    approval_remind_after_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    approval_escalate_after_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    ACCOUNTANT = "accountant", "Accountant"
    APPROVER = "approver", "Approver"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="membership_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "business"], name="membership_user_idx")]
        ordering = ["business", "created_at"]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.business}"


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


class MemberInvitation(models.Model):
    """A seat offered to an e-mail address; a membership once its verified owner accepts it."""

    id = PublicIdField(prefix="inv")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "business",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, declined_at__isnull=True),
                name="member_invitation_one_open_per_email",
            ),
        ]
        indexes = [
            models.Index(Lower("email"), "expires_at", name="member_invitation_email_idx"),
            models.Index(fields=["business", "created_at"], name="member_invitation_day_idx"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.business} as {self.role}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.declined_at is None
            and self.expires_at > timezone.now()
        )


class LoginFailure(models.Model):
    """A wrong password, kept a while so guessing is limited per account and per address
    (``accounts.loginguard``). ``account`` is the normalised e-mail tried, registered or not,
    so the limit says nothing about which addresses have accounts."""

    account = models.CharField(max_length=254)
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "created_at"], name="login_failure_account_idx"),
            models.Index(fields=["address", "created_at"], name="login_failure_address_idx"),
        ]

    def __str__(self) -> str:
        return f"wrong password for {self.account} from {self.address}"
