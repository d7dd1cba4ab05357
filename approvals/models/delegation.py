"""Delegations (a member's approvals handed to another member while they are away) and the
single-use links of the approval e-mail."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cleopay.core.ids import PublicIdField


class Delegation(models.Model):
    """``from_user`` hands their approvals in ``business`` to ``to_user`` from ``starts_on`` to
    ``ends_on`` (both included, UTC dates).

    While active the delegate may approve, on the delegator's behalf, wherever the delegator
    may (``approvals.delegation``). The rules a database constraint cannot hold (no overlap for
    one delegator, no chains) are checked by ``delegation_create`` under the business's lock.
    """

    id = PublicIdField(prefix="dlg")
    business = models.ForeignKey(
        "accounts.Business", on_delete=models.CASCADE, related_name="delegations"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    # Who set it: the delegator, or an owner or admin for someone away.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="delegation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_user=models.F("to_user")),
                name="delegation_not_to_oneself",
            ),
        ]
        indexes = [
            # "Whose approvals does this person hold today?" (the inbox, on every page).
            models.Index(fields=["business", "to_user", "ends_on"], name="delegation_delegate_idx"),
            models.Index(
                fields=["business", "from_user", "ends_on"], name="delegation_delegator_idx"
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_user_id} → {self.to_user_id} ({self.starts_on}..{self.ends_on})"

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class ApprovalEmailLink(models.Model):
    """The approve and decline links of one approval e-mail to one person, for one round.

    The e-mail carries this row's ID signed with the action (``approvals.email_links``); the
    row makes the pair single-use (``used_at``) and bounds it in time (``expires_at``).
    """

    id = PublicIdField(prefix="apl")
    request = models.ForeignKey(
        "approvals.ApprovalRequest", on_delete=models.CASCADE, related_name="email_links"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_action = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True, used_action="")
                | models.Q(used_at__isnull=False, used_action__in=["approve", "decline"]),
                name="approval_email_link_used_with_action",
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"e-mail link of {self.request_id} for {self.user_id}"
