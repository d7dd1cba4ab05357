"""Reminders and escalation of approval steps: beat's task run with a frozen clock."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals import tasks
from approvals.models import ApprovalReminder, ApprovalRequest
from notifications.models import Notification
from notifications.tasks import send_pending_emails

pytestmark = pytest.mark.django_db

# A Monday in January, 10:00 UTC: daytime for people in UTC, night in Los Angeles (PST).
START = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    """Beat runs the task at the time set: ``clock(hours)`` after ``START``."""

    def run(hours: float) -> int:
        frozen = START + datetime.timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda: frozen)
        return tasks.send_approval_reminders()

    return run


def started(payable_id: str) -> None:
    """The payable's current step began at ``START``."""
    ApprovalRequest.objects.filter(payable_id=payable_id, status="pending").update(
        step_started_at=START, created_at=START
    )


def told(payable_id: str, type: str) -> list[str]:
    rows = Notification.objects.filter(payable_id=payable_id, type=type).select_related("user")
    return sorted(n.user.email for n in rows)


def name(user) -> str:
    return user.full_name or user.email


def timeline(review, payable_id: str, user) -> list[dict]:
    response = review.api(user).get(f"/api/payables/{payable_id}/events?limit=200")
    assert response.status_code == 200, response.content
    return [e for e in response.json()["results"] if e["type"] == "payable.approval_reminded"]


@pytest.fixture
def waiting(review):
    """A two-step workflow whose first step reminds after 24 hours and escalates after 48."""
    body = review.workflow(
        steps=[
            {"approverIds": [review.ann.id], "remindAfterHours": 24, "escalateAfterHours": 48},
            {"approverIds": [review.bob.id]},
        ]
    )
    step = body["steps"][0]
    assert (step["remindAfterHours"], step["escalateAfterHours"], step["escalateToRole"]) == (
        24,
        48,
        None,
    )
    assert body["steps"][1]["remindAfterHours"] is None
    pid = review.create(invoiceNumber="R-1")["id"]
    started(pid)
    return pid


def test_a_step_is_reminded_after_n_hours_then_daily_and_escalated_after_m(review, waiting, clock):
    pid = waiting
    assert clock(23) == 0
    assert told(pid, "approval_reminder") == []

    assert clock(24) == 1
    assert told(pid, "approval_reminder") == ["ann@acme.test"]
    assert clock(24.5) == 0  # the same sweep again: nothing twice
    assert clock(47) == 0  # reminded today already

    assert clock(48) == 3  # the second day's reminder, and the escalation to owner and admin
    assert told(pid, "approval_reminder") == ["ann@acme.test", "ann@acme.test"]
    assert told(pid, "approval_escalated") == ["admin@acme.test", "owner@acme.test"]
    assert clock(48) == 0 and clock(60) == 0  # escalated once
    assert clock(72) == 1  # a third reminder, no second escalation
    assert ApprovalReminder.objects.filter(kind="escalation").count() == 2

    # In the payer's timeline, not the payee's.
    notes = [e["note"] for e in timeline(review, pid, review.owner)]
    assert notes[:2] == [
        f"Reminded {name(review.ann)}: awaiting approval for 24 hours (step 1 of 2).",
        f"Reminded {name(review.ann)}: awaiting approval for 2 days (step 1 of 2).",
    ]
    assert notes[2] == (
        f"Escalated to {name(review.admin)}, {name(review.owner)}: awaiting approval for "
        f"2 days at step 1 of 2, from {name(review.ann)}."
    )
    assert len(notes) == 4
    assert timeline(review, pid, review.payee_owner) == []


def test_the_e_mails_go_out_through_the_outbox(review, waiting, clock):
    pid = waiting
    send_pending_emails()
    mail.outbox.clear()
    clock(48)
    send_pending_emails()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["ann@acme.test"] == (
        "Reminder: invoice R-1 from Globex still awaits your approval"
    )
    assert subjects["owner@acme.test"] == (
        "Invoice R-1 from Globex is waiting too long for approval"
    )
    assert f"it waits for {name(review.ann)}" in next(
        m.body for m in mail.outbox if m.to == ["owner@acme.test"]
    )
    assert f"/payables/{pid}" in mail.outbox[0].body


