"""
What every page shares: the current business from the URL, and service errors shown on a page.

Pages are thin, like the API's views: they call the same selectors and services, and those
refuse by raising DRF's exceptions. ``service_errors()`` catches them and turns them into what a
page shows: messages by field, named exactly as the API names the field (``invoiceNumber``,
``lineItems[1].unitPrice``, ``customFields.po_number``), so a form whose inputs carry the API's
names finds its errors with no mapping table; or one general message. A ``NotFound`` becomes
the 404 page: an object of another business is indistinguishable from none.

The current business is in every URL (``/b/<business_id>/...``). ``business_page`` resolves it
once, before the view: not a member is a 404, a role without the capability a 403.

Part of ``cleopay.core``: it imports no app. The role comes from the user object
(``User.role_in``, ``User.capabilities_in``), as Django's decorators ask ``user.has_perm``. What
every page's template shows about the user's businesses is the shell's
(``cleopay.context_processors``).
"""

import html
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from rest_framework import exceptions

from cleopay.core.errors import Conflict, InvalidTransition, PayloadTooLarge, flatten
from cleopay.core.pagination import MAX_OFFSET

# --- errors ---------------------------------------------------------------------------------------


@dataclass
class Problems:
    """What a service refused: messages by API field name, and general ones."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    # The HTTP status a page answers with when it shows these (400, 403, 409, 413).
    status: int = 400

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str | None, message: str) -> None:
        if name:
            self.fields.setdefault(name, []).append(message)
        else:
            self.general.append(message)

    def of(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    def under(self, prefix: str) -> dict[str, list[str]]:
        """Messages of the fields whose names start with ``prefix`` (``lineItems[2].``)."""
        return {k[len(prefix) :]: v for k, v in self.fields.items() if k.startswith(prefix)}

    def move_unknown_to_general(self, known: Callable[[str], bool]) -> None:
        """Messages of fields the page does not show go to the top, with the field's name."""
        for name in [name for name in self.fields if not known(name)]:
            for message in self.fields.pop(name):
                self.general.append(f"{name}: {message}")


# What the pages call a payable and each status, and each action done, in a finance team's
# words: "This bill was cancelled, so it can no longer be approved."
_STATUS_WORDS = {
    "DRAFT": "is still a draft",
    "SUBMITTED": "is waiting for approval",
    "APPROVED": "is approved",
    "SCHEDULED": "is scheduled for payment",
    "PAID": "was paid",
    "DECLINED": "was declined",
    "CANCELLED": "was cancelled",
    "pending": "is waiting to be accepted",
    "active": "is active",
    "archived": "was archived",
}
_FINAL_STATUSES = {"PAID", "CANCELLED", "archived"}
_PAYER_ACTIONS = {"approve", "decline", "schedule", "unschedule", "pay"}
_DONE_WORDS = {"pay": "paid", "submit": "submitted", "cancel": "cancelled", "edit": "edited"}


def transition_message(*, action: str, current_status: str, noun: str = "payable") -> str:
    """Why an action cannot be done now, for a person: what the thing is, in plain words."""
    if noun == "payable":
        noun = "bill" if action in _PAYER_ACTIONS else "invoice"
    done_word = _DONE_WORDS.get(action, f"{action.removesuffix('e')}ed")
    state = _STATUS_WORDS.get(current_status, f"is {current_status.lower()}")
    if current_status in _FINAL_STATUSES:
        return f"This {noun} {state}, so it can no longer be {done_word}."
    return f"This {noun} {state}, so it cannot be {done_word} now."


def problems_of(exc: exceptions.APIException) -> Problems:
    """The page's view of an exception a service or an input serializer raised."""
    problems = Problems(status=exc.status_code)
    if isinstance(exc, InvalidTransition):
        problems.add(
            None,
            transition_message(action=exc.action, current_status=exc.current_status, noun=exc.noun),
        )
    elif isinstance(exc, exceptions.ValidationError):
        for item in flatten(exc.detail):
            problems.add(item["field"], item["message"])
    elif isinstance(exc, Conflict):
        problems.add(exc.extra.get("field"), str(exc.detail))
    elif isinstance(exc, PayloadTooLarge):
        problems.add("file", str(exc.detail))
    else:
        problems.add(None, str(exc.detail))
    return problems


