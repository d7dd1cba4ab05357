"""The seed's endpoints: list, get, alias, tags, settings, archive, and each change's record."""

import pytest

from accounts.models import Membership, Role
from connections.models import Connection, ConnectionEvent
from tests import factories


# --- get -----------------------------------------------------------------------------------------
def test_get_shows_the_connection_from_the_callers_side(api, connection, acme, globex):
    connection.payer_alias, connection.payee_alias = "Globex IT", "Acme HQ"
    connection.net_terms = 30
    connection.save()
    acme_tag = factories.tag_on(connection, acme, "Suppliers")
    globex_tag = factories.tag_on(connection, globex, "Customers")

    as_acme = api(acme.owner).get(f"/api/connections/{connection.pk}").json()
    assert as_acme == {
        "id": connection.pk,
        "status": "active",
        "alias": "Globex IT",
        "tags": [{"id": acme_tag.pk, "name": "Suppliers"}],
        "settings": {"netTerms": 30, "autoApprove": False},
        "businessName": "Acme Corp",
        "connectedBusinessName": "Globex Ltd",
        "businessId": acme.pk,
        "connectedBusinessId": globex.pk,
        "role": "payer",
        "invitedEmail": None,
        "invitedByBusinessId": globex.pk,
        "createdAt": as_acme["createdAt"],
        "acceptedAt": as_acme["acceptedAt"],
        "archivedAt": None,
    }
    as_globex = api(globex.owner).get(f"/api/connections/{connection.pk}").json()
    assert as_globex["alias"] == "Acme HQ"
    assert as_globex["tags"] == [{"id": globex_tag.pk, "name": "Customers"}]
    assert as_globex["role"] == "payee"
    assert (as_globex["businessName"], as_globex["connectedBusinessName"]) == (
        "Globex Ltd",
        "Acme Corp",
    )
    assert (as_globex["businessId"], as_globex["connectedBusinessId"]) == (globex.pk, acme.pk)


def test_a_member_of_both_sides_acts_as_the_payer_unless_told(api, connection, acme, globex):
    both = factories.member(acme, Role.VIEWER)
    Membership.objects.create(business=globex, user=both, role=Role.VIEWER)
    assert api(both).get(f"/api/connections/{connection.pk}").json()["role"] == "payer"
    as_payee = api(both).get(f"/api/connections/{connection.pk}?businessId={globex.pk}").json()
    assert as_payee["role"] == "payee"
    assert as_payee["businessId"] == globex.pk


def test_unknown_connection_is_a_404(api, acme):
    response = api(acme.owner).get("/api/connections/conn_def456")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_no_token_is_a_401(api, connection):
    assert api().get("/api/connections").status_code == 401
    assert api().get(f"/api/connections/{connection.pk}").status_code == 401


# --- list ----------------------------------------------------------------------------------------
def test_list_returns_every_status_of_all_my_businesses_newest_first(api, acme, globex):
    initech = factories.BusinessFactory(name="Initech")
    Membership.objects.create(business=initech, user=acme.owner, role=Role.VIEWER)
    first = factories.ConnectionFactory(payer=acme, payee=globex)
    second = factories.ConnectionFactory(
        payer=globex, payee=acme, status="pending", accepted_at=None
    )
    third = factories.ConnectionFactory(payer=initech, payee=globex, status="archived")
    factories.ConnectionFactory()  # nothing to do with Acme's owner

    response = api(acme.owner).get("/api/connections")
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [third.pk, second.pk, first.pk]
    assert [row["role"] for row in body["results"]] == ["payer", "payee", "payer"]
    assert body["next"] is None and body["previous"] is None


def test_list_filters_by_status(api, acme, globex):
    active = factories.ConnectionFactory(payer=acme, payee=globex)
    archived = factories.ConnectionFactory(payer=globex, payee=acme, status="archived")
    client = api(acme.owner)
    assert [r["id"] for r in client.get("/api/connections?status=active").json()["results"]] == [
        active.pk
    ]
    assert [r["id"] for r in client.get("/api/connections?status=archived").json()["results"]] == [
        archived.pk
    ]
    response = client.get("/api/connections?status=deleted")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


