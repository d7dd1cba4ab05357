"""The lifecycle: every (status, action) pair, who may act on each side, and the review."""

import datetime

import pytest

from accounts.models import DefaultApprovalAction
from payables.models import Payable, PayableEvent, PayableStatus, PaymentStatus
from tests import factories
from tests.payables.helpers import error_fields, make_payable, snapshot, today

S = PayableStatus
STATUSES = list(S.values)

# action: (method, path suffix, who acts, body)
ACTIONS = {
    "submit": ("post", "/submit", "payee_owner", None),
    "approve": ("post", "/approve", "payer_approver", None),
    "decline": ("post", "/decline", "payer_approver", {"reason": "Wrong purchase order"}),
    "schedule": (
        "post",
        "/schedule",
        "payer_owner",
        {"date": (today() + datetime.timedelta(days=10)).isoformat()},
    ),
    "unschedule": ("post", "/unschedule", "payer_owner", None),
    "pay": ("post", "/pay", "payer_owner", None),
    "cancel (payee)": ("post", "/cancel", "payee_owner", {"reason": "Sent by mistake"}),
    "cancel (payer)": ("post", "/cancel", "payer_owner", {"reason": "Duplicate bill"}),
    "edit": ("patch", "", "payee_owner", {"memo": "Edited memo"}),
}

# (action, from status) → (to status, event type). Every pair not listed must be refused.
ALLOWED = {
    ("submit", S.DRAFT): (S.SUBMITTED, "payable.submitted"),
    ("submit", S.DECLINED): (S.SUBMITTED, "payable.submitted"),
    ("approve", S.SUBMITTED): (S.APPROVED, "payable.approved"),
    ("decline", S.SUBMITTED): (S.DECLINED, "payable.declined"),
    ("schedule", S.APPROVED): (S.SCHEDULED, "payable.scheduled"),
    ("unschedule", S.SCHEDULED): (S.APPROVED, "payable.unscheduled"),
    ("pay", S.APPROVED): (S.PAID, "payable.paid"),
    ("pay", S.SCHEDULED): (S.PAID, "payable.paid"),
    ("cancel (payee)", S.DRAFT): (S.CANCELLED, "payable.cancelled"),
    ("cancel (payee)", S.SUBMITTED): (S.CANCELLED, "payable.cancelled"),
    ("cancel (payee)", S.DECLINED): (S.CANCELLED, "payable.cancelled"),
    ("cancel (payer)", S.SUBMITTED): (S.CANCELLED, "payable.cancelled"),
    ("cancel (payer)", S.APPROVED): (S.CANCELLED, "payable.cancelled"),
    ("cancel (payer)", S.SCHEDULED): (S.CANCELLED, "payable.cancelled"),
    ("edit", S.DRAFT): (S.DRAFT, "payable.updated"),
    ("edit", S.DECLINED): (S.DECLINED, "payable.updated"),
}
PAYER_ACTIONS = {"approve", "decline", "schedule", "unschedule", "pay", "cancel (payer)"}


def act(parties, payable, action):
    method, suffix, who, body = ACTIONS[action]
    client = parties.client(getattr(parties, who))
    return getattr(client, method)(f"/api/payables/{payable.id}{suffix}", body, format="json")


PAIRS = [(action, status) for action in ACTIONS for status in STATUSES]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "status"), PAIRS, ids=[f"{a}@{s}" for a, s in PAIRS])
def test_every_status_action_pair(parties, action, status):
    payable = make_payable(parties, status)
    before = snapshot(payable)
    response = act(parties, payable, action)

    if (action, status) in ALLOWED:
        target, event_type = ALLOWED[(action, status)]
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target
        payable.refresh_from_db()
        assert payable.status == target
        last = payable.events.order_by("-position").first()
        assert last.type == event_type
        assert last.to_status == target
        assert last.actor == getattr(parties, ACTIONS[action][2])
        return

    if status == S.DRAFT and action in PAYER_ACTIONS:
        # The payer never sees a draft: it does not exist for them.
        assert response.status_code == 404, response.content
    else:
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["type"] == "conflict"
        assert body["code"] == "invalid_transition"
        assert body["currentStatus"] == status
        assert status in body["message"]
    assert snapshot(payable) == before


