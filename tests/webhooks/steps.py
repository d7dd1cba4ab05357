"""Shared steps of the webhook tests: endpoints through the API, payables through the API."""

from webhooks.models import WebhookEndpoint


def create_endpoint(parties, user, business, url, events=("*",)) -> dict:
    response = parties.client(user).post(
        f"/api/businesses/{business.id}/webhooks",
        {"url": url, "events": list(events)},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def endpoint(endpoint_id: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.get(pk=endpoint_id)


def submitted_payable(parties, amount: str = "1234.56") -> dict:
    response = parties.client(parties.payee_owner).post(
        f"/api/businesses/{parties.payee.id}/payables",
        {
            "connectionId": parties.connection.id,
            "invoiceNumber": "INV-77",
            "amount": amount,
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def approve(parties, payable_id: str) -> None:
    response = parties.client(parties.payer_owner).post(
        f"/api/payables/{payable_id}/approve", {}, format="json"
    )
    assert response.status_code == 200, response.content
