"""
Reminders and escalation of approval steps that wait: beat's ``send_approval_reminders`` sweep,
driven by the database (the pending rounds and when their step began), never by a queued task.

A step's settings come from the workflow's snapshot (``remind_after_hours``,
``escalate_after_hours``, ``escalate_to_role``); where a step sets none (and under manual review,
which has no workflow) the payer business's defaults apply. Counted from when the step began:

- after ``remind_after_hours``, the people who may approve the step now are reminded, and again
  every 24 hours after that while it waits (reminder 1, 2, ...);
- after ``escalate_after_hours``, the payer's owners and admins (or the members holding
  ``escalate_to_role``) are told once which step waits and for whom.

Nobody is reminded during their quiet hours (``REMINDER_QUIET_HOURS``, in their own time zone):
they are left for a later sweep, which reminds them when their morning comes. Each person
reminded is an ``ApprovalReminder`` row, unique per step, kind and number: running the sweep
twice sends nothing twice. Each batch is one in-app notification per person (its e-mail goes
through the notifications outbox and the person's settings) and one event on the payer's
timeline (``approvals.signals.approval_reminded``, written by payables).

Lock order: nothing of the review is locked (the sweep only inserts its own rows); the
payables receiver locks the payable last, after these inserts.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership, Role
from approvals.models import (
    ApprovalReminder,
    ApprovalRequest,
    ApprovalRequestOutcome,
    ApprovalRequestStatus,
    ReminderKind,
)
from approvals.review import approvers_now, current_step_label, payable_authors
from approvals.signals import approval_reminded
from notifications.services import notify_approval_escalated, notify_approval_reminder

REMIND_AGAIN_EVERY = timedelta(days=1)
# No setting is shorter: a round younger than this is not read at all.
SHORTEST_WAIT = timedelta(hours=1)


def _waited(delta: timedelta) -> str:
    """``5 hours``, ``2 days``: how long a step has waited, as people say it."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


def in_quiet_hours(user, now: datetime) -> bool:
    """Whether ``now`` is night for ``user`` (``REMINDER_QUIET_HOURS`` in their time zone)."""
    start, end = settings.REMINDER_QUIET_HOURS
    hour = now.astimezone(zoneinfo.ZoneInfo(user.time_zone or "UTC")).hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def step_settings(request: ApprovalRequest) -> dict:
    """The reminder settings of the round's current step: its own, else the business's."""
    step = (
        request.steps[request.current_step or 0]
        if request.outcome == ApprovalRequestOutcome.WORKFLOW
        else {}
    )
    business = request.payable.payer
    remind = step.get("remind_after_hours")
    escalate = step.get("escalate_after_hours")
    own = remind is not None or escalate is not None
    return {
        "remind_after_hours": remind if own else business.approval_remind_after_hours,
        "escalate_after_hours": escalate if own else business.approval_escalate_after_hours,
        "escalate_to_role": (step.get("escalate_to_role") or "") if own else "",
    }


def _escalation_people(request: ApprovalRequest, role: str, approvers: list[str]) -> list[str]:
    """The payer's owners and admins (or the holders of ``role``), less the payable's authors
    and those it waits for (they are reminded, not told of their own delay)."""
    payable = request.payable
    roles = [role] if role else [Role.OWNER, Role.ADMIN]
    people = Membership.objects.filter(
        business_id=payable.payer_id, role__in=roles, user__is_active=True
    ).values_list("user_id", flat=True)
    return sorted(set(people) - payable_authors(payable) - set(approvers))


