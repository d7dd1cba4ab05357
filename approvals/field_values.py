"""
Custom field values: each checked against the payer's definitions and cleaned, or a 400 naming
each bad field (``customFields.po``, ``lineItems[1].customFields.cost_center``). Reads only: the
payables services call it inside their own transactions (create, update, submit).
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from rest_framework.exceptions import ValidationError

from approvals.custom_fields import clean_multi_select, hidden_keys
from approvals.models import CustomFieldDefinition, CustomFieldScope, CustomFieldType

TEXT_MAX_LENGTH = 1000
# Numbers: up to 15 digits before the decimal point and 6 after.
NUMBER_MAX_INTEGER_DIGITS = 15
NUMBER_MAX_DECIMAL_PLACES = 6
_NUMERIC_STRING = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

PAYABLE_PATH = "customFields"


def line_item_path(index: int) -> str:
    return f"lineItems[{index}].customFields"


class CleanedCustomFields(NamedTuple):
    """A payable's custom field values after validation: its own, then one dict per line item."""

    payable: dict[str, Any]
    line_items: list[dict[str, Any]]


def custom_field_definitions(*, business_id: str) -> list[CustomFieldDefinition]:
    """Every definition of the business, retired ones included (their past values are kept)."""
    return list(
        CustomFieldDefinition.objects.filter(business_id=business_id).order_by(
            "position", "created_at", "id"
        )
    )


