"""Custom field values as the payables app will check them, at both scopes."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from approvals.field_values import (
    CleanedCustomFields,
    custom_fields_validate,
    payable_custom_fields_validate,
)
from cleopay.core.errors import flatten
from cleopay.core.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict[str, str]:
    """The error list exactly as the API would render it."""
    return {error["field"]: error["message"] for error in flatten(exc_info.value.detail)}


@pytest.fixture
def payer():
    return factories.BusinessFactory()


@pytest.fixture
def definitions(payer):
    make = factories.CustomFieldDefinitionFactory
    return {
        "po": make(business=payer, key="po", type="text", required=True),
        "budget": make(business=payer, key="budget", type="number"),
        "needed_by": make(business=payer, key="needed_by", type="date"),
        "region": make(business=payer, key="region", type="select", options=["EU", "US"]),
        "capex": make(business=payer, key="capex", type="boolean"),
        "cost_center": make(
            business=payer,
            key="cost_center",
            type="select",
            options=["R&D", "Ops"],
            scope="line_item",
            required=True,
        ),
        "hours": make(business=payer, key="hours", type="number", scope="line_item"),
    }


def validate(definitions, values, *, scope="payable", require=False):
    return custom_fields_validate(
        definitions=list(definitions.values()), values=values, scope=scope, require=require
    )


@pytest.mark.parametrize(
    ("key", "value", "cleaned"),
    [
        ("po", "  PO-1  ", "PO-1"),
        ("po", "x" * 1000, "x" * 1000),
        ("budget", 12, Decimal("12")),
        ("budget", Decimal("12.50"), Decimal("12.50")),
        ("budget", "-3.25", Decimal("-3.25")),
        ("budget", " 7 ", Decimal("7")),
        ("budget", Decimal("1E+3"), Decimal("1000")),
        ("budget", "0.000001", Decimal("0.000001")),
        ("needed_by", "2026-05-15", "2026-05-15"),
        ("region", "EU", "EU"),
        ("capex", True, True),
        ("capex", False, False),
    ],
)
def test_valid_values_are_cleaned(definitions, key, value, cleaned):
    result = validate(definitions, {key: value})
    assert result == {key: cleaned}
    assert type(result[key]) is type(cleaned)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("po", 42, "Must be a string."),
        ("po", "x" * 1001, "Must be at most 1000 characters."),
        ("po", "a\x00b", "Must not contain NUL characters."),
        ("budget", 1.5, "Must be a number."),
        ("budget", True, "Must be a number."),
        ("budget", "12,50", "Must be a number."),
        ("budget", "1e3", "Must be a number."),
        ("budget", "NaN", "Must be a number."),
        ("budget", Decimal("NaN"), "Must be a number."),
        ("budget", [1], "Must be a number."),
        ("budget", "1234567890123456", "Must have at most 15 digits before the point."),
        ("budget", "0.0000001", "Must have at most 6 decimal places."),
        ("needed_by", "15/05/2026", "Must be a date as YYYY-MM-DD."),
        ("needed_by", "2026-02-30", "Must be a date as YYYY-MM-DD."),
        ("needed_by", "20260515", "Must be a date as YYYY-MM-DD."),
        ("needed_by", "2026-05-15T10:00:00Z", "Must be a date as YYYY-MM-DD."),
        ("region", "eu", 'Must be one of "EU", "US".'),
        ("region", ["EU"], 'Must be one of "EU", "US".'),
        ("capex", "true", "Must be true or false."),
        ("capex", 1, "Must be true or false."),
        ("nope", "x", "Unknown custom field."),
        ("cost_center", "Ops", "This field belongs on line items."),
    ],
)
def test_invalid_values_name_the_field(definitions, key, value, message):
    with pytest.raises(ValidationError) as exc_info:
        validate(definitions, {key: value})
    assert errors_of(exc_info) == {f"customFields.{key}": message}


def test_empty_values_are_dropped(definitions):
    assert validate(definitions, {"po": "  ", "budget": None, "region": ""}) == {}
    assert validate(definitions, None) == {}


def test_not_an_object(definitions):
    with pytest.raises(ValidationError) as exc_info:
        validate(definitions, ["po"])
    assert list(errors_of(exc_info)) == ["customFields"]


def test_drafts_may_leave_required_fields_out(definitions):
    assert validate(definitions, {"budget": 5}, require=False) == {"budget": Decimal("5")}


def test_submit_lists_every_missing_and_invalid_field(definitions, payer):
    definitions["contract"] = factories.CustomFieldDefinitionFactory(
        business=payer, key="contract", required=True, position=9
    )
    with pytest.raises(ValidationError) as exc_info:
        validate(definitions, {"po": "", "budget": "lots"}, require=True)
    assert errors_of(exc_info) == {
        "customFields.budget": "Must be a number.",
        "customFields.po": "This field is required.",
        "customFields.contract": "This field is required.",
    }


def test_a_required_boolean_may_be_false(definitions, payer):
    flag = factories.CustomFieldDefinitionFactory(
        business=payer, key="signed", type="boolean", required=True
    )
    cleaned = custom_fields_validate(
        definitions=[flag], values={"signed": False}, scope="payable", require=True
    )
    assert cleaned == {"signed": False}


def test_retired_definitions_keep_their_values_unvalidated(definitions):
    definitions["region"].active = False
    definitions["po"].deleted_at = timezone.now()
    cleaned = validate(definitions, {"region": "Mars", "po": 42}, require=True)
    assert cleaned == {"region": "Mars", "po": 42}

    with pytest.raises(ValidationError) as exc_info:
        validate(definitions, {"region": {"nested": "object"}})
    assert errors_of(exc_info) == {"customFields.region": "Must be a single value."}


def test_a_deleted_key_reused_by_a_new_definition_validates_against_the_new_one(definitions, payer):
    definitions["po"].deleted_at = timezone.now()
    definitions["po"].save(update_fields=["deleted_at"])
    definitions["po_new"] = factories.CustomFieldDefinitionFactory(
        business=payer, key="po", type="number"
    )
    with pytest.raises(ValidationError) as exc_info:
        validate(definitions, {"po": "abc"})
    assert errors_of(exc_info) == {"customFields.po": "Must be a number."}


def test_line_item_scope(definitions):
    cleaned = validate(definitions, {"cost_center": "Ops", "hours": "1.5"}, scope="line_item")
    assert cleaned == {"cost_center": "Ops", "hours": Decimal("1.5")}
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_validate(
            definitions=list(definitions.values()),
            values={"po": "x"},
            scope="line_item",
            require=True,
            path="lineItems[0].customFields",
        )
    assert errors_of(exc_info) == {
        "lineItems[0].customFields.po": "This field belongs on the payable.",
        "lineItems[0].customFields.cost_center": "This field is required.",
    }


class TestWholePayable:
    def test_clean(self, payer, definitions):
        result = payable_custom_fields_validate(
            payer_business_id=payer.pk,
            custom_fields={"po": "PO-7", "budget": "100.10"},
            line_items_custom_fields=[{"cost_center": "R&D"}, {"cost_center": "Ops", "hours": 2}],
            require=True,
        )
        assert result == CleanedCustomFields(
            payable={"po": "PO-7", "budget": Decimal("100.10")},
            line_items=[{"cost_center": "R&D"}, {"cost_center": "Ops", "hours": Decimal("2")}],
        )

    def test_every_error_of_every_line_at_once(self, payer, definitions):
        with pytest.raises(ValidationError) as exc_info:
            payable_custom_fields_validate(
                payer_business_id=payer.pk,
                custom_fields={"region": "APAC"},
                line_items_custom_fields=[{"cost_center": "R&D"}, {"hours": "x"}, None],
                require=True,
            )
        assert errors_of(exc_info) == {
            "customFields.region": 'Must be one of "EU", "US".',
            "customFields.po": "This field is required.",
            "lineItems[1].customFields.hours": "Must be a number.",
            "lineItems[1].customFields.cost_center": "This field is required.",
            "lineItems[2].customFields.cost_center": "This field is required.",
        }

    def test_a_draft_only_reports_invalid_values(self, payer, definitions):
        with pytest.raises(ValidationError) as exc_info:
            payable_custom_fields_validate(
                payer_business_id=payer.pk,
                custom_fields={},
                line_items_custom_fields=[{}, {"hours": "x"}],
                require=False,
            )
        assert errors_of(exc_info) == {"lineItems[1].customFields.hours": "Must be a number."}

    def test_other_businesses_definitions_do_not_apply(self, payer, definitions):
        other = factories.CustomFieldDefinitionFactory(key="foreign")
        with pytest.raises(ValidationError) as exc_info:
            payable_custom_fields_validate(
                payer_business_id=payer.pk,
                custom_fields={"foreign": "x", "po": "1"},
                line_items_custom_fields=[],
                require=False,
            )
        assert errors_of(exc_info) == {"customFields.foreign": "Unknown custom field."}
        assert other.business_id != payer.pk

    def test_one_query(self, payer, definitions, django_assert_num_queries):
        with django_assert_num_queries(1):
            payable_custom_fields_validate(
                payer_business_id=payer.pk,
                custom_fields={"po": "1"},
                line_items_custom_fields=[{"cost_center": "Ops"}] * 50,
                require=True,
            )


def test_cleaned_values_survive_a_json_column_exactly():
    values = {"budget": Decimal("100.10"), "hours": Decimal("2"), "po": "PO-1", "capex": False}
    stored = json.dumps(values, cls=DecimalJSONEncoder)
    assert stored == '{"budget":100.10,"hours":2,"po":"PO-1","capex":false}'
    assert json.loads(stored, cls=DecimalJSONDecoder) == values
    assert type(json.loads(stored, cls=DecimalJSONDecoder)["budget"]) is Decimal
