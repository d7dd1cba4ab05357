"""
Money is exact: ``Decimal`` from the JSON parser to ``numeric(12,2)`` and back, in dollars (USD).

Everything that reads or rounds an amount goes through this module.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from rest_framework import serializers

CURRENCY = "USD"
CENT = Decimal("0.01")
MAX_DIGITS = 12
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("9999999999.99")
# A decimal written as text: ASCII digits, an optional sign and fraction, nothing else (no
# spaces, exponents, underscores or digits of other scripts, all of which Decimal() would take).
DECIMAL_TEXT = r"^-?[0-9]+(\.[0-9]+)?$"
_DECIMAL_TEXT = re.compile(DECIMAL_TEXT.rstrip("$") + r"\Z")


def is_decimal_text(text: str) -> bool:
    """``"2500.00"``, ``"-3"``: digits 0-9 only, as ``DECIMAL_TEXT`` says."""
    return bool(_DECIMAL_TEXT.match(text))


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


class ExactDecimalField(serializers.DecimalField):
    """A decimal in a JSON body: a JSON number (parsed to ``Decimal``) or a string of ASCII
    digits (``"2500.00"``). Too many decimals is said as such, before any count of digits.

    DRF's field strips the text and hands it to ``Decimal()``, which also reads ``"1_000"``,
    ``" 5"``, ``"1e3"`` and digits of any script (Arabic-Indic, fullwidth); those are refused here.
    """

    default_error_messages = {
        "invalid": 'Must be a number, or a string of digits such as "2500.00".',
        "max_decimal_places": "Must have at most {max_decimal_places} decimal places.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | Decimal | str):
            self.fail("invalid")
        if isinstance(data, str) and not is_decimal_text(data):
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > (self.decimal_places or 0) >= 0:
            self.fail("max_decimal_places", max_decimal_places=self.decimal_places)
        return super().validate_precision(value)


class MoneySerializerField(ExactDecimalField):
    """An amount in a JSON body: a number or a numeric string, at most two decimals.

    Renders as a JSON number with exactly two decimals (``2500.00``).
    """

    default_error_messages = {
        "max_digits": f"Must be at most {MAX_AMOUNT}.",
        "max_whole_digits": f"Must be at most {MAX_AMOUNT}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(**kwargs)
