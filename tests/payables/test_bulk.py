"""Bulk actions: each payable as if asked alone, one result per ID, refusals do not stop others."""

import datetime
from decimal import Decimal

import pytest

from payables.models import Payable, PayableStatus, Payment
from tests import factories
from tests.payables.helpers import error_fields, make_payable, today

S = PayableStatus


def bulk(parties, body, user=None, business=None):
    client = parties.client(user or parties.payer_owner)
    business = business or parties.payer
    return client.post(f"/api/businesses/{business.id}/payables/bulk", body, format="json")


def statuses(*payables):
    return [Payable.objects.get(pk=p.pk).status for p in payables]


@pytest.mark.django_db
class TestBulk:
    def test_pay_mixed_results_one_refusal_does_not_stop_the_others(self, parties):
        first = make_payable(parties, S.APPROVED, amount=Decimal("10.00"))
        submitted = make_payable(parties, S.SUBMITTED)
        last = make_payable(parties, S.APPROVED, amount=Decimal("20.00"))
        response = bulk(parties, {"action": "pay", "payableIds": [first.id, submitted.id, last.id]})
        assert response.status_code == 200, response.content
        results = response.json()["results"]
        assert [(r["payableId"], r["ok"], r.get("status")) for r in results] == [
            (first.id, True, S.PAID),
            (submitted.id, False, None),
            (last.id, True, S.PAID),
        ]
        error = results[1]["error"]
        assert (error["type"], error["code"], error["currentStatus"]) == (
            "conflict",
            "invalid_transition",
            S.SUBMITTED,
        )
        assert error["message"] == "Cannot pay a payable whose status is SUBMITTED."
        assert statuses(first, submitted, last) == [S.PAID, S.SUBMITTED, S.PAID]

    def test_another_businesses_payable_answers_not_found_and_leaks_nothing(self, parties):
        other = factories.PayableFactory(status=S.APPROVED, amount=Decimal("999.00"))
        outgoing = factories.PayableFactory(
            connection=factories.ConnectionFactory(payee=parties.payer), status=S.APPROVED
        )
        mine = make_payable(parties, S.APPROVED)
        body = {"action": "pay", "payableIds": [other.id, outgoing.id, "pay_nonexistent", mine.id]}
        results = bulk(parties, body).json()["results"]
        missing = [r for r in results if not r["ok"]]
        assert [r["payableId"] for r in missing] == [other.id, outgoing.id, "pay_nonexistent"]
        assert {(r["error"]["type"], r["error"]["message"]) for r in missing} == {
            ("not_found", "Not found.")
        }
        assert "999" not in str(results)
        assert statuses(other, outgoing, mine) == [S.APPROVED, S.APPROVED, S.PAID]

    def test_schedule_needs_a_date_and_schedules_each(self, parties):
        one, two = make_payable(parties, S.APPROVED), make_payable(parties, S.APPROVED)
        missing = bulk(parties, {"action": "schedule", "payableIds": [one.id]})
        assert missing.status_code == 400
        assert "date" in error_fields(missing)
        on = (today() + datetime.timedelta(days=3)).isoformat()
        results = bulk(
            parties, {"action": "schedule", "payableIds": [one.id, two.id], "date": on}
        ).json()["results"]
        assert [r["status"] for r in results] == [S.SCHEDULED, S.SCHEDULED]
        assert Payment.objects.filter(payable__in=[one, two], scheduled_for=on).count() == 2
        # A date in the past: each item answers what scheduling it alone answers.
        three = make_payable(parties, S.APPROVED)
        yesterday = (today() - datetime.timedelta(days=1)).isoformat()
        past = bulk(parties, {"action": "schedule", "payableIds": [three.id], "date": yesterday})
        error = past.json()["results"][0]["error"]
        assert error["type"] == "validation_error"
        assert [e["field"] for e in error["errors"]] == ["date"]
        assert statuses(three) == [S.APPROVED]

    def test_approve_each_and_a_field_error_per_item(self, parties):
        submitted = make_payable(parties, S.SUBMITTED)
        approved = make_payable(parties, S.APPROVED)
        results = bulk(
            parties,
            {"action": "approve", "payableIds": [submitted.id, approved.id]},
            user=parties.payer_approver,
        ).json()["results"]
        assert results[0] == {"payableId": submitted.id, "ok": True, "status": S.APPROVED}
        assert results[1]["error"]["code"] == "invalid_transition"

    def test_a_bad_action_or_more_than_200_ids_is_a_400(self, parties):
        payable = make_payable(parties, S.APPROVED)
        bad = bulk(parties, {"action": "delete", "payableIds": [payable.id]})
        assert bad.status_code == 400 and "action" in error_fields(bad)
        many = bulk(parties, {"action": "pay", "payableIds": [payable.id] * 201})
        assert many.status_code == 400 and "payableIds" in error_fields(many)
        empty = bulk(parties, {"action": "pay", "payableIds": []})
        assert empty.status_code == 400
        assert statuses(payable) == [S.APPROVED]

    def test_the_action_needs_its_role(self, parties):
        payable = make_payable(parties, S.APPROVED)
        assert (
            bulk(
                parties, {"action": "pay", "payableIds": [payable.id]}, user=parties.payer_approver
            ).status_code
            == 403
        )
        assert (
            bulk(
                parties, {"action": "pay", "payableIds": [payable.id]}, user=parties.outsider
            ).status_code
            == 404
        )
        assert statuses(payable) == [S.APPROVED]

    def test_with_an_idempotency_key_a_refusal_still_keeps_the_others(self, parties):
        good = make_payable(parties, S.APPROVED)
        refused = make_payable(parties, S.PAID)
        client = parties.client(parties.payer_owner)
        response = client.post(
            f"/api/businesses/{parties.payer.id}/payables/bulk",
            {"action": "pay", "payableIds": [refused.id, good.id]},
            format="json",
            HTTP_IDEMPOTENCY_KEY="bulk-1",
        )
        assert [r["ok"] for r in response.json()["results"]] == [False, True]
        assert statuses(good) == [S.PAID]
