"""Member invitations accepted by their invitee, expiry, the daily cap, and e-mail verification
(docs/trust.md)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import MemberInvitation, Membership, User
from tests import factories
from tests.verification import verification_token

pytestmark = pytest.mark.django_db


def invite(client, business, email, role="viewer"):
    return client.post(
        f"/api/businesses/{business.id}/members", {"email": email, "role": role}, format="json"
    )


def test_known_and_unknown_addresses_get_the_same_answer(api, owner):
    factories.UserFactory(email="known@example.com")

    known = invite(api(owner), owner.business, "known@example.com").json()
    unknown = invite(api(owner), owner.business, "nobody@example.com").json()

    assert set(known) == set(unknown) == {"id", "email", "role", "status", "createdAt", "expiresAt"}
    assert known["status"] == unknown["status"] == "invited"
    assert not Membership.objects.filter(user__email="known@example.com").exists()


def test_an_expired_invitation_cannot_be_accepted_and_may_be_sent_again(api, owner):
    invitee = factories.UserFactory(email="late@example.com")
    first = invite(api(owner), owner.business, invitee.email).json()
    MemberInvitation.objects.filter(pk=first["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert api(invitee).get("/api/me/invitations").json()["results"] == []
    refused = api(invitee).post(f"/api/member-invitations/{first['id']}/accept")
    assert refused.status_code == 409
    assert not Membership.objects.filter(user=invitee).exists()

    again = invite(api(owner), owner.business, invitee.email)
    assert again.status_code == 201
    assert (
        api(invitee).post(f"/api/member-invitations/{again.json()['id']}/accept").status_code == 200
    )


def test_invitations_expire_after_fourteen_days(api, owner):
    body = invite(api(owner), owner.business, "x@example.com").json()
    invitation = MemberInvitation.objects.get(pk=body["id"])
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=14)) < timedelta(
        seconds=5
    )


def test_declined_invitations_do_not_bind(api, owner):
    invitee = factories.UserFactory(email="no@example.com")
    body = invite(api(owner), owner.business, invitee.email).json()

    assert api(invitee).post(f"/api/member-invitations/{body['id']}/decline").status_code == 204
    assert api(invitee).post(f"/api/member-invitations/{body['id']}/accept").status_code == 409
    assert not Membership.objects.filter(user=invitee).exists()


def test_member_and_connection_invitations_are_capped_per_business_per_day(api, owner, settings):
    settings.INVITATIONS_PER_BUSINESS_PER_DAY = 3
    client = api(owner)
    assert invite(client, owner.business, "a@example.com").status_code == 201
    assert invite(client, owner.business, "b@example.com").status_code == 201
    connection = client.post(
        f"/api/businesses/{owner.business.id}/connections",
        {"counterpartyEmail": "vendor@example.com", "myRole": "payer"},
        format="json",
    )
    assert connection.status_code == 201

    over = invite(client, owner.business, "c@example.com")
    over_connection = client.post(
        f"/api/businesses/{owner.business.id}/connections",
        {"counterpartyEmail": "vendor2@example.com", "myRole": "payer"},
        format="json",
    )

    for response in (over, over_connection):
        assert response.status_code == 429
        assert "3 invitations in the last 24 hours" in response.json()["message"]
        assert int(response["Retry-After"]) > 0
    assert MemberInvitation.objects.count() == 2
    # A withdrawn invitation still counts: withdrawing does not buy another e-mail.
    first = MemberInvitation.objects.get(email="a@example.com")
    assert (
        client.delete(f"/api/businesses/{owner.business.id}/invitations/{first.id}").status_code
        == 204
    )
    assert invite(client, owner.business, "c@example.com").status_code == 429


def test_verification_page_link_and_resend(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/signup", {"email": "new@example.com", "password": "a long enough password"})
    user = User.objects.get(email="new@example.com")
    assert not user.email_verified
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("verify-email-resend"))
    token = verification_token("new@example.com")

    # Opening the link changes nothing (mail scanners open links); the button verifies.
    assert client.get(f"/verify-email/{token}").status_code == 200
    user.refresh_from_db()
    assert not user.email_verified
    done = client.post(f"/verify-email/{token}")
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.email_verified

    forged = client.post(f"/verify-email/{token[:-2]}xx")
    assert forged.status_code == 400


def test_sign_up_from_an_invitation_link_keeps_the_address(client):
    page = client.get("/signup?email=invited%40example.com").content.decode()
    assert 'value="invited@example.com"' in page


def test_an_unverified_account_uses_its_own_business(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = (
            api()
            .post(
                "/api/auth/signup",
                {
                    "email": "u@example.com",
                    "password": "a long enough password",
                    "businessName": "U",
                },
                format="json",
            )
            .json()
        )
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get(f"/api/businesses/{body['business']['id']}").status_code == 200
    assert client.get("/api/me").json()["emailVerified"] is False