def test_list_filters_by_my_tag_only(api, acme, globex):
    tagged = factories.ConnectionFactory(payer=acme, payee=globex)
    factories.ConnectionFactory(payer=globex, payee=acme)
    mine = factories.tag_on(tagged, acme, "Suppliers")
    theirs = factories.tag_on(tagged, globex, "Customers")
    client = api(acme.owner)
    assert [r["id"] for r in client.get(f"/api/connections?tag={mine.pk}").json()["results"]] == [
        tagged.pk
    ]
    # Another business's tag tells nothing about how it files its connections.
    assert client.get(f"/api/connections?tag={theirs.pk}").json()["results"] == []
    assert client.get("/api/connections?tag=tag_unknown").json()["results"] == []


def test_list_searches_names_email_and_my_alias(api, acme, globex):
    initech = factories.BusinessFactory(name="Initech")
    with_globex = factories.ConnectionFactory(payer=acme, payee=globex, payee_alias="Secret")
    with_initech = factories.ConnectionFactory(payer=acme, payee=initech, payer_alias="Printers")
    by_email = Connection.objects.create(
        payer=acme, invited_by_business=acme, invited_email="pat@newco.example"
    )
    client = api(acme.owner)

    def ids(term):
        return [r["id"] for r in client.get("/api/connections", {"search": term}).json()["results"]]

    assert ids("GLOBEX") == [with_globex.pk]
    assert ids("printers") == [with_initech.pk]
    assert ids("newco") == [by_email.pk]
    assert ids("acme") == [by_email.pk, with_initech.pk, with_globex.pk]
    assert ids("secret") == []  # Globex's alias is not Acme's to search


def test_list_restricted_to_one_of_my_businesses(api, acme, globex, stranger):
    initech = factories.BusinessFactory(name="Initech")
    Membership.objects.create(business=initech, user=acme.owner, role=Role.ADMIN)
    mine = factories.ConnectionFactory(payer=acme, payee=globex)
    factories.ConnectionFactory(payer=initech, payee=globex)
    client = api(acme.owner)
    response = client.get(f"/api/connections?businessId={acme.pk}")
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]
    assert client.get(f"/api/connections?businessId={stranger.business.pk}").status_code == 404
    business_route = client.get(f"/api/businesses/{acme.pk}/connections")
    assert [r["id"] for r in business_route.json()["results"]] == [mine.pk]


def test_list_pages_with_limit_and_a_cursor(api, acme):
    made = [factories.ConnectionFactory(payer=acme) for _ in range(5)]
    client = api(acme.owner)
    page = client.get("/api/connections?limit=2").json()
    seen = [r["id"] for r in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [r["id"] for r in page["results"]]
    assert seen == [c.pk for c in reversed(made)]


# --- alias ---------------------------------------------------------------------------------------
def test_alias_is_per_side(api, connection, acme, globex):
    response = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/alias", {"alias": "Acme Vendor"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["alias"] == "Acme Vendor"
    assert api(globex.owner).get(f"/api/connections/{connection.pk}").json()["alias"] == ""
    api(globex.owner).patch(
        f"/api/connections/{connection.pk}/alias", {"alias": "Big customer"}, format="json"
    )
    connection.refresh_from_db()
    assert (connection.payer_alias, connection.payee_alias) == ("Acme Vendor", "Big customer")

    event = ConnectionEvent.objects.filter(connection=connection, type="alias_changed").first()
    assert (event.actor, event.business_id) == (acme.owner, acme.pk)
    assert event.changes == {"alias": ["", "Acme Vendor"]}


def test_empty_alias_clears_it(api, connection, acme):
    connection.payer_alias = "Old"
    connection.save()
    response = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/alias", {"alias": ""}, format="json"
    )
    assert response.json()["alias"] == ""


