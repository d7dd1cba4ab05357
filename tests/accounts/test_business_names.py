"""Business names carry no link (they reach strangers in e-mails from the platform's address)
and are quoted in those e-mails as what the business calls itself."""

import pytest
from django.core import mail

from accounts.models import Business

pytestmark = pytest.mark.django_db

LINKY = [
    "https://free-money.example",
    "Visit www.acme-pay",
    "acme-payments.com",
    "ACME.IO Billing",
    "\uff21\uff23\uff2d\uff25\uff0e\uff23\uff2f\uff2d",  # full-width ACME.COM
    "acme[.]com",
    "pay@acme",
    "http acme",
    "Acme\u202eInc",
]
FINE = ["Acme Inc.", "J.P. Morgan & Co.", "St. Louis Supply", "Acme 2.0", "O'Brien & Sons, Ltd."]


@pytest.mark.parametrize("name", LINKY)
def test_a_link_in_a_business_name_is_a_400_on_every_path(api, owner, client, name):
    created = api(owner).post("/api/businesses", {"name": name}, format="json")
    signup = api().post(
        "/api/auth/signup",
        {"email": "n@example.com", "password": "a long enough password", "businessName": name},
        format="json",
    )
    page = client.post(
        "/signup",
        {"email": "p@example.com", "password": "a long enough pw 1", "businessName": name},
    )

    assert created.status_code == 400
    assert [e["field"] for e in created.json()["errors"]] == ["name"]
    assert signup.status_code == 400
    assert [e["field"] for e in signup.json()["errors"]] == ["businessName"]
    assert page.status_code == 400
    assert "cannot hold" in page.content.decode()
    assert not Business.objects.exclude(pk=owner.business.pk).exists()


@pytest.mark.parametrize("name", FINE)
def test_ordinary_names_are_fine(api, owner, name):
    assert api(owner).post("/api/businesses", {"name": name}, format="json").status_code == 201


def test_member_invitations_quote_the_name(api, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api(owner).post(
            f"/api/businesses/{owner.business.id}/members",
            {"email": "x@example.com", "role": "viewer"},
            format="json",
        )
    message = mail.outbox[-1]
    quoted = f"a business calling itself “{owner.business.name}”"
    assert quoted in message.subject
    assert quoted in message.body