@contextmanager
def service_errors() -> Iterator[Problems]:
    """Run a service; what it refuses lands in the yielded ``Problems`` (a 404 stays a 404).

    with service_errors() as problems:
        services.payable_approve(payable_id=..., actor=request.user)
    if problems: ...
    """
    problems = Problems()
    try:
        yield problems
    except (exceptions.NotFound, Http404) as exc:
        raise Http404("Not found.") from exc
    except DjangoPermissionDenied as exc:
        problems.add(None, str(exc) or "Your role does not allow this.")
        problems.status = 403
    except IntegrityError:
        # As the API answers it: a constraint a service did not turn into a clearer error.
        problems.add(None, "This conflicts with existing data.")
        problems.status = 409
    except exceptions.APIException as exc:
        found = problems_of(exc)
        problems.fields, problems.general, problems.status = (
            found.fields,
            found.general,
            found.status,
        )


def require_capability(request: HttpRequest, capability: str) -> None:
    """For a form that needs more than the page: the 403 page when the role falls short."""
    if not request.can[capability]:
        raise DjangoPermissionDenied(f"Your role ({request.role}) does not allow this.")


def validated(serializer_class, data, **kwargs) -> dict:
    """The API's own input serializer applied to a page's form data (raises like the API)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- the current business ------------------------------------------------------------------------


def business_page(capability: str = "read"):
    """A page under ``/b/<business_id>/``: login, membership (404) and the capability (403).

    ``capability`` is one of ``accounts.permissions.Capability``; the user's role and what it
    allows come from the user (``User.role_in``, ``User.capabilities_in``: the one role table).
    Leaves ``request.business_id``, ``request.role`` and ``request.can`` (capability name → bool,
    for templates: ``{% if can.pay %}``) on the request.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, business_id: str, *args, **kwargs):
            role = request.user.role_in(business_id)
            if role is None:
                raise Http404("Not found.")
            can = request.user.capabilities_in(business_id)
            if not can[capability]:
                raise DjangoPermissionDenied(f"Your role ({role}) does not allow this.")
            request.business_id = business_id
            request.role = role
            request.can = can
            return view(request, business_id, *args, **kwargs)

        return wrapper

    return decorator


# --- small helpers --------------------------------------------------------------------------------


def safe_next(request: HttpRequest, fallback: str) -> str:
    """``?next=`` / POST ``next`` when it points into this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def option_tags(choices, selected: str = "") -> SafeString:
    """The ``<option>`` elements of ``choices`` ((value, label) pairs), ``selected`` marked.

    For the long lists, such as a finance team's thousand connections: a template loop, or
    ``format_html`` per option, cost several times as much. Both parts are escaped as the
    template would escape them.
    """
    return SafeString(
        "".join(
            f'<option value="{html.escape(str(value))}"{" selected" if value == selected else ""}>'
            f"{html.escape(str(label))}</option>"
            for value, label in choices
        )
    )


def page_offset(request: HttpRequest) -> int:
    """A list page's ``?offset=`` (its first row): a whole number, else the first page; clamped
    to the largest offset the database takes (a bigint), so any number is a page, if empty."""
    try:
        return min(max(0, int(request.GET.get("offset", "0"))), MAX_OFFSET)
    except ValueError:
        return 0


def query_string(params: dict, **changes) -> str:
    """``params`` with ``changes`` applied (None drops a key), as ``?a=1&b=2`` (or "")."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged, doseq=True) if merged else ""


# --- confirm steps and results ---------------------------------------------------------------------


def render_confirm(
    request: HttpRequest,
    *,
    title: str,
    action_url: str,
    button: str,
    next_url: str,
    text: str = "",
    danger: bool = False,
    fields_template: str | None = None,
    context: dict | None = None,
    problems: Problems | None = None,
):
    """The confirm step of an action: a dialog's body for htmx, else a page of its own.

    The same form posts either way; ``fields_template`` adds inputs (a reason, a date).
    """
    data = {
        "title": title,
        "text": text,
        "action_url": action_url,
        "button": button,
        "danger": danger,
        "next_url": next_url,
        "fields_template": fields_template,
        "problems": problems,
        **(context or {}),
    }
    status = problems.status if problems else 200
    if request.htmx:
        # htmx swaps only 2xx answers: a refusal is shown in the dialog with a 200.
        return render(request, "_confirm.html", data)
    return render(request, "confirm.html", data, status=status)


def done(request: HttpRequest, message: str, next_url: str):
    """After an action succeeded: htmx gets an event (the page refreshes what listens, the
    dialog closes, the live region says ``message``); a plain form post a redirect."""
    if request.htmx:
        response = HttpResponse("")
        response["HX-Trigger"] = json.dumps({"cleopay:changed": {"message": message}})
        return response
    messages.success(request, message)
    return redirect(next_url)
