"""
Money is exact: ``Decimal`` from the JSON parser to ``numeric(12,2)`` and back, in dollars (USD).

Everything that reads or rounds an amount goes through this module.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from rest_framework import serializers

CURRENCY = "USD"
CENT = Decimal("0.01")
MAX_DIGITS = 12
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("9999999999.99")


def quantize(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up, as an invoice would."""
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


class MoneyField(models.DecimalField):
    """A ``numeric(12,2)`` column of dollars."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_digits") == MAX_DIGITS:
            kwargs.pop("max_digits")
        if kwargs.get("decimal_places") == DECIMAL_PLACES:
            kwargs.pop("decimal_places")
        return name, path, args, kwargs


class MoneySerializerField(serializers.DecimalField):
    """An amount in a JSON body: a number or a numeric string, at most two decimals.

    Renders as a JSON number with exactly two decimals (``2500.00``).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
