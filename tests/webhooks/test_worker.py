"""The real thing: Redis as the broker, a Celery worker of the project's app, a receiver on
loopback. A committed fact reaches the receiver signed, with no call from the test."""

import json

import pytest
from standardwebhooks import Webhook

from tests.conftest import wait_until
from tests.webhooks.steps import create_endpoint, submitted_payable
from webhooks.models import Delivery, DeliveryStatus

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_committed_fact_is_delivered_by_the_worker(parties, receiver, celery_worker):
    hook = create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
    payable = submitted_payable(parties)

    wait_until(lambda: receiver.received, timeout=30)
    (request,) = receiver.received
    body = Webhook(hook["secret"]).verify(request.body, request.headers)
    assert body["type"] == "payable.submitted"
    assert body["data"]["id"] == payable["id"]
    wait_until(
        lambda: Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists(), timeout=30
    )


def test_a_failing_receiver_leaves_the_delivery_pending_with_its_retry_due(
    parties, receiver, celery_worker
):
    create_endpoint(parties, parties.payer_owner, parties.payer, receiver.url)
    receiver.status = 500
    submitted_payable(parties)

    row = wait_until(
        lambda: Delivery.objects.filter(attempts=1, response_status=500).first(), timeout=30
    )
    assert row.status == DeliveryStatus.PENDING
    assert row.next_attempt_at > row.last_attempt_at
    assert json.loads(receiver.received[0].body)["type"] == "payable.submitted"
