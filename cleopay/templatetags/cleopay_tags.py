"""Template helpers of the pages: money, counts, field errors, query strings, input IDs."""

import json
import re

from django import template

from cleopay.core import web
from cleopay.core.formats import format_date, format_money, format_time

register = template.Library()


@register.filter
def money(value) -> str:
    """``Decimal("1234.5")`` → ``$1,234.50`` (``cleopay.core.formats.format_money``)."""
    return format_money(value)


@register.filter
def day(value) -> str:
    """A date → ``Jan 2, 2027`` (``cleopay.core.formats.format_date``)."""
    return format_date(value)


@register.filter
def when(value) -> str:
    """A timestamp in the viewer's time zone → ``Jan 2, 2027 14:05 CET``."""
    return format_time(value)


@register.filter
def count_label(value) -> str:
    """A count from ``payables.selectors`` (capped at ``COUNT_CAP + 1``): ``42``, ``1,000+``."""
    from payables.selectors import COUNT_CAP

    if value is None or value == "":
        return "0"
    if value > COUNT_CAP:
        return f"{COUNT_CAP:,}+"
    return str(value)


@register.filter
def errors_for(problems, name: str) -> list[str]:
    """The messages of one field (``problems`` may be None)."""
    if not problems:
        return []
    return problems.of(name)


@register.filter
def dom_id(name: str) -> str:
    """An input name as an element ID: ``customFields.po_number`` → ``f-customFields-po_number``."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-")


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with ``changes`` (``{% query tab="paid" offset=None %}``)."""
    request = context["request"]
    params = {key: request.GET.getlist(key) for key in request.GET}
    params = {key: values[0] if len(values) == 1 else values for key, values in params.items()}
    return web.query_string(params, **changes)


@register.filter
def lines(value) -> list[str]:
    """``"EU\nUS"`` → ``["EU", "US"]`` (a multi_select's choices as the editor keeps them)."""
    return [line for line in str(value or "").splitlines() if line]


@register.filter
def to_json(value) -> str:
    """JSON for a data attribute (escaped by the template like any text)."""
    return json.dumps(value, default=str)
