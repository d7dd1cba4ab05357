"""Webhook tasks (queue ``webhooks``): they take IDs, re-read, and call ``delivery``. Each may
run twice: a dispatched event is not dispatched again, a delivery not due is left alone."""

from celery import shared_task
from django.urls import reverse

from cleopay.core.mail import EMAIL_RETRY, send_templated_mail
from cleopay.core.publish import publish
from webhooks import delivery
from webhooks.models import WebhookEndpoint

DISPATCH_BATCH = 200


@shared_task
def dispatch_events() -> int:
    """Dispatch every undispatched event (kicked after a commit that wrote some; beat sweeps)."""
    total = 0
    while True:
        done = delivery.events_dispatch(limit=DISPATCH_BATCH)
        total += done
        if done < DISPATCH_BATCH:
            return total


@shared_task
def deliver(delivery_id: str) -> str | None:
    """One attempt of a delivery, if it is due; returns its status afterwards."""
    result = delivery.delivery_attempt(delivery_id=delivery_id)
    return result.status if result is not None else None


@shared_task
def send_due_deliveries() -> int:
    """Beat, every 30 s: publish an attempt for each delivery whose retry is due."""
    sent = 0
    for delivery_id in delivery.deliveries_due():
        if not publish(deliver, delivery_id, keep=False):
            break
        sent += 1
    return sent


@shared_task(**EMAIL_RETRY)
def send_endpoint_disabled_email(endpoint_id: str) -> int:
    endpoint = WebhookEndpoint.objects.select_related("business").filter(pk=endpoint_id).first()
    if endpoint is None:
        return 0
    recipients = delivery.endpoint_disabled_recipients(endpoint)
    if not recipients:
        return 0
    return send_templated_mail(
        to=recipients,
        template="webhook_disabled",
        context={
            "endpoint": endpoint,
            "business": endpoint.business,
            "path": reverse("settings-webhook", args=[endpoint.business_id, endpoint.pk]),
        },
    )
