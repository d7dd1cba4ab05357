"""Pages of notifications: what the user heard about in the current business, opened (and so
read) one by one or all marked read. The same selectors and services as the API."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cleopay.core.web import business_page, page_offset, service_errors
from notifications import selectors, services

PAGE_SIZE = 50


@business_page()
def notification_list(request, business_id: str):
    offset = page_offset(request)
    rows = list(
        selectors.notification_list(user=request.user, business_id=business_id)[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    context = {
        "notifications": rows[:PAGE_SIZE],
        "any_unread": any(not n.is_read for n in rows[:PAGE_SIZE]),
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "next_offset": offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None,
    }
    return render(request, "notifications/list.html", context)


@require_POST
@business_page()
def notification_open(request, business_id: str, notification_id: str):
    """Mark it read and show its payable (or its connection)."""
    with service_errors():
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    return redirect(services.notification_path(notification))


@require_POST
@business_page()
def notification_read_all(request, business_id: str):
    updated = services.notifications_mark_all_read(user=request.user, business_ids=[business_id])
    messages.success(request, f"{updated} notification{'s' if updated != 1 else ''} marked read.")
    return redirect("notifications", business_id=business_id)
