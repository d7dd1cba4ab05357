"""The webhook pages under settings: owners and admins manage endpoints and see deliveries."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.webhooks.steps import submitted_payable
from webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint
from webhooks.tasks import deliver, dispatch_events

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(name, business, *args) -> str:
    return reverse(name, args=[business.id, *args])


def test_create_shows_the_secret_once_then_the_deliveries(parties, receiver):
    client = browser(parties.payer_admin)
    listing = client.get(page("settings-webhooks", parties.payer))
    assert listing.status_code == 200
    assert "No webhook endpoints yet." in listing.content.decode()

    created = client.post(
        page("settings-webhooks", parties.payer),
        {"url": receiver.url, "description": "ERP", "events": ["payable.submitted"]},
    )
    assert created.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in created.content.decode()
    assert endpoint.events == ["payable.submitted"]

    detail = page("settings-webhook", parties.payer, endpoint.id)
    submitted_payable(parties)
    receiver.status = 500
    dispatch_events()
    deliver(Delivery.objects.get().id)
    shown = client.get(detail).content.decode()
    assert endpoint.secret not in shown
    assert "payable.submitted" in shown
    assert "HTTP 500" in shown
    assert "The receiver answered 500." in shown

    receiver.status = 200
    client.post(page("settings-webhook-test", parties.payer, endpoint.id))
    test_delivery = Delivery.objects.get(event__type="webhook.test")
    deliver(test_delivery.id)
    assert Delivery.objects.get(pk=test_delivery.pk).status == DeliveryStatus.SUCCEEDED

    client.post(page("settings-webhook-status", parties.payer, endpoint.id), {"status": "disabled"})
    assert WebhookEndpoint.objects.get().status == "disabled"
    client.post(page("settings-webhook-status", parties.payer, endpoint.id), {"status": "enabled"})
    failed = Delivery.objects.get(event__type="payable.submitted")
    failed.fail()
    failed.save()
    client.post(page("settings-webhook-delivery-retry", parties.payer, endpoint.id, failed.id))
    assert Delivery.objects.get(pk=failed.pk).status == DeliveryStatus.PENDING

    rotated = client.post(page("settings-webhook-rotate", parties.payer, endpoint.id))
    new_secret = WebhookEndpoint.objects.get().secret
    assert new_secret != endpoint.secret and new_secret in rotated.content.decode()

    client.post(page("settings-webhook-delete", parties.payer, endpoint.id))
    assert not WebhookEndpoint.objects.exists()


def test_errors_beside_the_fields(parties):
    client = browser(parties.payer_owner)
    response = client.post(
        page("settings-webhooks", parties.payer), {"url": "https://127.0.0.1/x", "events": ["*"]}
    )
    assert response.status_code == 400
    assert "private or loopback" in response.content.decode()
    response = client.post(
        page("settings-webhooks", parties.payer), {"url": "https://example.com/x"}
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_other_roles_and_businesses(parties, loopback):
    assert (
        browser(parties.payer_viewer).get(page("settings-webhooks", parties.payer)).status_code
        == 403
    )
    assert (
        browser(parties.payee_owner).get(page("settings-webhooks", parties.payer)).status_code
        == 404
    )
    browser(parties.payer_owner).post(
        page("settings-webhooks", parties.payer),
        {"url": "http://127.0.0.1:9/", "events": ["*"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    # Reached through the payee's own settings: still not theirs.
    stranger = browser(parties.payee_owner)
    assert stranger.get(page("settings-webhook", parties.payee, endpoint.id)).status_code == 404
    assert (
        stranger.post(page("settings-webhook-delete", parties.payee, endpoint.id)).status_code
        == 404
    )
    assert WebhookEndpoint.objects.exists()
    nav = browser(parties.payer_owner).get(page("settings-profile", parties.payer)).content.decode()
    assert "Webhooks" in nav
    viewer_nav = browser(parties.payer_viewer).get(page("settings-profile", parties.payer))
    assert "settings/webhooks" not in viewer_nav.content.decode()
