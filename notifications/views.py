"""Pages of notifications: what the user heard about in the current business, opened (and so
read) one by one or all marked read; the user's notification settings; and the unsubscribe link
of every e-mail. The same selectors and services as the API."""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cleopay.core.web import business_page, page_offset, service_errors
from notifications import preferences, selectors, services
from notifications.models import DigestFrequency, NotificationType

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


@business_page()
def notification_settings(request, business_id: str):
    """The user's own e-mail choices (for every business they belong to): each type on or
    off, and the daily digest."""
    problems = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        with service_errors() as problems:
            preferences.notification_settings_update(
                user=request.user,
                email={value: value in chosen for value in NotificationType.values},
                digest=request.POST.get("digest", ""),
            )
        if not problems:
            messages.success(request, "Notification settings saved.")
            return redirect("settings-notifications", business_id=business_id)
    row = preferences.notification_settings_get(user=request.user)
    choices = preferences.email_choices(row)
    context = {
        "section": "notifications",
        "problems": problems,
        "types": [(value, label, choices[value]) for value, label in NotificationType.choices],
        "digest": row.digest,
        "digest_choices": DigestFrequency.choices,
    }
    return render(
        request,
        "settings/notifications.html",
        context,
        status=problems.status if problems else 200,
    )


# A mail client's one-click POST (RFC 8058) carries no session and no CSRF token: the signed
# token is the credential, and all it can do is turn e-mails off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, token: str):
    """GET: what the link turns off, and a button; POST (the button or the mail client's
    one-click): turn it off. Works without a session."""
    try:
        _, what = preferences.unsubscribe_token_read(token)
    except signing.BadSignature:
        raise Http404("Not found.") from None
    label = (
        "all notification e-mails (the daily digest)"
        if what == preferences.DIGEST
        else f"“{NotificationType(what).label}” e-mails"
    )
    done = False
    if request.method == "POST":
        try:
            preferences.notification_unsubscribe(token=token)
        except signing.BadSignature:
            raise Http404("Not found.") from None
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"label": label, "done": done, "action_url": request.path},
    )
