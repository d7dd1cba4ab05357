"""Who may do what on connections and tags (docs/api/conventions.md#roles), and that other businesses see nothing."""

import pytest

from accounts.models import Role
from connections.models import Connection
from tests import factories

ROLES = [Role.OWNER, Role.ADMIN, Role.ACCOUNTANT, Role.APPROVER, Role.VIEWER]
ADMINISTER = {Role.OWNER, Role.ADMIN}
INVOICE = {Role.OWNER, Role.ADMIN, Role.ACCOUNTANT}


def expected(role, allowed, ok=200):
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads(api, connection, acme, role):
    client = api(factories.member(acme, role))
    tag = factories.TagFactory(business=acme)
    assert client.get("/api/connections").status_code == 200
    assert client.get(f"/api/connections/{connection.pk}").status_code == 200
    assert client.get(f"/api/connections/{connection.pk}/events").status_code == 200
    assert client.get("/api/connections/export-csv").status_code == 200
    assert client.get(f"/api/businesses/{acme.pk}/connections").status_code == 200
    assert client.get(f"/api/businesses/{acme.pk}/tags").status_code == 200
    assert client.get(f"/api/tags/{tag.pk}").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_invite_needs_administer(api, acme, globex, role):
    client = api(factories.member(acme, role))
    response = client.post(
        f"/api/businesses/{acme.pk}/connections",
        {"counterpartyBusinessId": globex.pk, "myRole": "payer"},
        format="json",
    )
    assert response.status_code == expected(role, ADMINISTER, 201)
    assert Connection.objects.exists() == (role in ADMINISTER)


@pytest.mark.parametrize("role", ROLES)
def test_accept_needs_administer_on_the_invited_side(api, acme, globex, role):
    pending = factories.ConnectionFactory(
        payer=acme, payee=globex, invited_by_business=acme, status="pending", accepted_at=None
    )
    response = api(factories.member(globex, role)).post(f"/api/connections/{pending.pk}/accept")
    assert response.status_code == expected(role, ADMINISTER)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["payer", "payee"])
def test_alias_and_tags_need_invoice(api, connection, role, side):
    business = connection.payer if side == "payer" else connection.payee
    tag = factories.TagFactory(business=business)
    client = api(factories.member(business, role))
    alias = client.patch(f"/api/connections/{connection.pk}/alias", {"alias": "A"}, format="json")
    assert alias.status_code == expected(role, INVOICE)
    tags = client.patch(
        f"/api/connections/{connection.pk}/tags", {"tagIds": [tag.pk]}, format="json"
    )
    assert tags.status_code == expected(role, INVOICE)
    connection.refresh_from_db()
    assert (connection.alias_of(business.pk) == "A") == (role in INVOICE)


@pytest.mark.parametrize("role", ROLES)
def test_settings_and_archive_need_administer(api, connection, acme, role):
    client = api(factories.member(acme, role))
    settings = client.patch(
        f"/api/connections/{connection.pk}/settings", {"netTerms": 10}, format="json"
    )
    assert settings.status_code == expected(role, ADMINISTER)
    archive = client.patch(f"/api/connections/{connection.pk}/archive")
    assert archive.status_code == expected(role, ADMINISTER)
    connection.refresh_from_db()
    assert (connection.status == "archived") == (role in ADMINISTER)


@pytest.mark.parametrize("role", ROLES)
def test_tag_writes_need_invoice(api, acme, role):
    client = api(factories.member(acme, role))
    tag = factories.TagFactory(business=acme, name="Existing")
    created = client.post(f"/api/businesses/{acme.pk}/tags", {"name": "New"}, format="json")
    assert created.status_code == expected(role, INVOICE, 201)
    renamed = client.patch(f"/api/tags/{tag.pk}", {"name": "Renamed"}, format="json")
    assert renamed.status_code == expected(role, INVOICE)
    deleted = client.delete(f"/api/tags/{tag.pk}")
    assert deleted.status_code == expected(role, INVOICE, 204)


def test_a_role_check_comes_before_the_body_check(api, connection, acme):
    viewer = api(factories.member(acme, Role.VIEWER))
    response = viewer.patch(f"/api/connections/{connection.pk}/alias", {}, format="json")
    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"


# --- isolation -----------------------------------------------------------------------------------
def test_another_business_connection_is_a_404_everywhere(api, connection, acme, stranger):
    tag = factories.TagFactory(business=acme)
    client = api(stranger)
    cid = connection.pk
    calls = [
        ("get", f"/api/connections/{cid}", None),
        ("patch", f"/api/connections/{cid}/alias", {"alias": "Mine now"}),
        ("patch", f"/api/connections/{cid}/tags", {"tagIds": []}),
        ("patch", f"/api/connections/{cid}/settings", {"netTerms": 1}),
        ("patch", f"/api/connections/{cid}/archive", None),
        ("post", f"/api/connections/{cid}/accept", None),
        ("get", f"/api/connections/{cid}/events", None),
        ("patch", f"/api/connections/{cid}/alias", {"alias": 42}),  # 404 before validation
        ("get", f"/api/businesses/{acme.pk}/connections", None),
        ("post", f"/api/businesses/{acme.pk}/connections", {"counterpartyEmail": "a@b.co"}),
        ("get", f"/api/businesses/{acme.pk}/tags", None),
        ("post", f"/api/businesses/{acme.pk}/tags", {"name": "x"}),
        ("get", f"/api/tags/{tag.pk}", None),
        ("patch", f"/api/tags/{tag.pk}", {"name": "x"}),
        ("delete", f"/api/tags/{tag.pk}", None),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
        assert response.json() == {
            "type": "not_found",
            "message": "Not found.",
            "errors": [],
            "requestId": response["X-Request-ID"],
        }

    assert client.get("/api/connections").json()["results"] == []
    export = b"".join(client.get("/api/connections/export-csv").streaming_content).decode()
    assert cid not in export
    connection.refresh_from_db()
    assert (connection.status, connection.payer_alias, connection.payee_alias) == ("active", "", "")


def test_a_former_member_loses_access(api, connection, acme):
    user = factories.member(acme, Role.ADMIN)
    client = api(user)
    assert client.get(f"/api/connections/{connection.pk}").status_code == 200
    user.memberships.all().delete()
    assert client.get(f"/api/connections/{connection.pk}").status_code == 404
