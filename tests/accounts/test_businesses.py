"""Businesses, their settings, members and invitations, and the role matrix behind them."""

import pytest
from django.core import mail

from accounts.models import Business, MemberInvitation, Membership
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "accountant", "approver", "viewer"]


def test_create_business_makes_the_caller_owner(api, owner):
    response = api(owner).post("/api/businesses", {"name": "  Second Co  "}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Second Co"
    assert body["role"] == "owner"
    assert body["defaultApprovalAction"] == "manual_review"
    assert Membership.objects.get(business_id=body["id"], user=owner).role == "owner"


def test_business_list_holds_only_the_callers_businesses(api, owner):
    factories.BusinessFactory()
    viewer_of = factories.BusinessFactory(name="Another")
    Membership.objects.create(business=viewer_of, user=owner, role="viewer")

    results = api(owner).get("/api/businesses").json()["results"]

    assert [(b["id"], b["role"]) for b in results] == [
        (viewer_of.id, "viewer"),
        (owner.business.id, "owner"),
    ]


def test_another_business_is_404_on_every_business_route(api, owner):
    other = factories.BusinessFactory()
    member = factories.member(other)
    client = api(owner)
    routes = [
        ("get", f"/api/businesses/{other.id}", None),
        (
            "patch",
            f"/api/businesses/{other.id}/settings",
            {"defaultApprovalAction": "auto_approve"},
        ),
        ("get", f"/api/businesses/{other.id}/members", None),
        (
            "post",
            f"/api/businesses/{other.id}/members",
            {"email": "x@example.com", "role": "viewer"},
        ),
        ("get", f"/api/businesses/{other.id}/members/{member.id}", None),
        ("patch", f"/api/businesses/{other.id}/members/{member.id}", {"role": "viewer"}),
        ("delete", f"/api/businesses/{other.id}/members/{member.id}", None),
        ("get", f"/api/businesses/{other.id}/invitations", None),
        ("get", "/api/businesses/biz_doesnotexist", None),
    ]
    for method, url, body in routes:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
        assert response.json() == {
            "type": "not_found",
            "message": "Not found.",
            "errors": [],
            "requestId": response["X-Request-ID"],
        }
    assert Membership.objects.get(user=member).role == "owner"
    assert not MemberInvitation.objects.exists()
    assert Business.objects.get(pk=other.pk).default_approval_action == "manual_review"


@pytest.mark.parametrize("role", ROLES)
def test_settings_need_owner_or_admin(api, owner, role):
    user = factories.member(owner.business, role)

    response = api(user).patch(
        f"/api/businesses/{owner.business.id}/settings",
        {"defaultApprovalAction": "auto_approve"},
        format="json",
    )

    allowed = role in ("owner", "admin")
    assert response.status_code == (200 if allowed else 403)
    expected = "auto_approve" if allowed else "manual_review"
    assert Business.objects.get(pk=owner.business.pk).default_approval_action == expected
    if not allowed:
        assert response.json()["type"] == "permission_denied"


def test_settings_refuse_an_unknown_action(api, owner):
    response = api(owner).patch(
        f"/api/businesses/{owner.business.id}/settings",
        {"defaultApprovalAction": "approve_everything"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "defaultApprovalAction"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_the_business(api, owner, role):
    user = factories.member(owner.business, role)
    client = api(user)
    assert client.get(f"/api/businesses/{owner.business.id}").json()["role"] == role
    assert client.get(f"/api/businesses/{owner.business.id}/members").status_code == 200


def test_a_registered_user_is_invited_like_anyone_and_joins_on_accepting(api, owner):
    user = factories.UserFactory(email="carol@example.com")

    response = api(owner).post(
        f"/api/businesses/{owner.business.id}/members",
        {"email": "Carol@Example.com", "role": "approver"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "role", "status", "createdAt", "expiresAt"}
    assert (body["email"], body["role"], body["status"]) == (
        "carol@example.com",
        "approver",
        "invited",
    )
    assert user.id not in response.content.decode()
    assert api(user).get(f"/api/businesses/{owner.business.id}").status_code == 404

    assert api(user).post(f"/api/member-invitations/{body['id']}/accept").status_code == 200
    assert api(user).get(f"/api/businesses/{owner.business.id}").json()["role"] == "approver"


def test_inviting_an_unknown_email_sends_an_invitation(
    api, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(owner).post(
            f"/api/businesses/{owner.business.id}/members",
            {"email": "dana@example.com", "role": "accountant"},
            format="json",
        )

    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("inv_")
    assert (body["email"], body["role"], body["status"]) == (
        "dana@example.com",
        "accountant",
        "invited",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.com"]
    assert owner.business.name in message.subject
    assert "/signup?email=dana%40example.com" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_duplicate_member_or_invitation_is_409(api, owner):
    client = api(owner)
    url = f"/api/businesses/{owner.business.id}/members"
    assert (
        client.post(url, {"email": owner.email, "role": "viewer"}, format="json").status_code == 409
    )
    assert (
        client.post(url, {"email": "x@example.com", "role": "viewer"}, format="json").status_code
        == 201
    )
    response = client.post(url, {"email": "X@example.com", "role": "admin"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


@pytest.mark.parametrize("role", ["accountant", "approver", "viewer"])
def test_members_are_managed_by_owners_and_admins_only(api, owner, role):
    user = factories.member(owner.business, role)
    target = factories.member(owner.business, "viewer")
    client = api(user)
    base = f"/api/businesses/{owner.business.id}/members"

    assert (
        client.post(base, {"email": "n@example.com", "role": "viewer"}, format="json").status_code
        == 403
    )
    assert client.patch(f"{base}/{target.id}", {"role": "admin"}, format="json").status_code == 403
    assert client.delete(f"{base}/{target.id}").status_code == 403
    assert Membership.objects.get(user=target).role == "viewer"


def test_admin_changes_roles_but_not_the_owner_role(api, owner):
    admin = factories.member(owner.business, "admin")
    target = factories.member(owner.business, "viewer")
    client = api(admin)
    base = f"/api/businesses/{owner.business.id}/members"

    assert (
        client.patch(f"{base}/{target.id}", {"role": "approver"}, format="json").json()["role"]
        == "approver"
    )
    assert client.patch(f"{base}/{target.id}", {"role": "owner"}, format="json").status_code == 403
    assert client.patch(f"{base}/{owner.id}", {"role": "viewer"}, format="json").status_code == 403
    assert client.delete(f"{base}/{owner.id}").status_code == 403
    assert Membership.objects.get(user=owner).role == "owner"


def test_the_last_owner_stays(api, owner):
    client = api(owner)
    base = f"/api/businesses/{owner.business.id}/members"

    demote = client.patch(f"{base}/{owner.id}", {"role": "admin"}, format="json")
    leave = client.delete(f"{base}/{owner.id}")

    assert demote.status_code == 409
    assert leave.status_code == 409
    second = factories.member(owner.business, "admin")
    assert client.patch(f"{base}/{second.id}", {"role": "owner"}, format="json").status_code == 200
    assert client.patch(f"{base}/{owner.id}", {"role": "admin"}, format="json").status_code == 200


def test_removed_member_loses_access(api, owner):
    target = factories.member(owner.business, "accountant")
    target_client = api(target)

    assert (
        api(owner).delete(f"/api/businesses/{owner.business.id}/members/{target.id}").status_code
        == 204
    )

    assert target_client.get(f"/api/businesses/{owner.business.id}").status_code == 404


def test_invitation_can_be_revoked(api, owner):
    client = api(owner)
    invitation = client.post(
        f"/api/businesses/{owner.business.id}/members",
        {"email": "z@example.com", "role": "viewer"},
        format="json",
    ).json()

    url = f"/api/businesses/{owner.business.id}/invitations/{invitation['id']}"
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    signup = client.post(
        "/api/auth/signup",
        {"email": "z@example.com", "password": "another fine password"},
        format="json",
    )
    assert not Membership.objects.filter(user_id=signup.json()["user"]["id"]).exists()