@pytest.mark.django_db
class TestWhoMayAct:
    @pytest.mark.parametrize(
        ("action", "status", "who"),
        [
            ("submit", S.DRAFT, "payee_viewer"),
            ("submit", S.SUBMITTED, "payer_owner"),  # visible to the payer, not theirs to submit
            ("edit", S.DECLINED, "payer_owner"),
            ("approve", S.SUBMITTED, "payer_accountant"),
            ("approve", S.SUBMITTED, "payer_viewer"),
            ("approve", S.SUBMITTED, "payee_owner"),
            ("decline", S.SUBMITTED, "payer_viewer"),
            ("decline", S.SUBMITTED, "payee_owner"),
            ("schedule", S.APPROVED, "payer_approver"),
            ("schedule", S.APPROVED, "payer_accountant"),
            ("unschedule", S.SCHEDULED, "payer_approver"),
            ("pay", S.APPROVED, "payer_approver"),
            ("pay", S.SCHEDULED, "payer_viewer"),
            ("pay", S.APPROVED, "payee_owner"),
            ("cancel (payer)", S.APPROVED, "payer_approver"),
            ("cancel (payee)", S.DRAFT, "payee_viewer"),
        ],
    )
    def test_a_member_without_the_right_side_or_role_gets_403(self, parties, action, status, who):
        method, suffix, _who, body = ACTIONS[action]
        payable = make_payable(parties, status)
        before = snapshot(payable)
        client = parties.client(getattr(parties, who))
        response = getattr(client, method)(
            f"/api/payables/{payable.id}{suffix}", body, format="json"
        )
        assert response.status_code == 403, response.content
        assert snapshot(payable) == before

    @pytest.mark.parametrize(
        ("action", "who"),
        [("approve", "payer_admin"), ("approve", "payer_owner"), ("decline", "payer_admin")],
    )
    def test_owners_and_admins_may_review(self, parties, action, who):
        payable = make_payable(parties, S.SUBMITTED)
        _m, suffix, _w, body = ACTIONS[action]
        response = parties.client(getattr(parties, who)).post(
            f"/api/payables/{payable.id}{suffix}", body, format="json"
        )
        assert response.status_code == 200, response.content

    def test_payee_accountant_may_create_edit_submit_and_cancel(self, parties):
        client = parties.client(parties.payee_accountant)
        payable = make_payable(parties, S.DRAFT)
        assert (
            client.patch(f"/api/payables/{payable.id}", {"memo": "x"}, format="json").status_code
            == 200
        )
        assert client.post(f"/api/payables/{payable.id}/submit").status_code == 200
        assert (
            client.post(f"/api/payables/{payable.id}/cancel", {}, format="json").status_code == 200
        )

    @pytest.mark.parametrize(("action", "status"), [(a, s) for a, s in ALLOWED if a != "edit"])
    def test_another_business_gets_404_for_every_action(self, parties, action, status):
        method, suffix, _who, body = ACTIONS[action]
        payable = make_payable(parties, status)
        before = snapshot(payable)
        client = parties.client(parties.outsider)
        response = getattr(client, method)(
            f"/api/payables/{payable.id}{suffix}", body, format="json"
        )
        assert response.status_code == 404
        assert snapshot(payable) == before

    def test_another_business_gets_404_on_read_edit_events_and_tags(self, parties):
        payable = make_payable(parties, S.SUBMITTED)
        client = parties.client(parties.outsider)
        assert client.get(f"/api/payables/{payable.id}").status_code == 404
        assert client.get(f"/api/payables/{payable.id}/events").status_code == 404
        assert (
            client.patch(f"/api/payables/{payable.id}", {"memo": "x"}, format="json").status_code
            == 404
        )
        assert (
            client.patch(
                f"/api/payables/{payable.id}/tags", {"tagIds": []}, format="json"
            ).status_code
            == 404
        )
        assert client.get("/api/payables/pay_doesnotexist").status_code == 404


