"""GET /api/payables/{id}/events: the timeline, written with the change (that it is never edited is
tests/reliability/test_db_constraints.py)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from payables import events, services
from payables.models import PayableEvent, PayableStatus
from tests import factories
from tests.payables.helpers import make_payable

S = PayableStatus


def timeline(client, payable, query=""):
    response = client.get(f"/api/payables/{payable.id}/events{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
class TestTimeline:
    def test_shape_oldest_first_and_paginated(self, parties):
        payable = make_payable(parties, S.DRAFT)
        payee = parties.client(parties.payee_owner)
        payee.patch(f"/api/payables/{payable.id}", {"memo": "a"}, format="json")
        payee.post(f"/api/payables/{payable.id}/submit")
        parties.client(parties.payer_approver).post(
            f"/api/payables/{payable.id}/decline", {"reason": "No PO"}, format="json"
        )
        page = timeline(payee, payable, "?limit=2")
        assert [e["type"] for e in page["results"]] == ["payable.updated", "payable.submitted"]
        assert page["next"] is not None and page["previous"] is None
        rest = payee.get(page["next"]).json()["results"]
        assert [e["type"] for e in rest] == ["payable.declined"]
        declined = rest[0]
        assert set(declined) == {
            "id", "type", "actor", "businessId", "fromStatus", "toStatus", "note", "changes", "createdAt",
        }  # fmt: skip
        assert declined["id"].startswith("evt_")
        # The payee reads the decline and its reason, never who declined (docs/trust.md).
        assert declined["actor"] is None
        assert declined["businessId"] == parties.payer.id
        as_payer = timeline(parties.client(parties.payer_approver), payable)["results"]
        assert as_payer[-1]["actor"] == {
            "id": parties.payer_approver.id,
            "email": "approver@acme.test",
        }
        assert (declined["fromStatus"], declined["toStatus"], declined["note"]) == (
            "SUBMITTED",
            "DECLINED",
            "No PO",
        )
        assert declined["createdAt"].endswith("Z")

    def test_the_payer_does_not_see_the_drafting(self, parties):
        client = parties.client(parties.payee_owner)
        created = client.post(
            f"/api/businesses/{parties.payee.id}/payables",
            {"connectionId": parties.connection.id, "amount": "10.00"},
            format="json",
        ).json()
        client.patch(f"/api/payables/{created['id']}", {"memo": "draft 2"}, format="json")
        client.post(f"/api/payables/{created['id']}/submit")
        payer_view = parties.client(parties.payer_owner).get(
            f"/api/payables/{created['id']}/events"
        )
        assert [e["type"] for e in payer_view.json()["results"]] == ["payable.submitted"]
        payee_view = client.get(f"/api/payables/{created['id']}/events").json()["results"]
        assert [e["type"] for e in payee_view] == [
            "payable.created",
            "payable.updated",
            "payable.submitted",
        ]

    def test_each_side_sees_only_its_own_tagging(self, parties):
        payable = make_payable(parties, S.SUBMITTED)
        tag = factories.TagFactory(business=parties.payer)
        payer = parties.client(parties.payer_owner)
        payer.patch(f"/api/payables/{payable.id}/tags", {"tagIds": [tag.id]}, format="json")
        assert [e["type"] for e in timeline(payer, payable)["results"]] == ["payable.tags_changed"]
        assert timeline(parties.client(parties.payee_owner), payable)["results"] == []

    def test_the_event_is_written_in_the_transaction_of_the_change(self, parties, monkeypatch):
        payable = make_payable(parties, S.DRAFT)

        def broken(**kwargs):
            raise RuntimeError("event store down")

        monkeypatch.setattr(events, "payable_submitted_event", broken)
        with pytest.raises(RuntimeError):
            services.payable_submit(payable_id=payable.id, actor=parties.payee_owner)
        payable.refresh_from_db()
        assert payable.status == S.DRAFT and payable.submitted_at is None
        assert not payable.events.exists()

    def test_positions_count_up_per_payable(self, parties):
        payable = make_payable(parties, S.DRAFT)
        services.payable_submit(payable_id=payable.id, actor=parties.payee_owner)
        services.payable_approve(payable_id=payable.id, actor=parties.payer_approver)
        assert list(payable.events.order_by("position").values_list("position", flat=True)) == [
            1,
            2,
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            PayableEvent.objects.create(
                payable=payable, position=2, type="payable.updated", business=parties.payee,
                to_status=S.APPROVED,
            )  # fmt: skip

    def test_several_events_of_one_transaction_take_the_next_positions(self, parties):
        # Create + submit + automatic approval is one transaction, settling a payment another.
        parties.connection.auto_approve = True
        parties.connection.save()
        payable = services.payable_create(
            business_id=parties.payee.id,
            actor=parties.payee_owner,
            connection_id=parties.connection.id,
            amount=Decimal("10.00"),
            submit=True,
        )
        services.payable_pay(payable_id=payable.id, actor=parties.payer_owner)
        timeline = list(payable.events.order_by("position").values_list("position", "type"))
        assert [position for position, _type in timeline] == list(range(1, len(timeline) + 1))
        assert [t for _p, t in timeline[:3]] == [
            "payable.created",
            "payable.submitted",
            "payable.approved",
        ]
        assert timeline[-1][1] == "payable.paid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/payables/pay_%00",
        "/api/payables/pay_%00/events",
        "/api/payables/conn_abc",
        "/api/files/file_%00",
        "/api/connections/conn_%00/invoices",
    ],
)
def test_ids_that_cannot_exist_are_404_before_any_query(parties, url):
    assert parties.client(parties.payee_owner).get(url).status_code == 404
    response = parties.client(parties.payee_owner).post("/api/payables/pay_%00/submit")
    assert response.status_code == 404
