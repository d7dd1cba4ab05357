"""Template tags other apps' templates load (a template is no import: connections shows a
connection's balance without depending on the cockpit)."""

import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from cockpit.selectors import connection_balance, connections_balance

register = template.Library()


@register.inclusion_tag("cockpit/_balance.html", takes_context=True)
def connection_balance_card(context, connection, business):
    """Billed, paid, credits, outstanding and overdue of ``connection``, seen by ``business``."""
    today = timezone.now().date()
    is_payer = business.id == connection.payer_id
    return {
        "business": business,
        "connection": connection,
        "is_payer": is_payer,
        "balance": connection_balance(connection=connection, today=today),
        "list_url": reverse("inbox" if is_payer else "invoices", args=[business.id]),
        "yesterday": today - datetime.timedelta(days=1),
    }


@register.inclusion_tag("cockpit/_connections_total.html")
def connections_total(connections, business):
    """Outstanding and overdue across ``connections`` (the list's filtered connections), by side."""
    today = timezone.now().date()
    return {
        "business": business,
        "totals": connections_balance(
            connections=connections, business_id=business.id, today=today
        ),
    }