@pytest.mark.django_db
class TestReview:
    def test_whoever_created_or_submitted_it_can_never_approve_it(self, parties):
        both = factories.member(parties.payee, "accountant", email="both@example.test")
        factories.Membership.objects.create(business=parties.payer, user=both, role="approver")
        client = parties.client(both)
        created = client.post(
            f"/api/businesses/{parties.payee.id}/payables",
            {"connectionId": parties.connection.id, "amount": "10.00", "submit": True},
            format="json",
        ).json()
        response = client.post(f"/api/payables/{created['id']}/approve")
        assert response.status_code == 403
        assert Payable.objects.get(pk=created["id"]).status == S.SUBMITTED
        listed = client.get(
            f"/api/businesses/{parties.payer.id}/payables?awaitingMyApproval=true"
        ).json()["results"]
        assert listed == []
        other = parties.client(parties.payer_approver)
        assert other.post(f"/api/payables/{created['id']}/approve").json()["status"] == S.APPROVED

    @pytest.mark.parametrize("reason", [None, "", "   ", 42])
    def test_decline_needs_a_reason(self, parties, reason):
        payable = make_payable(parties, S.SUBMITTED)
        before = snapshot(payable)
        body = {} if reason is None else {"reason": reason}
        response = parties.client(parties.payer_approver).post(
            f"/api/payables/{payable.id}/decline", body, format="json"
        )
        assert response.status_code == 400
        assert "reason" in error_fields(response)
        assert snapshot(payable) == before

    def test_approve_records_the_approval_for_the_payer_only(self, parties):
        payable = make_payable(parties, S.SUBMITTED)
        data = (
            parties.client(parties.payer_approver)
            .post(f"/api/payables/{payable.id}/approve")
            .json()
        )
        approval = data["approval"]
        assert (approval["status"], approval["outcome"], approval["currentStep"]) == (
            "approved",
            "manual_review",
            None,
        )
        [step] = approval["steps"]
        assert [(a["user"]["email"], a["decision"]) for a in step["approvals"]] == [
            ("approver@acme.test", "approved")
        ]
        seen_by_payee = (
            parties.client(parties.payee_owner).get(f"/api/payables/{payable.id}").json()
        )
        assert seen_by_payee["approval"] is None

    @pytest.mark.parametrize("how", ["connection", "business"])
    def test_auto_approve_approves_at_submission_as_the_system(self, parties, how):
        if how == "connection":
            parties.connection.auto_approve = True
            parties.connection.save()
        else:
            parties.payer.default_approval_action = DefaultApprovalAction.AUTO_APPROVE
            parties.payer.save()
        payable = make_payable(parties, S.DRAFT)
        response = parties.client(parties.payee_owner).post(f"/api/payables/{payable.id}/submit")
        assert response.json()["status"] == S.APPROVED
        events = list(payable.events.order_by("position"))
        assert [e.type for e in events] == ["payable.submitted", "payable.approved"]
        assert events[1].actor is None
        assert events[1].business_id == parties.payer.id
        assert (events[1].from_status, events[1].to_status) == (S.SUBMITTED, S.APPROVED)
        seen = parties.client(parties.payer_owner).get(f"/api/payables/{payable.id}").json()
        assert seen["approval"]["status"] == "not_required"

    def test_manual_review_keeps_it_submitted(self, parties):
        payable = make_payable(parties, S.DRAFT)
        data = parties.client(parties.payee_owner).post(f"/api/payables/{payable.id}/submit").json()
        assert data["status"] == S.SUBMITTED


@pytest.mark.django_db
class TestCancel:
    def test_scheduled_payment_is_cancelled_with_the_payable(self, parties):
        payable = make_payable(parties, S.SCHEDULED)
        response = parties.client(parties.payer_owner).post(
            f"/api/payables/{payable.id}/cancel", {"reason": "Duplicate"}, format="json"
        )
        data = response.json()
        assert data["status"] == S.CANCELLED
        assert data["cancelReason"] == "Duplicate"
        assert [p["status"] for p in data["payments"]] == [PaymentStatus.CANCELLED]

    def test_reason_is_optional(self, parties):
        payable = make_payable(parties, S.DRAFT)
        response = parties.client(parties.payee_owner).post(f"/api/payables/{payable.id}/cancel")
        assert response.status_code == 200
        assert response.json()["cancelReason"] is None

    def test_a_member_of_both_sides_cancels_for_the_side_named(self, parties):
        both = factories.member(parties.payee, "owner", email="both@example.test")
        factories.Membership.objects.create(business=parties.payer, user=both, role="owner")
        payable = make_payable(parties, S.SUBMITTED)
        response = parties.client(both).post(
            f"/api/payables/{payable.id}/cancel", {"businessId": parties.payer.id}, format="json"
        )
        assert response.status_code == 200
        event = payable.events.get(type="payable.cancelled")
        assert event.business_id == parties.payer.id
        # and by default, for a status only the payer may cancel from, the payer side acts
        approved = make_payable(parties, S.APPROVED)
        assert parties.client(both).post(f"/api/payables/{approved.id}/cancel").status_code == 200
        assert approved.events.get(type="payable.cancelled").business_id == parties.payer.id


