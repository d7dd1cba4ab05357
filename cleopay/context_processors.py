"""
The context every page's template gets: the current business, the business switcher, the role's
capabilities and the badge counts. Shell code: it reads from accounts, notifications and payables.
"""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from accounts.selectors import me_memberships
from notifications.selectors import notification_list
from payables.selectors import awaiting_count

# URL names of pages that exist for every business: the switcher keeps the user on the same one.
SWITCHABLE_PAGES = {
    "inbox",
    "notifications",
    "invoices",
    "invoice-new",
    "connections",
    "reports",
    "settings-members",
    "settings-tags",
    "settings-workflows",
    "settings-custom-fields",
    "settings-approvals",
    "settings-tokens",
    "settings-profile",
}


def _switch_url(request, business_id: str) -> str:
    match = request.resolver_match
    name = match.url_name if match is not None else None
    if name not in SWITCHABLE_PAGES:
        name = "inbox"
    try:
        return reverse(name, kwargs={"business_id": business_id})
    except NoReverseMatch:
        return reverse("inbox", kwargs={"business_id": business_id})


def page_context(request: HttpRequest) -> dict:
    """Template context of every page: the current business, the switcher, what the user may do."""
    business_id = getattr(request, "business_id", None)
    if business_id is None or not request.user.is_authenticated:
        return {}
    memberships = list(me_memberships(user=request.user))
    current = next((m.business for m in memberships if m.business_id == business_id), None)
    return {
        "business": current,
        "business_id": business_id,
        "role": request.role,
        "can": request.can,
        "switcher": [
            {
                "business": m.business,
                "role": m.get_role_display(),
                "url": _switch_url(request, m.business_id),
                "current": m.business_id == business_id,
            }
            for m in memberships
        ],
        # Read only when a template shows it (the inbox link's badge).
        "awaiting_count": SimpleLazyObject(
            lambda: awaiting_count(user=request.user, business_id=business_id)
        ),
        "unread_count": SimpleLazyObject(
            lambda: notification_list(
                user=request.user, unread=True, business_id=business_id
            ).count()
        ),
    }
