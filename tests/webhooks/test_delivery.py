"""Deliveries to a real receiver on loopback, through the real task code: signed as Standard
Webhooks sign (checked with the standardwebhooks package), retried with backoff while the
receiver fails or is gone, and the endpoint disabled once retries run out. The clock moves by
the ``now`` argument, never by sleeping."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from standardwebhooks import Webhook

from tests.webhooks.steps import approve, create_endpoint, endpoint, submitted_payable
from webhooks import delivery as delivery_service
from webhooks.models import Delivery, DeliveryStatus, Event
from webhooks.tasks import deliver, dispatch_events, send_due_deliveries

pytestmark = pytest.mark.django_db


def pending_ids():
    return list(Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("id", flat=True))


def deliver_all():
    dispatch_events()
    for delivery_id in pending_ids():
        deliver(delivery_id)


def verified(secret: str, request) -> dict:
    """The body, once the signature checks out (raises otherwise); money stays exact."""
    Webhook(secret).verify(request.body, request.headers)
    return json.loads(request.body, parse_float=Decimal)


class TestSignedDelivery:
    def test_each_side_receives_its_own_view_signed(self, parties, receiver):
        payer_hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        payee_hook = create_endpoint(
            parties, parties.payee_owner, parties.payee, receiver.url + "?side=payee"
        )
        payable = submitted_payable(parties)
        approve(parties, payable["id"])
        deliver_all()

        by_side = {"payer": [], "payee": []}
        for request in receiver.received:
            side = "payee" if "side=payee" in request.path else "payer"
            secret = (payee_hook if side == "payee" else payer_hook)["secret"]
            by_side[side].append(verified(secret, request))

        payer_types = [body["type"] for body in by_side["payer"]]
        payee_types = [body["type"] for body in by_side["payee"]]
        # The payee's drafting is its own; the submission and the approval reach both sides.
        assert payer_types == ["payable.submitted", "payable.approved"]
        assert payee_types == ["payable.created", "payable.submitted", "payable.approved"]
        approved_for_payee = by_side["payee"][-1]
        approved_for_payer = by_side["payer"][-1]
        assert approved_for_payee["businessId"] == parties.payee.id
        assert approved_for_payer["businessId"] == parties.payer.id
        assert approved_for_payee["id"] != approved_for_payer["id"]
        assert approved_for_payee["id"].startswith("evt_")
        # data: the payable as each side's API returns it; the payee never sees the review.
        assert approved_for_payee["data"]["approval"] is None
        assert approved_for_payer["data"]["approval"] is not None
        assert approved_for_payee["data"]["amount"] == Decimal("1234.56")
        assert b'"amount":1234.56' in receiver.received[0].body
        assert all(d.status == DeliveryStatus.SUCCEEDED for d in Delivery.objects.all())

    def test_the_headers(self, parties, receiver):
        hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        submitted_payable(parties)
        deliver_all()
        (request,) = receiver.received
        event = Event.objects.get(business=parties.payer)
        assert request.headers["webhook-id"] == event.id
        assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
        assert request.headers["webhook-signature"].startswith("v1,")
        assert request.headers["Content-Type"] == "application/json"
        tampered = request.body.replace(b"1234.56", b"9999.99")
        with pytest.raises(Exception, match="signature"):
            Webhook(hook["secret"]).verify(tampered, request.headers)

    def test_after_a_rotation_both_secrets_verify(self, parties, receiver):
        hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        rotated = parties.client(parties.payer_owner).post(
            f"/api/webhooks/{hook['id']}/rotate-secret"
        )
        submitted_payable(parties)
        deliver_all()
        (request,) = receiver.received
        verified(hook["secret"], request)
        verified(rotated.json()["secret"], request)

    def test_only_subscribed_types_are_delivered(self, parties, receiver):
        create_endpoint(
            parties, parties.payer_owner, parties.payer, receiver.url, events=["payable.approved"]
        )
        payable = submitted_payable(parties)
        approve(parties, payable["id"])
        deliver_all()
        assert [json.loads(r.body)["type"] for r in receiver.received] == ["payable.approved"]

    def test_a_disabled_endpoint_receives_nothing(self, parties, receiver):
        hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        endpoint_row = endpoint(hook["id"])
        endpoint_row.disable()
        endpoint_row.save()
        submitted_payable(parties)
        deliver_all()
        assert receiver.received == []

    def test_a_test_event(self, parties, receiver):
        hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        response = parties.client(parties.payer_owner).post(f"/api/webhooks/{hook['id']}/test")
        assert response.status_code == 202
        assert response.json()["eventType"] == "webhook.test"
        deliver(response.json()["id"])
        body = verified(hook["secret"], receiver.received[0])
        assert body["type"] == "webhook.test"
        assert body["data"]["webhookId"] == hook["id"]
        feed = parties.client(parties.payer_owner).get(f"/api/businesses/{parties.payer.id}/events")
        assert feed.json()["results"] == []

    def test_the_deliveries_list(self, parties, receiver):
        hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        receiver.status = 503
        submitted_payable(parties)
        deliver_all()
        response = parties.client(parties.payer_admin).get(f"/api/webhooks/{hook['id']}/deliveries")
        assert response.status_code == 200
        (row,) = response.json()["results"]
        assert row["eventType"] == "payable.submitted"
        assert row["status"] == "pending"
        assert row["attempts"] == 1
        assert row["responseStatus"] == 503
        assert row["responseTimeMs"] >= 0
        assert row["nextAttemptAt"] is not None
        assert row["history"][0]["responseStatus"] == 503
        assert row["history"][0]["responseExcerpt"] == "receiver error"


class TestRetries:
    def test_a_failing_receiver_is_retried_with_backoff_then_the_endpoint_is_disabled(
        self, parties, receiver, django_capture_on_commit_callbacks
    ):
        hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        receiver.status = 500
        submitted_payable(parties)
        dispatch_events()
        (delivery_id,) = pending_ids()
        start = timezone.now()

        first = delivery_service.delivery_attempt(delivery_id=delivery_id, now=start)
        assert first.status == DeliveryStatus.PENDING
        assert first.response_status == 500
        wait = first.next_attempt_at - start
        assert timedelta(seconds=22) <= wait <= timedelta(seconds=38)
        # Not due yet: nothing is sent.
        assert delivery_service.delivery_attempt(delivery_id=delivery_id, now=start) is None
        assert len(receiver.received) == 1

        receiver.kill()  # the receiver is gone: connections are refused from now on
        waits = [wait]
        now = first.next_attempt_at
        with django_capture_on_commit_callbacks(execute=True):
            while True:
                row = delivery_service.delivery_attempt(delivery_id=delivery_id, now=now)
                assert row is not None
                if row.status != DeliveryStatus.PENDING:
                    break
                assert row.response_status is None
                assert "Refused" in row.last_error or "refused" in row.last_error
                waits.append(row.next_attempt_at - now)
                now = row.next_attempt_at

        assert row.status == DeliveryStatus.FAILED
        # Exponential, capped, for about three days.
        assert waits[1] > waits[0] * 1.2
        assert max(waits) <= timedelta(hours=10)
        assert timedelta(days=2, hours=12) <= now - start <= timedelta(days=3)
        assert 12 <= row.attempts <= 25
        assert row.history.count() == row.attempts
        disabled = endpoint(hook["id"])
        assert disabled.status == "disabled"
        assert "failed for 72 hours" in disabled.disabled_reason
        (message,) = mail.outbox
        assert sorted(message.to) == ["admin@acme.test", "owner@acme.test"]
        assert receiver.url in message.body
        link = next(w for w in message.body.split() if "/settings/webhooks/" in w)
        owner_page = Client()
        owner_page.force_login(parties.payer_owner)
        assert owner_page.get(link.removeprefix(settings.SITE_URL)).status_code == 200

        # Retrying is refused while disabled; enabled again, it runs at once.
        client = parties.client(parties.payer_owner)
        assert client.post(f"/api/webhook-deliveries/{delivery_id}/retry").status_code == 409
        client.patch(f"/api/webhooks/{hook['id']}", {"status": "enabled"}, format="json")
        response = client.post(f"/api/webhook-deliveries/{delivery_id}/retry")
        assert response.status_code == 202
        assert response.json()["status"] == "pending"
        assert endpoint(hook["id"]).disabled_reason == ""

    def test_a_receiver_back_in_time_gets_it(self, parties, receiver):
        create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        receiver.status = 500
        submitted_payable(parties)
        dispatch_events()
        (delivery_id,) = pending_ids()
        row = delivery_service.delivery_attempt(delivery_id=delivery_id)
        receiver.status = 204
        row = delivery_service.delivery_attempt(delivery_id=delivery_id, now=row.next_attempt_at)
        assert row.status == DeliveryStatus.SUCCEEDED
        assert row.attempts == 2
        assert endpoint(row.endpoint_id).last_success_at is not None

    def test_the_sweep_publishes_what_is_due(self, parties, receiver):
        create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        submitted_payable(parties)
        dispatch_events()
        # In-process tasks (no broker configured): the sweep's publish runs the attempt.
        assert send_due_deliveries() == 1
        assert len(receiver.received) == 1
        assert send_due_deliveries() == 0


class TestHostileReceivers:
    def test_a_receiver_that_hangs_costs_the_timeout(self, parties, receiver, settings):
        settings.WEBHOOK_TIMEOUT_SECONDS = 1
        receiver.mode = "hang"
        receiver.hang_seconds = 4
        create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        submitted_payable(parties)
        dispatch_events()
        started = time.monotonic()
        deliver(pending_ids()[0])
        assert time.monotonic() - started < 2.5
        row = Delivery.objects.get()
        assert row.status == DeliveryStatus.PENDING
        assert row.last_error == "No complete answer within 1 s."

    def test_a_redirect_is_not_followed(self, parties, receiver):
        receiver.mode = "redirect"
        receiver.redirect_to = f"http://127.0.0.1:{receiver.port}/elsewhere"
        create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        submitted_payable(parties)
        deliver_all()
        assert [r.path for r in receiver.received] == ["/hooks"]
        row = Delivery.objects.get()
        assert (row.status, row.response_status) == (DeliveryStatus.PENDING, 307)
        assert row.last_error == "The receiver answered 307."

    def test_a_huge_answer_is_not_downloaded(self, parties, receiver, settings):
        settings.WEBHOOK_MAX_RESPONSE_BYTES = 1024
        receiver.mode = "huge"
        create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        submitted_payable(parties)
        dispatch_events()
        started = time.monotonic()
        deliver(pending_ids()[0])
        assert time.monotonic() - started < 5
        row = Delivery.objects.get()
        assert row.status == DeliveryStatus.SUCCEEDED
        assert len(row.history.get().response_excerpt) == 1000

    def test_an_address_turned_private_is_refused_at_delivery(self, parties, receiver, settings):
        """DNS rebinding: the address is checked again, when sending, on what it resolves to."""
        create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
        settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
        submitted_payable(parties)
        deliver_all()
        assert receiver.received == []
        row = Delivery.objects.get()
        assert "private or loopback address (127.0.0.1)" in row.last_error


def test_the_documented_verification_by_hand_accepts_a_delivery(parties, receiver):
    """docs/api/webhooks.md's standard-library example, run against a real delivery."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs/api/webhooks.md").read_text()
    code = doc.split("```python\nimport base64, hashlib, hmac, time\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec("import base64, hashlib, hmac, time\n" + code, namespace)
    hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
    submitted_payable(parties)
    deliver_all()
    (request,) = receiver.received
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert namespace["verify"](hook["secret"], request.body, headers)
    assert not namespace["verify"](hook["secret"], request.body + b" ", headers)
