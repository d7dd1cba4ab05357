"""Serializer fields shared by every app."""

from datetime import date

from rest_framework import serializers

from cleopay.core import ids


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string (DRF would turn 42 into "42"); no NUL characters."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only (DRF would also take "yes", 1, "on", "true")."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class PublicIdField(StrictCharField):
    """An ID of one type (``conn_...``); one of the wrong shape is refused before any query."""

    def __init__(self, *, prefix: str, **kwargs):
        self.prefix = prefix
        kwargs.setdefault("max_length", ids.MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not ids.is_public_id(value, self.prefix):
            raise serializers.ValidationError(f"Not a valid {self.prefix}_ ID.")
        return value


class DateInputField(serializers.DateField):
    """A date written ``2026-05-15``, refused in words a person acts on ("Enter a date like
    2026-05-15.") rather than DRF's list of format codes."""

    default_error_messages = {
        "invalid": "Enter a date like 2026-05-15.",
        "blank": "Enter a date.",
        "null": "Enter a date.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.strip():
            self.fail("blank")
        return super().to_internal_value(value)


class PlausibleDateField(DateInputField):
    """A business date (an invoice's issue or due date): ISO 8601, in the years 2000 to 2100.

    ``0001-01-01`` or ``9999-12-31`` parse as dates but are typing slips, and at the edges of
    the calendar they overflow date arithmetic (net terms, aging); refused with 400.
    """

    EARLIEST = date(2000, 1, 1)
    LATEST = date(2100, 12, 31)
    default_error_messages = {
        "out_of_range": f"Must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}.",
    }

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not self.EARLIEST <= parsed <= self.LATEST:
            self.fail("out_of_range")
        return parsed
