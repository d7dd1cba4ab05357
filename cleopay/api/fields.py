"""Serializer fields shared by every app."""

from rest_framework import serializers

from cleopay import ids


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string (DRF would turn 42 into "42"); no NUL characters."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


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
