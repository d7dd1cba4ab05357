"""Webhook endpoints through the API (docs/api/webhooks.md): who may, what is refused, the secret once."""

import pytest

from tests.webhooks.steps import create_endpoint, endpoint

pytestmark = pytest.mark.django_db


def url(business) -> str:
    return f"/api/businesses/{business.id}/webhooks"


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


class TestCreate:
    def test_the_secret_is_shown_once(self, parties, loopback):
        created = create_endpoint(
            parties,
            parties.payer_admin,
            parties.payer,
            "http://127.0.0.1:9/hooks",
            events=["payable.submitted", "payable.paid"],
        )
        assert created["id"].startswith("whk_")
        assert created["secret"].startswith("whsec_")
        assert created["status"] == "enabled"
        assert created["events"] == ["payable.submitted", "payable.paid"]
        client = parties.client(parties.payer_owner)
        listed = client.get(url(parties.payer)).json()["results"]
        assert [row["id"] for row in listed] == [created["id"]]
        assert "secret" not in listed[0]
        assert "secret" not in client.get(f"/api/webhooks/{created['id']}").json()

    @pytest.mark.parametrize(
        "bad_url, message",
        [
            ("ftp://example.com/x", "https://"),
            ("not a url", "https://"),
            ("http://example.com/hooks", "https://"),
            ("https://user:pw@example.com/hooks", "user name"),
            ("https://127.0.0.1/hooks", "private or loopback"),
            ("https://localhost/hooks", "private or loopback"),
            ("https://10.1.2.3/hooks", "private or loopback"),
            ("https://169.254.169.254/latest", "private or loopback"),
            ("https://[::1]/hooks", "private or loopback"),
            ("https://[::ffff:127.0.0.1]/hooks", "private or loopback"),
            ("https://" + "a" * 2000 + ".com", "2000"),
        ],
    )
    def test_refused_urls(self, parties, bad_url, message):
        response = parties.client(parties.payer_owner).post(
            url(parties.payer), {"url": bad_url, "events": ["*"]}, format="json"
        )
        assert response.status_code == 400, response.content
        assert message in errors(response)["url"]

    def test_private_addresses_are_allowed_when_configured(self, parties, loopback):
        created = create_endpoint(
            parties, parties.payer_owner, parties.payer, "http://127.0.0.1:8000/x"
        )
        assert created["url"] == "http://127.0.0.1:8000/x"

    @pytest.mark.parametrize("events", [[], ["payable.exploded"], "payable.paid", [42]])
    def test_refused_events(self, parties, loopback, events):
        response = parties.client(parties.payer_owner).post(
            url(parties.payer), {"url": "http://127.0.0.1:9/", "events": events}, format="json"
        )
        assert response.status_code == 400
        assert "events" in " ".join(errors(response))

    def test_the_star_wins(self, parties, loopback):
        created = create_endpoint(
            parties,
            parties.payer_owner,
            parties.payer,
            "http://127.0.0.1:9/",
            events=["payable.paid", "*"],
        )
        assert created["events"] == ["*"]

    @pytest.mark.parametrize("role", ["payer_viewer", "payer_approver", "payer_accountant"])
    def test_only_owners_and_admins(self, parties, loopback, role):
        client = parties.client(getattr(parties, role))
        body = {"url": "http://127.0.0.1:9/", "events": ["*"]}
        assert client.post(url(parties.payer), body, format="json").status_code == 403
        assert client.get(url(parties.payer)).status_code == 403

    def test_another_business_is_a_404(self, parties, loopback):
        created = create_endpoint(
            parties, parties.payer_owner, parties.payer, "http://127.0.0.1:9/"
        )
        client = parties.client(parties.payee_owner)
        assert client.get(url(parties.payer)).status_code == 404
        assert client.get(f"/api/webhooks/{created['id']}").status_code == 404
        assert (
            client.patch(
                f"/api/webhooks/{created['id']}", {"status": "disabled"}, format="json"
            ).status_code
            == 404
        )
        assert client.delete(f"/api/webhooks/{created['id']}").status_code == 404
        assert client.post(f"/api/webhooks/{created['id']}/test").status_code == 404
        assert client.get(f"/api/webhooks/{created['id']}/deliveries").status_code == 404
        assert endpoint(created["id"]).is_enabled


class TestChange:
    @pytest.fixture
    def created(self, parties, loopback):
        return create_endpoint(parties, parties.payer_owner, parties.payer, "http://127.0.0.1:9/")

    def test_patch(self, parties, created):
        client = parties.client(parties.payer_admin)
        response = client.patch(
            f"/api/webhooks/{created['id']}",
            {"url": "http://127.0.0.1:10/new", "events": ["credit.created"], "status": "disabled"},
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["url"], body["events"], body["status"]) == (
            "http://127.0.0.1:10/new",
            ["credit.created"],
            "disabled",
        )
        assert "secret" not in body

    def test_patch_refuses_what_create_refuses(self, parties, created, settings):
        settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
        client = parties.client(parties.payer_owner)
        response = client.patch(
            f"/api/webhooks/{created['id']}", {"url": "http://127.0.0.1:10/"}, format="json"
        )
        assert response.status_code == 400
        assert endpoint(created["id"]).url == "http://127.0.0.1:9/"

    def test_rotate_returns_a_new_secret_and_keeps_the_old_one_a_day(self, parties, created):
        response = parties.client(parties.payer_owner).post(
            f"/api/webhooks/{created['id']}/rotate-secret"
        )
        assert response.status_code == 200
        rotated = endpoint(created["id"])
        assert response.json()["secret"] == rotated.secret != created["secret"]
        assert rotated.previous_secret == created["secret"]

    def test_delete(self, parties, created):
        client = parties.client(parties.payer_owner)
        assert client.delete(f"/api/webhooks/{created['id']}").status_code == 204
        assert client.get(f"/api/webhooks/{created['id']}").status_code == 404

    def test_malformed_ids_are_404(self, parties):
        client = parties.client(parties.payer_owner)
        assert client.get("/api/webhooks/nope").status_code == 404
        assert client.post("/api/webhook-deliveries/whk_x/retry").status_code == 404