@pytest.mark.django_db
class TestSchedule:
    def test_schedule_creates_a_pending_payment_for_its_date(self, parties):
        payable = make_payable(parties, S.APPROVED, amount="420.10")
        date = (today() + datetime.timedelta(days=3)).isoformat()
        data = (
            parties.client(parties.payer_owner)
            .post(f"/api/payables/{payable.id}/schedule", {"date": date}, format="json")
            .json()
        )
        assert data["status"] == S.SCHEDULED
        [payment] = data["payments"]
        assert payment["id"].startswith("pmt_")
        assert payment["status"] == "pending"
        assert payment["date"] == payment["scheduledFor"] == date
        assert payment["amount"] == 420.10
        assert payment["completedAt"] is None and payment["failureReason"] is None

    @pytest.mark.parametrize("date", [None, "yesterday", "2001-01-01", ""])
    def test_a_missing_or_past_date_is_400(self, parties, date):
        payable = make_payable(parties, S.APPROVED)
        before = snapshot(payable)
        body = {} if date is None else {"date": date}
        response = parties.client(parties.payer_owner).post(
            f"/api/payables/{payable.id}/schedule", body, format="json"
        )
        assert response.status_code == 400
        assert "date" in error_fields(response)
        assert snapshot(payable) == before

    def test_today_is_a_valid_date(self, parties):
        payable = make_payable(parties, S.APPROVED)
        response = parties.client(parties.payer_owner).post(
            f"/api/payables/{payable.id}/schedule", {"date": today().isoformat()}, format="json"
        )
        assert response.status_code == 200

    def test_unschedule_cancels_the_pending_payment(self, parties):
        payable = make_payable(parties, S.SCHEDULED)
        data = (
            parties.client(parties.payer_owner)
            .post(f"/api/payables/{payable.id}/unschedule")
            .json()
        )
        assert data["status"] == S.APPROVED
        assert [p["status"] for p in data["payments"]] == ["cancelled"]


@pytest.mark.django_db
def test_the_whole_lifecycle_over_http(parties):
    payee = parties.client(parties.payee_owner)
    approver = parties.client(parties.payer_approver)
    payer = parties.client(parties.payer_owner)
    created = payee.post(
        f"/api/businesses/{parties.payee.id}/payables",
        {
            "connectionId": parties.connection.id,
            "invoiceNumber": "INV-LIFE-1",
            "lineItems": [{"description": "Work", "quantity": 3, "unitPrice": "100.00"}],
        },
        format="json",
    ).json()
    pid = created["id"]
    assert created["status"] == "DRAFT" and created["amount"] == 300.00

    assert payee.post(f"/api/payables/{pid}/submit").json()["status"] == "SUBMITTED"
    declined = approver.post(
        f"/api/payables/{pid}/decline", {"reason": "Rate is 90"}, format="json"
    )
    assert declined.json()["status"] == "DECLINED"
    assert payee.get(f"/api/payables/{pid}").json()["declineReason"] == "Rate is 90"

    edited = payee.patch(
        f"/api/payables/{pid}",
        {"lineItems": [{"description": "Work", "quantity": 3, "unitPrice": "90.00"}]},
        format="json",
    ).json()
    assert (edited["status"], edited["amount"]) == ("DECLINED", 270.00)
    resubmitted = payee.post(f"/api/payables/{pid}/submit").json()
    assert resubmitted["status"] == "SUBMITTED" and resubmitted["declineReason"] is None
    assert payer.get(f"/api/payables/{pid}").json()["approval"]["status"] == "manual_review"

    assert approver.post(f"/api/payables/{pid}/approve").json()["status"] == "APPROVED"
    date = (today() + datetime.timedelta(days=5)).isoformat()
    assert (
        payer.post(f"/api/payables/{pid}/schedule", {"date": date}, format="json").json()["status"]
        == "SCHEDULED"
    )
    paid = payer.post(f"/api/payables/{pid}/pay").json()
    assert paid["status"] == "PAID"
    [payment] = paid["payments"]
    assert payment["status"] == "completed" and payment["amount"] == 270.00
    assert payment["completedAt"] is not None

    timeline = payee.get(f"/api/payables/{pid}/events").json()["results"]
    assert [(e["type"], e["fromStatus"], e["toStatus"]) for e in timeline] == [
        ("payable.created", None, "DRAFT"),
        ("payable.submitted", "DRAFT", "SUBMITTED"),
        ("payable.declined", "SUBMITTED", "DECLINED"),
        ("payable.updated", "DECLINED", "DECLINED"),
        ("payable.submitted", "DECLINED", "SUBMITTED"),
        ("payable.approved", "SUBMITTED", "APPROVED"),
        ("payable.scheduled", "APPROVED", "SCHEDULED"),
        ("payment.completed", "SCHEDULED", "SCHEDULED"),
        ("payable.paid", "SCHEDULED", "PAID"),
    ]
    assert timeline[2]["note"] == "Rate is 90"
    assert timeline[2]["actor"] is None  # the payee never learns who declined
    assert timeline[2]["businessId"] == parties.payer.id
    assert PayableEvent.objects.filter(payable_id=pid).count() == 9
