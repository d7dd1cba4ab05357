"""
Custom field rules beyond one value's type: the key's shape, ``multi_select`` values, and
``visibleWhen`` conditions (docs/api/custom-fields.md).

A definition may say ``visibleWhen: {"key": "<another field>", "equals": <value>}``: it is shown,
checked, kept and required only while that other field (of the same scope: the payable's own, or
the same line item's) holds that value; for a ``multi_select`` controller, while the value is
among those chosen. A field whose controller is itself hidden is hidden too. Conditions are
checked when a definition is written: the controller exists, is of the same scope, ``equals`` is a
valid value for it, and no chain of conditions loops.
"""

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from rest_framework.exceptions import ValidationError

from approvals.models import CustomFieldDefinition, CustomFieldType

KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,49}$"
KEY = re.compile(KEY_PATTERN.rstrip("$") + r"\Z")
KEY_RULE = (
    "Use 1 to 50 letters, digits or underscores, starting with a letter (poNumber, po_number)."
)
MAX_CHAIN = 20


def clean_multi_select(definition: CustomFieldDefinition, value: Any) -> list[str]:
    """A list of distinct options (a single option as a string is taken as a list of one)."""
    if isinstance(value, str):
        value = [value]
    allowed = ", ".join(f'"{option}"' for option in definition.options)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"Must be a list of options among {allowed}.")
    if any(v not in definition.options for v in value):
        raise ValueError(f"Each choice must be one of {allowed}.")
    if len(set(value)) != len(value):
        raise ValueError("Each option may be chosen once.")
    return value


def _matches(controller: CustomFieldDefinition, value: Any, equals: Any) -> bool:
    if value is None:
        return False
    if controller.type == CustomFieldType.MULTI_SELECT:
        return equals in value
    if controller.type == CustomFieldType.NUMBER:
        return Decimal(value) == Decimal(str(equals))
    return value == equals


def hidden_keys(live: Mapping[str, CustomFieldDefinition], cleaned: Mapping[str, Any]) -> set[str]:
    """The keys among ``live`` (one scope's active definitions) whose condition does not hold
    for the ``cleaned`` values: a condition on a hidden or unknown field does not hold."""
    memo: dict[str, bool] = {}

    def visible(key: str, depth: int = 0) -> bool:
        if key not in memo:
            definition = live.get(key)
            condition = definition.visible_when if definition is not None else None
            if definition is None:
                memo[key] = False
            elif not condition:
                memo[key] = True
            elif depth > MAX_CHAIN:
                memo[key] = False
            else:
                controller = live.get(condition.get("key"))
                memo[key] = (
                    controller is not None
                    and visible(controller.key, depth + 1)
                    and _matches(controller, cleaned.get(controller.key), condition.get("equals"))
                )
        return memo[key]

    return {key for key in live if not visible(key)}


def visible_when_clean(
    *,
    business_id: str,
    key: str,
    scope: str,
    condition: Mapping[str, Any] | None,
    cleaners: Mapping[str, Callable[[CustomFieldDefinition, Any], Any]],
) -> dict | None:
    """The condition as stored, or a 400 naming ``visibleWhen.key`` or ``visibleWhen.equals``."""
    if condition is None:
        return None
    controller = (
        CustomFieldDefinition.objects.live()
        .filter(business_id=business_id, key=condition["key"])
        .first()
    )
    if controller is None:
        raise ValidationError(
            {"visibleWhen.key": ["No custom field of this business has this key."]}
        )
    if controller.key == key:
        raise ValidationError({"visibleWhen.key": ["A field cannot depend on itself."]})
    if controller.scope != scope:
        raise ValidationError(
            {"visibleWhen.key": ["Must be a field of the same scope (payable or line item)."]}
        )
    equals = condition["equals"]
    cleaner = cleaners[
        CustomFieldType.SELECT
        if controller.type == CustomFieldType.MULTI_SELECT
        else controller.type
    ]
    try:
        equals = cleaner(controller, equals)
    except ValueError as exc:
        raise ValidationError({"visibleWhen.equals": [str(exc)]}) from None
    # Follow the controller's own conditions: reaching this field again would be a loop.
    seen, current = {key}, controller
    for _ in range(MAX_CHAIN):
        if current.key in seen:
            raise ValidationError({"visibleWhen.key": ["These conditions would form a loop."]})
        seen.add(current.key)
        if not current.visible_when:
            break
        current = (
            CustomFieldDefinition.objects.live()
            .filter(business_id=business_id, key=current.visible_when.get("key"))
            .first()
        )
        if current is None:
            break
    return {"key": controller.key, "equals": equals}