def _tell(request, *, kind: str, number: int, people: list[str], now: datetime) -> list:
    """Those of ``people`` not told yet (this step, kind and number) and not in their quiet
    hours, recorded as told; returns them (users). A concurrent sweep that recorded them first
    wins: this one tells nobody."""
    position = request.current_step or 0
    told = set(
        ApprovalReminder.objects.filter(
            request=request, step=position, kind=kind, number=number
        ).values_list("user_id", flat=True)
    )
    users = [
        user
        for user in get_user_model().objects.filter(pk__in=set(people) - told, is_active=True)
        if not in_quiet_hours(user, now)
    ]
    if not users:
        return []
    try:
        with transaction.atomic():
            ApprovalReminder.objects.bulk_create(
                ApprovalReminder(
                    request=request,
                    step=position,
                    kind=kind,
                    number=number,
                    user=user,
                    sent_at=now,
                )
                for user in users
            )
    except IntegrityError:
        return []
    return sorted(users, key=lambda user: user.email)


def _names(users) -> str:
    return ", ".join(user.full_name or user.email for user in users)


def _remind(request: ApprovalRequest, conf: dict, waited: timedelta, now: datetime) -> int:
    hours = conf["remind_after_hours"]
    if not hours or waited < timedelta(hours=hours):
        return 0
    number = 1 + int((waited - timedelta(hours=hours)) // REMIND_AGAIN_EVERY)
    payable = request.payable
    people = approvers_now(payable=payable, request=request)
    users = _tell(request, kind=ReminderKind.REMINDER, number=number, people=people, now=now)
    if not users:
        return 0
    step = current_step_label(request)
    notify_approval_reminder(
        payable=payable, user_ids=[u.pk for u in users], waited=_waited(waited), step=step
    )
    where = f" ({step})" if step else ""
    approval_reminded.send(
        sender=ApprovalReminder,
        payable_id=payable.pk,
        note=f"Reminded {_names(users)}: awaiting approval for {_waited(waited)}{where}.",
    )
    return len(users)


def _escalate(request: ApprovalRequest, conf: dict, waited: timedelta, now: datetime) -> int:
    hours = conf["escalate_after_hours"]
    if not hours or waited < timedelta(hours=hours):
        return 0
    payable = request.payable
    approver_ids = approvers_now(payable=payable, request=request)
    people = _escalation_people(request, conf["escalate_to_role"], approver_ids)
    users = _tell(request, kind=ReminderKind.ESCALATION, number=1, people=people, now=now)
    if not users:
        return 0
    step = current_step_label(request)
    approvers = list(get_user_model().objects.filter(pk__in=approver_ids))
    waiting_for = _names(sorted(approvers, key=lambda u: u.email)) or "nobody who can approve it"
    notify_approval_escalated(
        payable=payable,
        user_ids=[u.pk for u in users],
        waited=_waited(waited),
        waiting_for=waiting_for,
        step=step,
    )
    where = f" at {step}" if step else ""
    approval_reminded.send(
        sender=ApprovalReminder,
        payable_id=payable.pk,
        note=f"Escalated to {_names(users)}: awaiting approval for {_waited(waited)}{where}, "
        f"from {waiting_for}.",
    )
    return len(users)


def reminders_due(*, now: datetime) -> list[str]:
    """The pending rounds whose current step has waited long enough to be looked at."""
    return list(
        ApprovalRequest.objects.filter(status=ApprovalRequestStatus.PENDING)
        .exclude(current_step=None)
        .alias(started=Coalesce("step_started_at", "created_at"))
        .filter(started__lte=now - SHORTEST_WAIT)
        .filter(
            Q(outcome=ApprovalRequestOutcome.WORKFLOW)
            | Q(payable__payer__approval_remind_after_hours__isnull=False)
            | Q(payable__payer__approval_escalate_after_hours__isnull=False)
        )
        .order_by("started", "id")
        .values_list("id", flat=True)
    )


def approval_reminders_send(*, request_id: str, now: datetime | None = None) -> int:
    """Remind and escalate one pending round as its settings say; returns people told."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            ApprovalRequest.objects.select_related("payable__payer", "payable__payee")
            .filter(pk=request_id, status=ApprovalRequestStatus.PENDING)
            .first()
        )
        if request is None:
            return 0
        conf = step_settings(request)
        waited = now - (request.step_started_at or request.created_at)
        return _remind(request, conf, waited, now) + _escalate(request, conf, waited, now)
