"""The events each business gets (its own side only) and the feed that lists them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payables.models import PayableEvent
from tests import factories
from tests.webhooks.steps import approve, submitted_payable
from webhooks.models import Event
from webhooks.tasks import dispatch_events

pytestmark = pytest.mark.django_db


def types_of(business) -> list[str]:
    return list(
        Event.objects.filter(business=business)
        .order_by("created_at", "id")
        .values_list("type", flat=True)
    )


def feed(parties, user, business, query: str = ""):
    return parties.client(user).get(f"/api/businesses/{business.id}/events{query}")


class TestWhoGetsWhat:
    def test_an_approval_step_is_the_payers_alone(self, parties):
        factories.approval_workflow(
            parties.payer,
            steps=[{"approvers": [parties.payer_approver]}, {"approvers": [parties.payer_owner]}],
        )
        payable = submitted_payable(parties)
        parties.client(parties.payer_approver).post(f"/api/payables/{payable['id']}/approve")
        approve(parties, payable["id"])
        assert "payable.approval_recorded" in types_of(parties.payer)
        assert "payable.approval_recorded" not in types_of(parties.payee)
        assert types_of(parties.payee) == [
            "payable.created",
            "payable.submitted",
            "payable.approved",
        ]

    def test_one_row_per_side_per_fact_and_capture_is_idempotent(self, parties):
        submitted_payable(parties)
        source = PayableEvent.objects.get(type="payable.submitted")
        rows = Event.objects.filter(source_id=source.pk)
        assert sorted(rows.values_list("business_id", flat=True)) == sorted(
            [parties.payer.id, parties.payee.id]
        )
        from webhooks import capture

        capture._on_payable_event(PayableEvent, source, created=True)
        assert Event.objects.filter(source_id=source.pk).count() == 2

    def test_a_rolled_back_fact_leaves_no_event(self, parties):
        client = parties.client(parties.payee_owner)
        before = Event.objects.count()
        response = client.post(
            f"/api/businesses/{parties.payee.id}/payables",
            {"connectionId": parties.connection.id, "amount": "-1"},
            format="json",
        )
        assert response.status_code == 400
        assert Event.objects.count() == before

    def test_credits_and_connections(self, parties):
        response = parties.client(parties.payee_owner).post(
            f"/api/businesses/{parties.payee.id}/credits",
            {"connectionId": parties.connection.id, "amount": "25.00"},
            format="json",
        )
        assert response.status_code == 201, response.content
        other, other_owner = factories.business_with_owner("Initech")
        invite = parties.client(parties.payer_owner).post(
            f"/api/businesses/{parties.payer.id}/connections",
            {"counterpartyBusinessId": other.id, "myRole": "payer"},
            format="json",
        )
        assert invite.status_code == 201, invite.content
        connection_id = invite.json()["id"]
        assert (
            parties.client(other_owner).post(f"/api/connections/{connection_id}/accept").status_code
            == 200
        )
        assert (
            parties.client(parties.payer_owner)
            .patch(f"/api/connections/{connection_id}/archive")
            .status_code
            == 200
        )
        assert types_of(parties.payee) == ["credit.created"]
        assert types_of(parties.payer) == [
            "credit.created",
            "connection.created",
            "connection.activated",
            "connection.archived",
        ]
        assert types_of(other) == [
            "connection.created",
            "connection.activated",
            "connection.archived",
        ]
        dispatch_events()
        credit = Event.objects.get(business=parties.payer, type="credit.created")
        assert credit.data["amount"] == 25 and credit.data["id"].startswith("crd_")
        archived = Event.objects.get(business=other, type="connection.archived")
        assert archived.data["role"] == "payee"
        assert archived.data["status"] == "archived"


class TestFeed:
    def test_newest_first_paginated_and_filtered(self, parties):
        payable = submitted_payable(parties)
        approve(parties, payable["id"])
        response = feed(parties, parties.payer_viewer, parties.payer, "?limit=1")
        assert response.status_code == 200
        page = response.json()
        assert [e["type"] for e in page["results"]] == ["payable.approved"]
        event = page["results"][0]
        assert set(event) == {"id", "type", "createdAt", "businessId", "data"}
        assert event["data"]["id"] == payable["id"]
        assert event["data"]["status"] == "APPROVED"
        following = parties.client(parties.payer_viewer).get(page["next"]).json()
        assert [e["type"] for e in following["results"]] == ["payable.submitted"]
        assert following["next"] is None

        only = feed(parties, parties.payee_owner, parties.payee, "?type=payable.created")
        assert [e["type"] for e in only.json()["results"]] == ["payable.created"]
        both = feed(
            parties, parties.payee_owner, parties.payee, "?type=payable.created,payable.approved"
        )
        assert len(both.json()["results"]) == 2

        later = (timezone.now() + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
        assert (
            feed(parties, parties.payer_owner, parties.payer, f"?createdAfter={later}").json()[
                "results"
            ]
            == []
        )
        assert (
            len(
                feed(parties, parties.payer_owner, parties.payer, f"?createdBefore={later}").json()[
                    "results"
                ]
            )
            == 2
        )

    def test_the_feed_and_the_delivery_show_the_same_data(self, parties):
        submitted_payable(parties)
        before = feed(parties, parties.payer_owner, parties.payer).json()["results"]
        dispatch_events()
        after = feed(parties, parties.payer_owner, parties.payer).json()["results"]
        assert before == after

    @pytest.mark.parametrize("query", ["?type=nope", "?createdAfter=yesterday", "?limit=0"])
    def test_bad_filters_are_400(self, parties, query):
        assert feed(parties, parties.payer_owner, parties.payer, query).status_code == 400

    def test_another_business_is_a_404(self, parties):
        assert feed(parties, parties.payee_owner, parties.payer).status_code == 404
        assert feed(parties, parties.outsider, parties.payer).status_code == 404


def test_a_draft_cancelled_before_submission_stays_the_payees(parties):
    created = parties.client(parties.payee_owner).post(
        f"/api/businesses/{parties.payee.id}/payables",
        {"connectionId": parties.connection.id, "amount": "10.00"},
        format="json",
    )
    cancelled = parties.client(parties.payee_owner).post(
        f"/api/payables/{created.json()['id']}/cancel", {}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.content
    assert types_of(parties.payee) == ["payable.created", "payable.cancelled"]
    assert types_of(parties.payer) == []