def _clean_text(definition: CustomFieldDefinition, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("Must be a string.")
    value = value.strip()
    if "\x00" in value:
        raise ValueError("Must not contain NUL characters.")
    if len(value) > TEXT_MAX_LENGTH:
        raise ValueError(f"Must be at most {TEXT_MAX_LENGTH} characters.")
    return value


def _clean_number(definition: CustomFieldDefinition, value: Any) -> Decimal:
    message = "Must be a number."
    # bool is an int to Python, and a float has already lost exactness: both are refused.
    if isinstance(value, bool | float):
        raise ValueError(message)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and _NUMERIC_STRING.match(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(message) from None
    else:
        raise ValueError(message)
    if not number.is_finite():
        raise ValueError(message)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        # 1E+3 from the JSON parser: written out as 1000.
        number = number.quantize(Decimal(1))
        exponent = 0
    if abs(number) >= Decimal(10) ** NUMBER_MAX_INTEGER_DIGITS:
        raise ValueError(f"Must have at most {NUMBER_MAX_INTEGER_DIGITS} digits before the point.")
    if -exponent > NUMBER_MAX_DECIMAL_PLACES:
        raise ValueError(f"Must have at most {NUMBER_MAX_DECIMAL_PLACES} decimal places.")
    return number


def _clean_date(definition: CustomFieldDefinition, value: Any) -> str:
    message = "Must be a date as YYYY-MM-DD."
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError(message)
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(message) from None


def _clean_select(definition: CustomFieldDefinition, value: Any) -> str:
    if not isinstance(value, str) or value not in definition.options:
        allowed = ", ".join(f'"{option}"' for option in definition.options)
        raise ValueError(f"Must be one of {allowed}.")
    return value


def _clean_boolean(definition: CustomFieldDefinition, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("Must be true or false.")
    return value


CUSTOM_FIELD_CLEANERS = _CLEANERS = {
    CustomFieldType.TEXT: _clean_text,
    CustomFieldType.NUMBER: _clean_number,
    CustomFieldType.DATE: _clean_date,
    CustomFieldType.SELECT: _clean_select,
    CustomFieldType.MULTI_SELECT: clean_multi_select,
    CustomFieldType.BOOLEAN: _clean_boolean,
}


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | Decimal | bool) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _check_custom_fields(
    *,
    definitions: Sequence[CustomFieldDefinition],
    values: Any,
    scope: str,
    require: bool,
    path: str,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Cleaned values and errors keyed by field path (the work behind the two public checks)."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        return {}, {path: ["Must be an object mapping field keys to values."]}

    live: dict[str, CustomFieldDefinition] = {}
    retired: set[str] = set()
    other_scope: set[str] = set()
    for definition in definitions:
        if definition.scope != scope:
            if definition.active and definition.deleted_at is None:
                other_scope.add(definition.key)
        elif definition.active and definition.deleted_at is None:
            live[definition.key] = definition
        else:
            retired.add(definition.key)

    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        field = f"{path}.{key}"
        definition = live.get(key)
        if definition is None:
            if key in retired:
                # A retired field's value stays as it was, unvalidated, but a scalar all the same.
                if value is None:
                    continue
                if _is_scalar(value):
                    cleaned[key] = value
                else:
                    errors[field] = ["Must be a single value."]
            elif key in other_scope:
                where = "line items" if scope == CustomFieldScope.PAYABLE else "the payable"
                errors[field] = [f"This field belongs on {where}."]
            else:
                errors[field] = ["Unknown custom field."]
            continue
        if _is_empty(value):
            continue
        try:
            cleaned[key] = _CLEANERS[definition.type](definition, value)
        except ValueError as exc:
            errors[field] = [str(exc)]

    # A field whose visibleWhen does not hold is neither kept, checked nor required.
    hidden = hidden_keys(live, cleaned)
    for key in hidden:
        cleaned.pop(key, None)
        errors.pop(f"{path}.{key}", None)
    if require:
        for key, definition in live.items():
            field = f"{path}.{key}"
            if (
                definition.required
                and key not in cleaned
                and key not in hidden
                and field not in errors
            ):
                errors[field] = ["This field is required."]
    return cleaned, errors


def custom_fields_validate(
    *,
    definitions: Sequence[CustomFieldDefinition],
    values: Mapping[str, Any] | None,
    scope: str,
    require: bool,
    path: str = PAYABLE_PATH,
) -> dict[str, Any]:
    """The cleaned values of one object (the payable, or one line item) of ``scope``.

    Types: text (a string, trimmed, at most 1000 characters), number (a JSON number or numeric
    string, returned as ``Decimal``), date (``YYYY-MM-DD``, returned as that string), select (one
    of the options), boolean (``true``/``false`` only). Empty values (null, blank) are dropped.
    Unknown keys are refused; values of inactive or deleted definitions are kept unvalidated.
    ``require=True`` (submit) also reports every missing required field; drafts pass ``False``.

    Raises a ``ValidationError`` naming each bad field as ``<path>.<key>``.
    """
    cleaned, errors = _check_custom_fields(
        definitions=definitions, values=values, scope=scope, require=require, path=path
    )
    if errors:
        raise ValidationError(errors)
    return cleaned


def payable_custom_fields_validate(
    *,
    payer_business_id: str,
    custom_fields: Mapping[str, Any] | None,
    line_items_custom_fields: Sequence[Mapping[str, Any] | None],
    require: bool,
) -> CleanedCustomFields:
    """A whole payable's custom fields against the payer's definitions (one query).

    Every error is collected before raising: ``customFields.<key>`` for the payable's own fields,
    ``lineItems[<i>].customFields.<key>`` for line item ``i``.
    """
    definitions = custom_field_definitions(business_id=payer_business_id)
    payable, errors = _check_custom_fields(
        definitions=definitions,
        values=custom_fields,
        scope=CustomFieldScope.PAYABLE,
        require=require,
        path=PAYABLE_PATH,
    )
    line_items = []
    for index, values in enumerate(line_items_custom_fields):
        cleaned, line_errors = _check_custom_fields(
            definitions=definitions,
            values=values,
            scope=CustomFieldScope.LINE_ITEM,
            require=require,
            path=line_item_path(index),
        )
        line_items.append(cleaned)
        errors.update(line_errors)
    if errors:
        raise ValidationError(errors)
    return CleanedCustomFields(payable=payable, line_items=line_items)
