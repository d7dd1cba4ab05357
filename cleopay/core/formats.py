"""
How amounts, dates and times read to a person, wherever they are shown: pages, notifications,
e-mails, the timeline. One formatter for each, so "$2,833.33" and "Jan 2, 2027" read the same
everywhere (the API keeps its own exact forms: ``2833.33``, ``2027-01-02``, UTC with ``Z``).

Times are shown in the active time zone: the viewer's on a page (``cleopay.middleware``), the
recipient's in an e-mail (``cleopay.core.mail``), UTC elsewhere.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone


def format_money(value) -> str:
    """``Decimal("1234.5")`` → ``$1,234.50`` (exact: from the Decimal, never a float); text
    that is not an amount is returned as it is."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def format_date(value) -> str:
    """A date (or ``2027-01-02``) → ``Jan 2, 2027``; a timestamp is first put in the active
    time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return dateformat.format(value, "M j, Y")


def format_time(value: datetime.datetime | None) -> str:
    """A timestamp in the active time zone, with the zone named: ``Jan 2, 2027 14:05 CET``."""
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value), "M j, Y H:i T")
