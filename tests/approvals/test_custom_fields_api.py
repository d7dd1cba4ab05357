"""Custom field definition endpoints, and the payee's view of them through a connection."""

import pytest

from accounts.models import Role
from approvals.models import CustomFieldDefinition
from tests import factories

pytestmark = pytest.mark.django_db


def fields_of(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def business(owner):
    return owner.business


@pytest.fixture
def client(api, owner):
    return api(owner)


def url(business) -> str:
    return f"/api/businesses/{business.pk}/custom-fields"


def create(client, business, **data):
    body = {"key": "po_number", "label": "PO number", "type": "text", **data}
    return client.post(url(business), body, format="json")


def test_create_then_read(client, business):
    response = create(
        client,
        business,
        key="cost_center",
        label="Cost center",
        type="select",
        options=["R&D", "Sales"],
        required=True,
        scope="line_item",
        order=3,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["id"].startswith("cf_")
    assert {
        key: value for key, value in created.items() if key not in ("id", "createdAt", "updatedAt")
    } == {
        "key": "cost_center",
        "label": "Cost center",
        "type": "select",
        "required": True,
        "scope": "line_item",
        "options": ["R&D", "Sales"],
        "order": 3,
        "active": True,
        "placeholder": "",
        "visibleWhen": None,
    }
    assert created["createdAt"].endswith("Z")
    assert client.get(f"/api/custom-fields/{created['id']}").json() == created
    assert client.get(url(business)).json()["results"] == [created]


@pytest.mark.parametrize("field_type", ["text", "number", "date", "boolean"])
def test_defaults_for_each_plain_type(client, business, field_type):
    response = create(client, business, type=field_type)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["required"], created["scope"], created["options"], created["order"]) == (
        False,
        "payable",
        [],
        0,
    )
    assert created["active"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"key": "1st"}, "key"),
        ({"key": "_po"}, "key"),
        ({"key": "po number"}, "key"),
        ({"key": "po-number"}, "key"),
        ({"key": "a" * 51}, "key"),
        ({"key": 7}, "key"),
        ({"label": ""}, "label"),
        ({"type": "money"}, "type"),
        ({"scope": "invoice"}, "scope"),
        ({"required": "true"}, "required"),
        ({"order": -1}, "order"),
        ({"type": "select"}, "options"),
        ({"type": "select", "options": []}, "options"),
        ({"type": "select", "options": ["a", "b", "a"]}, "options[2]"),
        ({"type": "select", "options": ["a", 5]}, "options[1]"),
        ({"type": "select", "options": ["a", ""]}, "options[1]"),
        ({"type": "text", "options": ["a"]}, "options"),
    ],
)
def test_invalid_definitions(client, business, payload, field):
    response = create(client, business, **payload)
    assert response.status_code == 400, response.content
    assert field in fields_of(response), response.json()
    assert not CustomFieldDefinition.objects.exists()


def test_duplicate_key_is_a_conflict_until_the_first_is_deleted(client, business):
    first = create(client, business).json()
    duplicate = create(client, business, label="Another")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate"

    assert client.delete(f"/api/custom-fields/{first['id']}").status_code == 204
    assert create(client, business, label="Reborn").status_code == 201


def test_same_key_in_two_businesses(api, business, client):
    other_owner = factories.member(factories.BusinessFactory(), Role.OWNER)
    other_business = other_owner.memberships.get().business
    assert create(client, business).status_code == 201
    assert create(api(other_owner), other_business).status_code == 201


class TestPatch:
    @pytest.fixture
    def field(self, client, business):
        response = create(client, business, type="select", options=["a", "b"], key="region")
        assert response.status_code == 201
        return response.json()

    def patch(self, client, field, data):
        return client.patch(f"/api/custom-fields/{field['id']}", data, format="json")

    def test_editable_keys(self, client, field):
        response = self.patch(
            client,
            field,
            {"label": "Region", "required": True, "order": 9, "active": False, "options": ["c"]},
        )
        assert response.status_code == 200, response.content
        patched = response.json()
        assert (patched["label"], patched["required"], patched["order"], patched["active"]) == (
            "Region",
            True,
            9,
            False,
        )
        assert patched["options"] == ["c"]
        assert patched["key"] == "region" and patched["type"] == "select"

    @pytest.mark.parametrize("change", [{"key": "area"}, {"type": "text"}, {"scope": "line_item"}])
    def test_key_type_and_scope_are_fixed(self, client, field, change):
        response = self.patch(client, field, change)
        assert response.status_code == 400
        assert list(fields_of(response)) == list(change)

    def test_resending_the_current_key_type_and_scope_is_fine(self, client, field):
        response = self.patch(
            client, field, {"key": "region", "type": "select", "scope": "payable", "label": "R"}
        )
        assert response.status_code == 200, response.content

    def test_a_select_keeps_at_least_one_option(self, client, field):
        response = self.patch(client, field, {"options": []})
        assert response.status_code == 400
        assert "options" in fields_of(response)

    def test_a_text_field_takes_no_options(self, client, business):
        text = create(client, business, key="memo_code").json()
        response = self.patch(client, text, {"options": ["x"]})
        assert response.status_code == 400
        assert "options" in fields_of(response)