@pytest.mark.parametrize("body", [{}, {"alias": None}, {"alias": 42}, {"alias": "x" * 201}])
def test_invalid_alias_is_a_400(api, connection, acme, body):
    response = api(acme.owner).patch(f"/api/connections/{connection.pk}/alias", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "alias"


def test_malformed_json_is_a_400(api, connection, acme):
    response = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/alias", "{nope", content_type="application/json"
    )
    assert response.status_code == 400


# --- tags on a connection ------------------------------------------------------------------------
def test_tags_replace_my_side_only(api, connection, acme, globex):
    suppliers = factories.TagFactory(business=acme, name="Suppliers")
    it = factories.TagFactory(business=acme, name="IT")
    old = factories.tag_on(connection, acme, "Old")
    theirs = factories.tag_on(connection, globex, "Customers")
    client = api(acme.owner)

    response = client.patch(
        f"/api/connections/{connection.pk}/tags",
        {"tagIds": [suppliers.pk, it.pk, suppliers.pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["tags"] == [
        {"id": it.pk, "name": "IT"},
        {"id": suppliers.pk, "name": "Suppliers"},
    ]
    globex_view = api(globex.owner).get(f"/api/connections/{connection.pk}").json()
    assert globex_view["tags"] == [{"id": theirs.pk, "name": "Customers"}]
    event = ConnectionEvent.objects.get(connection=connection, type="tags_changed")
    assert event.changes == {"tagIds": [[old.pk], sorted([suppliers.pk, it.pk])]}

    emptied = client.patch(f"/api/connections/{connection.pk}/tags", {"tagIds": []}, format="json")
    assert emptied.json()["tags"] == []
    assert api(globex.owner).get(f"/api/connections/{connection.pk}").json()["tags"] == [
        {"id": theirs.pk, "name": "Customers"}
    ]


def test_another_business_tag_or_unknown_tag_is_a_400_naming_it(api, connection, acme, globex):
    theirs = factories.TagFactory(business=globex)
    mine = factories.TagFactory(business=acme)
    client = api(acme.owner)
    for bad in (theirs.pk, "tag_001"):
        response = client.patch(
            f"/api/connections/{connection.pk}/tags", {"tagIds": [mine.pk, bad]}, format="json"
        )
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["field"] == "tagIds"
        assert bad in error["message"]
    assert api(acme.owner).get(f"/api/connections/{connection.pk}").json()["tags"] == []


@pytest.mark.parametrize(
    "body", [{}, {"tagIds": None}, {"tagIds": "tag_001"}, {"tagIds": [1]}, {"tagIds": ["pay_1"]}]
)
def test_malformed_tag_ids_are_a_400(api, connection, acme, body):
    response = api(acme.owner).patch(f"/api/connections/{connection.pk}/tags", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith("tagIds")


# --- settings ------------------------------------------------------------------------------------
def test_settings_are_shared_and_partial(api, connection, acme, globex):
    response = api(globex.owner).patch(
        f"/api/connections/{connection.pk}/settings", {"netTerms": 30}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["settings"] == {"netTerms": 30, "autoApprove": False}
    response = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/settings",
        {"autoApprove": True, "somethingElse": 1},
        format="json",
    )
    assert response.json()["settings"] == {"netTerms": 30, "autoApprove": True}
    assert api(globex.owner).get(f"/api/connections/{connection.pk}").json()["settings"] == {
        "netTerms": 30,
        "autoApprove": True,
    }
    cleared = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/settings", {"netTerms": None}, format="json"
    )
    assert cleared.json()["settings"]["netTerms"] is None

    events = ConnectionEvent.objects.filter(connection=connection, type="settings_changed")
    assert [(e.business_id, e.changes) for e in events] == [
        (globex.pk, {"netTerms": [None, 30]}),
        (acme.pk, {"autoApprove": [False, True]}),
        (acme.pk, {"netTerms": [30, None]}),
    ]


def test_only_the_payer_sets_auto_approve(api, connection, globex):
    response = api(globex.owner).patch(
        f"/api/connections/{connection.pk}/settings",
        {"autoApprove": True, "netTerms": 10},
        format="json",
    )
    assert response.status_code == 403
    assert "payer" in response.json()["message"]
    connection.refresh_from_db()
    assert (connection.auto_approve, connection.net_terms) == (False, None)


@pytest.mark.parametrize(
    "body",
    [
        {"netTerms": -1},
        {"netTerms": 366},
        {"netTerms": "30"},
        {"netTerms": 30.5},
        {"netTerms": True},
        {"autoApprove": "yes"},
        {"autoApprove": 1},
        {"autoApprove": None},
    ],
)
def test_invalid_settings_are_a_400(api, connection, acme, body):
    response = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/settings", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == next(iter(body))


def test_settings_without_a_change_record_nothing(api, connection, acme):
    response = api(acme.owner).patch(
        f"/api/connections/{connection.pk}/settings", {}, format="json"
    )
    assert response.status_code == 200
    assert not ConnectionEvent.objects.filter(connection=connection).exists()


# --- archive -------------------------------------------------------------------------------------
def test_archive_then_again_is_a_409(api, connection, acme, globex):
    response = api(globex.owner).patch(f"/api/connections/{connection.pk}/archive")
    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert response.json()["archivedAt"] is not None
    again = api(acme.owner).patch(f"/api/connections/{connection.pk}/archive")
    assert again.status_code == 409
    assert again.json() == {
        "type": "conflict",
        "message": "Cannot archive a connection whose status is archived.",
        "errors": [],
        "code": "invalid_transition",
        "currentStatus": "archived",
        "requestId": again["X-Request-ID"],
    }
    # Still readable and listed.
    assert api(acme.owner).get(f"/api/connections/{connection.pk}").status_code == 200
    listed = api(acme.owner).get("/api/connections").json()["results"]
    assert [r["status"] for r in listed] == ["archived"]
    event = ConnectionEvent.objects.get(connection=connection, type="archived")
    assert (event.actor, event.business_id, event.from_status, event.to_status) == (
        globex.owner,
        globex.pk,
        "active",
        "archived",
    )


def test_a_pending_invitation_can_be_archived(api, acme, globex):
    pending = factories.ConnectionFactory(
        payer=acme, payee=globex, status="pending", accepted_at=None
    )
    response = api(acme.owner).patch(f"/api/connections/{pending.pk}/archive")
    assert response.json()["status"] == "archived"


# --- events --------------------------------------------------------------------------------------
def test_events_show_shared_changes_and_my_sides_own(api, connection, acme, globex):
    api(acme.owner).patch(f"/api/connections/{connection.pk}/alias", {"alias": "A"}, format="json")
    api(globex.owner).patch(
        f"/api/connections/{connection.pk}/alias", {"alias": "G"}, format="json"
    )
    api(acme.owner).patch(
        f"/api/connections/{connection.pk}/settings", {"netTerms": 7}, format="json"
    )

    events = api(acme.owner).get(f"/api/connections/{connection.pk}/events").json()["results"]
    assert [(e["type"], e["businessId"]) for e in events] == [
        ("alias_changed", acme.pk),
        ("settings_changed", acme.pk),
    ]
    assert events[0]["actor"] == {"id": acme.owner.pk, "email": acme.owner.email}
    assert events[0]["changes"] == {"alias": ["", "A"]}
    assert events[0]["createdAt"].endswith("Z")
    theirs = api(globex.owner).get(f"/api/connections/{connection.pk}/events").json()["results"]
    assert [e["type"] for e in theirs] == ["alias_changed", "settings_changed"]
    assert theirs[0]["changes"] == {"alias": ["", "G"]}
