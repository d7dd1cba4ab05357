"""Sign-up, token exchange and bearer tokens (docs/api/accounts.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import Membership, User
from tests import factories
from tests.verification import verify_by_link

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def signup(client, **body):
    body.setdefault("password", PASSWORD)
    return client.post("/api/auth/signup", body, format="json")


def test_signup_with_a_business_makes_the_user_its_owner(api):
    response = signup(api(), email="Ann@Example.com", businessName="Acme Corp")

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["id"].startswith("usr_")
    assert body["user"]["email"] == "ann@example.com"
    assert body["business"]["id"].startswith("biz_")
    assert body["business"]["name"] == "Acme Corp"
    assert body["token"].startswith("cleo_")
    membership = Membership.objects.get(user_id=body["user"]["id"])
    assert (membership.business_id, membership.role) == (body["business"]["id"], "owner")


def test_signup_without_a_business(api):
    response = signup(api(), email="solo@example.com")

    assert response.status_code == 201
    assert response.json()["business"] is None
    assert not Membership.objects.exists()


def test_signup_refuses_a_taken_email_in_any_case(api):
    factories.UserFactory(email="ann@example.com")

    response = signup(api(), email="ANN@example.com")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "12345678901"}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com", "businessName": 42}, "businessName"),
    ],
)
def test_signup_reports_each_bad_field(api, body, field):
    body.setdefault("password", PASSWORD)
    response = api().post("/api/auth/signup", body, format="json")

    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not User.objects.exists()


def test_signup_binds_no_member_invitation_before_verification_and_acceptance(
    api, owner, django_capture_on_commit_callbacks
):
    inviter = api(owner)
    invited = inviter.post(
        f"/api/businesses/{owner.business.id}/members",
        {"email": "later@example.com", "role": "approver"},
        format="json",
    )
    assert invited.status_code == 201
    assert invited.json()["status"] == "invited"

    with django_capture_on_commit_callbacks(execute=True):
        body = signup(api(), email="Later@example.com").json()
    later = api()
    later.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")

    assert not Membership.objects.filter(user_id=body["user"]["id"]).exists()
    assert later.get("/api/me").json()["emailVerified"] is False
    assert later.get("/api/me/invitations").json()["results"] == []
    refused = later.post(f"/api/member-invitations/{invited.json()['id']}/accept")
    assert refused.status_code == 403
    assert not Membership.objects.filter(user_id=body["user"]["id"]).exists()

    assert verify_by_link(api(), "later@example.com").json() == {"emailVerified": True}
    assert later.get("/api/me").json()["emailVerified"] is True
    assert not Membership.objects.filter(user_id=body["user"]["id"]).exists()
    pending = later.get("/api/me/invitations").json()["results"]
    assert [(p["id"], p["kind"], p["role"]) for p in pending] == [
        (invited.json()["id"], "member", "approver")
    ]

    accepted = later.post(f"/api/member-invitations/{invited.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    membership = Membership.objects.get(user_id=body["user"]["id"])
    assert (membership.business_id, membership.role) == (owner.business.id, "approver")
    assert inviter.get(f"/api/businesses/{owner.business.id}/invitations").json()["results"] == []


def test_token_exchange_gives_a_working_token(api):
    user = factories.UserFactory(email="bob@example.com")

    response = api().post(
        "/api/auth/token", {"email": "BOB@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/me").json()["id"] == user.id


@pytest.mark.parametrize(
    "body",
    [
        {"email": "bob@example.com", "password": "wrong password"},
        {"email": "nobody@example.com", "password": PASSWORD},
    ],
)
def test_token_exchange_refuses_bad_credentials_alike(api, body):
    factories.UserFactory(email="bob@example.com")

    response = api().post("/api/auth/token", body, format="json")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert response.json()["errors"][0]["message"] == (
        "Unable to log in with the provided credentials."
    )


def test_inactive_user_gets_no_token(api):
    factories.UserFactory(email="gone@example.com", is_active=False)
    response = api().post(
        "/api/auth/token", {"email": "gone@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_tokens_are_stored_hashed(owner):
    from accounts.services import token_create

    token = token_create(user=owner)

    stored = AuthToken.objects.get(user=owner)
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer", "Invalid token header. No credentials provided."),
        ("Bearer cleo_not-a-real-token", "Invalid token."),
        ("Bearer a b", "Invalid token header. Token string should not contain spaces."),
        ("Token whatever", "Authentication credentials were not provided."),
    ],
)
def test_missing_or_wrong_token_is_401(api, header, message):
    client = api()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/me")

    assert response.status_code == 401
    assert response.json() == {
        "type": "authentication_error",
        "message": message,
        "errors": [],
        "requestId": response["X-Request-ID"],
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_with_bytes_that_are_not_text_is_401(api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Bearer cleo_\xff\xfe\x00")

    response = client.get("/api/me")

    assert response.status_code == 401
    assert response.json()["type"] == "authentication_error"


def test_revoked_token_stops_working(api, owner):
    client = api(owner)
    assert client.get("/api/me").status_code == 200

    assert client.post("/api/auth/logout").status_code == 204

    assert client.get("/api/me").status_code == 401


def test_tokens_can_be_listed_and_revoked_one_by_one(api, owner):
    client = api(owner)
    other = api(owner)
    listed = client.get("/api/auth/tokens").json()["results"]
    assert len(listed) == 2
    assert all("digest" not in token for token in listed)

    keys = {token["tokenKey"] for token in listed}
    own_key = AuthToken.objects.filter(user=owner).order_by("created").first().token_key
    assert own_key in keys
    response = client.delete(f"/api/auth/tokens/{own_key}")

    assert response.status_code == 204
    assert client.get("/api/me").status_code == 401
    assert other.get("/api/me").status_code == 200


def test_another_users_token_cannot_be_revoked(api, owner):
    stranger = factories.UserFactory()
    api(stranger)
    key = AuthToken.objects.get(user=stranger).token_key

    assert api(owner).delete(f"/api/auth/tokens/{key}").status_code == 404
    assert AuthToken.objects.filter(user=stranger).exists()


def test_expired_token_is_401_and_removed(api, owner):
    client = api(owner)
    AuthToken.objects.filter(user=owner).update(expiry=timezone.now() - timedelta(seconds=1))

    response = client.get("/api/me")

    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=owner).exists()


def test_me_lists_every_membership(api, owner):
    second = factories.BusinessFactory(name="Zeta LLC")
    Membership.objects.create(business=second, user=owner, role="viewer")

    body = api(owner).get("/api/me").json()

    assert body["id"] == owner.id
    assert body["email"] == owner.email
    assert body["memberships"] == [
        {"business": {"id": owner.business.id, "name": owner.business.name}, "role": "owner"},
        {"business": {"id": second.id, "name": "Zeta LLC"}, "role": "viewer"},
    ]


def test_session_login_also_authenticates_the_api(client, owner):
    client.force_login(owner)
    assert client.get("/api/me").json()["id"] == owner.id


def test_a_role_change_applies_at_the_tokens_next_request(api, owner):
    # The roles are read with the token on every request, never kept between requests.
    member = factories.member(owner.business, "viewer")
    client = api(member)
    url = f"/api/businesses/{owner.business.id}"
    body = {"defaultApprovalAction": "auto_approve"}
    assert client.patch(f"{url}/settings", body, format="json").status_code == 403

    promote = api(owner).patch(f"{url}/members/{member.id}", {"role": "admin"}, format="json")
    assert promote.status_code == 200
    assert client.patch(f"{url}/settings", body, format="json").status_code == 200

    assert api(owner).delete(f"{url}/members/{member.id}").status_code == 204
    assert client.get(url).status_code == 404


def test_a_token_of_a_user_in_no_business_works_and_sees_none(api, owner):
    loner = factories.UserFactory()
    client = api(loner)
    assert client.get("/api/me").json()["memberships"] == []
    assert client.get(f"/api/businesses/{owner.business.id}").status_code == 404


def test_a_token_still_in_date_works_and_one_of_a_deactivated_user_does_not(api, owner):
    client = api(owner)
    AuthToken.objects.filter(user=owner).update(expiry=timezone.now() + timedelta(minutes=5))
    me = client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["email"] == owner.email

    User.objects.filter(pk=owner.pk).update(is_active=False)
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["type"] == "authentication_error"