def test_the_next_step_counts_from_when_it_began(review, waiting, clock):
    pid = waiting
    assert clock(24) == 1
    assert review.approve(review.ann, pid).status_code == 200  # step 2 (Bob) starts now
    request = ApprovalRequest.objects.get(payable_id=pid, status="pending")
    assert request.current_step == 1 and request.step_started_at > START
    # Step 2 sets no reminders and the business has no default: nobody is reminded.
    assert clock(24 * 10) == 0
    assert told(pid, "approval_reminder") == ["ann@acme.test"]


def test_a_decided_payable_is_never_reminded(review, waiting, clock):
    pid = waiting
    review.decline(review.admin, pid, "Not ours")
    assert clock(100) == 0


def test_nobody_is_reminded_in_their_quiet_hours(review, waiting, clock):
    pid = waiting
    review.ann.time_zone = "America/Los_Angeles"
    review.ann.save(update_fields=["time_zone"])
    # 10:00 UTC is 02:00 in Los Angeles: Ann sleeps, the reminder waits for her morning.
    assert clock(24) == 0
    assert clock(28) == 0  # 06:00 there
    assert clock(30) == 1  # 08:00 there: her quiet hours are over
    assert told(pid, "approval_reminder") == ["ann@acme.test"]


def test_escalation_to_a_named_role(review, clock):
    review.workflow(
        steps=[
            {
                "approverIds": [review.ann.id],
                "escalateAfterHours": 8,
                "escalateToRole": "approver",
            }
        ]
    )
    pid = review.create()["id"]
    started(pid)
    # The members holding the role, but not Ann, whom it waits for (she is reminded instead).
    assert clock(8) == 2
    assert told(pid, "approval_escalated") == ["bob@acme.test", "cy@acme.test"]


def test_a_business_default_reminds_under_manual_review(review, clock):
    response = review.api(review.owner).patch(
        f"/api/businesses/{review.payer.id}/settings",
        {"approvalRemindAfterHours": 4},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["approvalRemindAfterHours"] == 4
    pid = review.create()["id"]  # no workflow: manual review by owner, admin and approvers
    started(pid)
    assert clock(3) == 0
    assert clock(4) == 5
    assert told(pid, "approval_reminder") == [
        "admin@acme.test",
        "ann@acme.test",
        "bob@acme.test",
        "cy@acme.test",
        "owner@acme.test",
    ]


def test_step_settings_are_checked(review):
    response = review.api(review.owner).post(
        f"/api/businesses/{review.payer.id}/approval-workflows",
        {
            "name": "W",
            "steps": [
                {"approverIds": [review.ann.id], "remindAfterHours": 0, "escalateToRole": "boss"}
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"steps[0].remindAfterHours", "steps[0].escalateToRole"}


def test_the_workflow_editor_page_saves_the_step_settings(review):
    client = Client()
    client.force_login(review.owner)
    url = reverse("settings-workflow-new", args=[review.payer.id])
    page = client.get(url)
    assert page.status_code == 200
    assert "Remind after (hours, then daily)" in page.content.decode()
    response = client.post(
        url,
        {
            "name": "Reminded",
            "active": "on",
            "step": ["a1"],
            "steps-a1-approverIds": [review.ann.id],
            "steps-a1-requiredApprovals": "1",
            "steps-a1-remindAfterHours": "12",
            "steps-a1-escalateAfterHours": "36",
            "steps-a1-escalateToRole": "admin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [workflow] = (
        review.api(review.owner)
        .get(f"/api/businesses/{review.payer.id}/approval-workflows")
        .json()["results"]
    )
    assert workflow["steps"][0]["remindAfterHours"] == 12
    assert workflow["steps"][0]["escalateAfterHours"] == 36
    assert workflow["steps"][0]["escalateToRole"] == "admin"


def test_the_beat_schedule_runs_the_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-approval-reminders"]
    assert entry["task"] == "approvals.tasks.send_approval_reminders"
    assert entry["schedule"] <= datetime.timedelta(hours=1)
