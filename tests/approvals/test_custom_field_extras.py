"""Custom field extras (docs/api/custom-fields.md): camelCase keys, multi_select, placeholder, visibleWhen
conditions honoured on submit, and unknown attributes refused."""

import pytest

from payables.models import Payable

pytestmark = pytest.mark.django_db


def define(review, **body):
    return review.api(review.owner).post(
        f"/api/businesses/{review.payer.id}/custom-fields",
        {"label": "A field", "type": "text", **body},
        format="json",
    )


def create(review, **body):
    return review.api(review.payee_owner).post(
        f"/api/businesses/{review.payee.id}/payables",
        {"connectionId": review.connection.id, "amount": "100.00", **body},
        format="json",
    )


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.mark.parametrize("key", ["poNumber", "po_number", "PO", "costCenter2"])
def test_keys_take_letters_digits_and_underscores_starting_with_a_letter(review, key):
    response = define(review, key=key)
    assert response.status_code == 201, response.content
    assert response.json()["key"] == key


@pytest.mark.parametrize("key", ["1st", "_po", "po-number", "po number", "p" * 51, "pö"])
def test_other_keys_are_refused(review, key):
    response = define(review, key=key)
    assert response.status_code == 400
    assert "key" in errors(response)


@pytest.mark.parametrize(
    "extra", [{"visibilityCondition": {"key": "a"}}, {"hint": "x"}, {"Placeholder": "x"}]
)
def test_unknown_attributes_are_400(review, extra):
    response = define(review, key="poNumber", **extra)
    assert response.status_code == 400
    assert errors(response) == dict.fromkeys(extra, "Unknown attribute of a custom field.")


def test_an_unknown_attribute_in_a_patch_is_400_and_read_back_fields_are_fine(review):
    created = define(review, key="poNumber", placeholder="PO-0000").json()
    client = review.api(review.owner)
    path = f"/api/custom-fields/{created['id']}"
    assert client.patch(path, {"tooltip": "x"}, format="json").status_code == 400
    echoed = client.patch(path, {**created, "label": "Purchase order"}, format="json")
    assert echoed.status_code == 200, echoed.content
    assert echoed.json()["label"] == "Purchase order"
    assert echoed.json()["placeholder"] == "PO-0000"


def test_multi_select_takes_a_list_of_its_options(review):
    defined = define(review, key="regions", type="multi_select", options=["EU", "US", "APAC"])
    assert defined.status_code == 201, defined.content
    assert define(review, key="empty", type="multi_select").status_code == 400  # no options

    ok = create(review, customFields={"regions": ["EU", "APAC"]})
    assert ok.status_code == 201, ok.content
    assert ok.json()["customFields"] == {"regions": ["EU", "APAC"]}
    for bad in (["EU", "Mars"], ["EU", "EU"], [1], {"EU": True}):
        refused = create(review, customFields={"regions": bad})
        assert refused.status_code == 400, bad
        assert {"customFields.regions", "customFields"} & set(errors(refused)), bad


def test_the_payees_connection_view_shows_placeholder_and_condition(review):
    define(review, key="hasPo", type="boolean")
    define(
        review,
        key="poNumber",
        placeholder="PO-0000",
        required=True,
        visibleWhen={"key": "hasPo", "equals": True},
    )
    listed = review.api(review.payee_owner).get(
        f"/api/connections/{review.connection.id}/custom-fields"
    )
    assert listed.status_code == 200
    by_key = {f["key"]: f for f in listed.json()["results"]}
    assert by_key["poNumber"]["placeholder"] == "PO-0000"
    assert by_key["poNumber"]["visibleWhen"] == {"key": "hasPo", "equals": True}


class TestVisibleWhen:
    @pytest.fixture
    def po_when_has_po(self, review):
        assert define(review, key="hasPo", type="boolean").status_code == 201
        response = define(
            review,
            key="poNumber",
            required=True,
            visibleWhen={"key": "hasPo", "equals": True},
        )
        assert response.status_code == 201, response.content
        return response.json()

    def test_a_hidden_required_field_is_not_required_on_submit(self, review, po_when_has_po):
        response = create(review, customFields={"hasPo": False}, submit=True)
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "SUBMITTED"

    def test_a_shown_required_field_is_required(self, review, po_when_has_po):
        response = create(review, customFields={"hasPo": True}, submit=True)
        assert response.status_code == 400
        assert errors(response) == {"customFields.poNumber": "This field is required."}
        filled = create(review, customFields={"hasPo": True, "poNumber": "PO-7"}, submit=True)
        assert filled.status_code == 201
        assert filled.json()["customFields"] == {"hasPo": True, "poNumber": "PO-7"}

    def test_a_hidden_fields_value_is_neither_checked_nor_kept(self, review, po_when_has_po):
        response = create(review, customFields={"hasPo": False, "poNumber": 12345})
        assert response.status_code == 201, response.content
        assert response.json()["customFields"] == {"hasPo": False}
        assert Payable.objects.get().custom_fields == {"hasPo": False}

    def test_chains_and_multi_select_controllers(self, review):
        define(review, key="regions", type="multi_select", options=["EU", "US"])
        define(review, key="vatId", visibleWhen={"key": "regions", "equals": "EU"}, required=True)
        define(review, key="vatNote", visibleWhen={"key": "vatId", "equals": "none"}, required=True)
        us = create(review, customFields={"regions": ["US"]}, submit=True)
        assert us.status_code == 201, us.content
        eu = create(review, customFields={"regions": ["US", "EU"]}, submit=True)
        assert errors(eu) == {"customFields.vatId": "This field is required."}
        none = create(review, customFields={"regions": ["EU"], "vatId": "none"}, submit=True)
        assert errors(none) == {"customFields.vatNote": "This field is required."}

    @pytest.mark.parametrize(
        ("condition", "field"),
        [
            ({"key": "nothing", "equals": True}, "visibleWhen.key"),
            ({"key": "hasPo", "equals": "yes"}, "visibleWhen.equals"),
            ({"key": "hasPo"}, "visibleWhen"),
            ({"key": "hasPo", "equals": True, "not": 1}, "visibleWhen"),
            ("hasPo", "visibleWhen"),
            ({"key": "lineKind", "equals": "x"}, "visibleWhen.key"),  # another scope
        ],
    )
    def test_bad_conditions_are_400(self, review, condition, field):
        define(review, key="hasPo", type="boolean")
        define(review, key="lineKind", scope="line_item")
        response = define(review, key="poNumber", visibleWhen=condition)
        assert response.status_code == 400, response.content
        assert field in errors(response)

    def test_a_loop_of_conditions_is_refused(self, review, po_when_has_po):
        hasPo = (
            review.api(review.owner)
            .get(f"/api/businesses/{review.payer.id}/custom-fields")
            .json()["results"][0]
        )
        assert hasPo["key"] == "hasPo"
        response = review.api(review.owner).patch(
            f"/api/custom-fields/{hasPo['id']}",
            {"visibleWhen": {"key": "poNumber", "equals": "x"}},
            format="json",
        )
        assert response.status_code == 400
        assert "visibleWhen.key" in errors(response)