def test_delete_retires_the_definition(client, business):
    field = create(client, business).json()
    assert client.delete(f"/api/custom-fields/{field['id']}").status_code == 204
    assert client.get(f"/api/custom-fields/{field['id']}").status_code == 404
    assert client.get(url(business)).json()["results"] == []
    assert client.delete(f"/api/custom-fields/{field['id']}").status_code == 404
    retired = CustomFieldDefinition.objects.get(pk=field["id"])
    assert retired.deleted_at is not None and retired.label == "PO number"


def test_list_order_then_age_including_inactive(client, business):
    for key, order in [("c", 2), ("a", 1), ("b", 1)]:
        assert create(client, business, key=key, order=order).status_code == 201
    factories.CustomFieldDefinitionFactory(business=business, key="off", active=False, position=5)
    keys = [field["key"] for field in client.get(url(business)).json()["results"]]
    assert keys == ["a", "b", "c", "off"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.OWNER, True),
        (Role.ADMIN, True),
        (Role.ACCOUNTANT, False),
        (Role.APPROVER, False),
        (Role.VIEWER, False),
    ],
)
def test_only_owners_and_admins_write(api, business, role, allowed):
    client = api(factories.member(business, role))
    assert create(client, business).status_code == (201 if allowed else 403)
    assert client.get(url(business)).status_code == 200

    field = factories.CustomFieldDefinitionFactory(business=business, key="existing")
    detail = f"/api/custom-fields/{field.pk}"
    assert client.get(detail).status_code == 200
    assert client.patch(detail, {"label": "x"}, format="json").status_code == (
        200 if allowed else 403
    )
    assert client.delete(detail).status_code == (204 if allowed else 403)


def test_another_business_sees_nothing(api, business):
    field = factories.CustomFieldDefinitionFactory(business=business)
    client = api(factories.member(factories.BusinessFactory(), Role.OWNER))
    detail = f"/api/custom-fields/{field.pk}"
    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"label": "x"}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
    assert client.get(url(business)).status_code == 404
    assert create(client, business).status_code == 404


class TestConnectionCustomFields:
    @pytest.fixture
    def connection(self, business):
        return factories.ConnectionFactory(payer=business)

    @pytest.fixture
    def definitions(self, business):
        make = factories.CustomFieldDefinitionFactory
        return [
            make(business=business, key="second", position=2),
            make(business=business, key="first", position=1, scope="line_item"),
            make(business=business, key="inactive", position=0, active=False),
            make(business=business, key="deleted", position=0, deleted_at="2026-01-01T00:00Z"),
        ]

    def keys(self, response) -> list[str]:
        assert response.status_code == 200, response.content
        return [field["key"] for field in response.json()["results"]]

    def test_payee_sees_the_payers_active_definitions(self, api, connection, definitions):
        payee_member = factories.member(connection.payee, Role.VIEWER)
        response = api(payee_member).get(f"/api/connections/{connection.pk}/custom-fields")
        assert self.keys(response) == ["first", "second"]
        assert response.json()["results"][0]["scope"] == "line_item"

    def test_payer_sees_them_too(self, client, connection, definitions):
        response = client.get(f"/api/connections/{connection.pk}/custom-fields")
        assert self.keys(response) == ["first", "second"]

    def test_the_payees_own_definitions_do_not_apply(self, api, connection, definitions):
        factories.CustomFieldDefinitionFactory(business=connection.payee, key="payee_own")
        response = api(factories.member(connection.payee)).get(
            f"/api/connections/{connection.pk}/custom-fields"
        )
        assert "payee_own" not in self.keys(response)

    def test_outsiders_get_404(self, api, connection, definitions):
        stranger = factories.member(factories.BusinessFactory(), Role.OWNER)
        response = api(stranger).get(f"/api/connections/{connection.pk}/custom-fields")
        assert response.status_code == 404
