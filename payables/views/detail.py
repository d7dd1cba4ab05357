"""One payable's page: its lines, custom fields, timeline, the payer's review and the actions
it offers (``payables.views.actions``); and ``/payables/<id>``, the link e-mails carry."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from approvals.field_values import custom_field_definitions
from cleopay.core.web import business_page, service_errors
from connections.selectors import tag_list
from payables import selectors
from payables.querysets import PAYER, side_of
from payables.views.actions import offered
from payables.views.common import payable_or_404


def _custom_rows(values: dict, definitions: dict) -> list[tuple[str, object]]:
    """(label, value) of a payable's or a line's custom fields, labelled by the payer's fields."""
    rows = []
    for key, value in (values or {}).items():
        definition = definitions.get(key)
        label = definition.label if definition is not None else key
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        rows.append((label, value))
    return rows


@business_page()
def payable_detail(request, business_id: str, payable_id: str):
    payable = payable_or_404(request, business_id, payable_id)
    with service_errors():
        events = list(
            selectors.payable_event_list(
                user=request.user, payable_id=payable_id, prefer=business_id
            )
        )
    incoming = side_of(payable, business_id) == PAYER
    definitions = {d.key: d for d in custom_field_definitions(business_id=payable.payer_id)}
    other = payable.payee if incoming else payable.payer
    context = {
        "payable": payable,
        "incoming": incoming,
        "counterparty": payable.connection.alias_of(business_id) or other.name,
        "other": other,
        "actions": offered(user=request.user, payable=payable, business_id=business_id),
        "events": events,
        "approval": selectors.payable_review(payable=payable, business_id=business_id),
        "custom_rows": _custom_rows(payable.custom_fields, definitions),
        "lines": [
            (line, _custom_rows(line.custom_fields, definitions))
            for line in payable.line_items.all()
        ],
        "line_custom": any(line.custom_fields for line in payable.line_items.all()),
        # The viewing side's own tags, to put on or take off (the other side's are never read).
        "business_tags": list(tag_list(business_id=business_id)) if request.can["invoice"] else [],
        "tagged_ids": {link.tag_id for link in payable.viewer_tag_links},
    }
    return render(request, "payables/detail.html", context)


def payable_redirect(request, payable_id: str):
    """``/payables/<id>`` (the link in e-mails): the payable's page in the right business."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    with service_errors():
        business_id = selectors.viewing_business(user=request.user, payable_id=payable_id)
    return redirect("payable-detail", business_id=business_id, payable_id=payable_id)
