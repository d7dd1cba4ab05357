"""The reports' query parameters (``side``, ``asOf``, ``weeks``), read the same way by the API
and the pages: a bad value is a 400 naming the parameter."""

import datetime

from cleopay.core.errors import field_error
from cockpit.reports import IN, OUT, PAYABLES, RECEIVABLES, WEEKS_DEFAULT, WEEKS_MAX

# How far back an as-of date may go.
AS_OF_YEARS = 10


def aging_side(value: str | None, default: str = PAYABLES) -> str:
    side = value if value not in (None, "") else default
    if side not in (PAYABLES, RECEIVABLES):
        raise field_error("side", "Must be payables or receivables.")
    return side


def flow_direction(value: str | None, default: str = OUT) -> str:
    direction = value if value not in (None, "") else default
    if direction not in (OUT, IN):
        raise field_error("side", "Must be out or in.")
    return direction


def as_of(value: str | None, today: datetime.date) -> datetime.date:
    if value in (None, ""):
        return today
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise field_error("asOf", "Must be a date such as 2026-05-15.") from None
    if len(value) != 10 or not (
        datetime.date(today.year - AS_OF_YEARS, 1, 1) <= day <= today + datetime.timedelta(days=366)
    ):
        raise field_error("asOf", f"Must be a date such as 2026-05-15, within {AS_OF_YEARS} years.")
    return day


def weeks(value: str | None) -> int:
    if value in (None, ""):
        return WEEKS_DEFAULT
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= WEEKS_MAX:
        raise field_error("weeks", f"Must be a whole number from 1 to {WEEKS_MAX}.")
    return int(value)
