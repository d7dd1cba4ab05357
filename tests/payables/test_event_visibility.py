"""What each side reads of the timeline (docs/trust.md, seed 004: "Payees do not see or interact
with a payer's approval workflow directly"): every event type by side, over the API and on the
detail page."""

import pytest
from django.test import Client
from django.urls import reverse

from payables import events
from payables.models import EventType, PayableStatus
from tests.payables.helpers import make_payable
from tests.reliability.report import figure

pytestmark = pytest.mark.django_db

# The side whose people write each event.
PAYER_WRITES = {
    EventType.APPROVAL_RECORDED,
    EventType.APPROVED,
    EventType.DECLINED,
    EventType.SCHEDULED,
    EventType.UNSCHEDULED,
    EventType.PAYMENT_COMPLETED,
    EventType.PAYMENT_FAILED,
    EventType.PAID,
    EventType.NOT_DUPLICATE,
    EventType.APPROVAL_REMINDED,
}
PAYEE_ONLY = {EventType.CREATED, EventType.UPDATED}
PAYER_ONLY = {EventType.APPROVAL_RECORDED, EventType.NOT_DUPLICATE, EventType.APPROVAL_REMINDED}
SECRET_NOTE = "Step 1 of 2 (CFO sign-off workflow)"


def _every_event(parties):
    """One event of every type on one submitted payable, each written as its side writes it
    (tags: one by each side), with a note naming the payer's workflow on the payer's events."""
    payable = make_payable(parties, PayableStatus.SUBMITTED)
    for type in EventType:
        sides = (
            ["payer", "payee"]
            if type == EventType.TAGS_CHANGED
            else ["payer" if type in PAYER_WRITES else "payee"]
        )
        for side in sides:
            actor = parties.payer_approver if side == "payer" else parties.payee_owner
            events._write(
                payable=payable,
                type=type,
                actor=actor,
                business_id=getattr(parties, side).id,
                from_status=payable.status,
                note=f"{SECRET_NOTE} {type} by {side}",
            )
    return payable


def _expected(side: str) -> list[tuple[str, str]]:
    rows = []
    for type in EventType:
        if type == EventType.TAGS_CHANGED:
            rows.append((type.value, side))
            continue
        if (side == "payee" and type in PAYER_ONLY) or (side == "payer" and type in PAYEE_ONLY):
            continue
        rows.append((type.value, "payer" if type in PAYER_WRITES else "payee"))
    return rows


@pytest.mark.parametrize("side", ["payee", "payer"])
def test_every_event_type_by_side_over_the_api(parties, side):
    payable = _every_event(parties)
    reader = parties.payee_owner if side == "payee" else parties.payer_owner
    business = getattr(parties, side)
    body = parties.client(reader).get(f"/api/payables/{payable.id}/events?limit=200").json()
    rows = body["results"]

    by = {parties.payer.id: "payer", parties.payee.id: "payee"}
    assert [(e["type"], by[e["businessId"]]) for e in rows] == _expected(side)
    for event in rows:
        if side == "payee" and event["businessId"] == parties.payer.id:
            # The outcome, never the approver nor the workflow.
            assert event["actor"] is None, event
        else:
            assert event["actor"] is not None, event
    text = str(body)
    if side == "payee":
        assert parties.payer_approver.email not in text
        assert parties.payer_approver.id not in text
        assert "payable.approved by payer" not in text  # the approval's note (workflow, step)
        assert "payable.declined by payer" in text  # the decline's reason is the payee's to read
    else:
        assert "payable.created by payee" not in text
    assert business.id in text
    figure(f"event-visibility-api-{side}", types=len(EventType), shown=len(rows))


@pytest.mark.parametrize("side", ["payee", "payer"])
def test_every_event_type_by_side_on_the_detail_page(parties, side):
    payable = _every_event(parties)
    reader = parties.payee_owner if side == "payee" else parties.payer_owner
    business = getattr(parties, side)
    client = Client()
    client.force_login(reader)

    page = client.get(reverse("payable-detail", args=[business.id, payable.id])).content.decode()

    for type in EventType:
        for writer in ("payer", "payee"):
            note = f"{SECRET_NOTE} {type} by {writer}"
            expected = (type.value, writer) in _expected(side) and not (
                side == "payee" and writer == "payer" and type == EventType.APPROVED
            )
            assert (note in page) == expected, (type, writer, side)
    assert (parties.payer_approver.email in page) == (side == "payer")
