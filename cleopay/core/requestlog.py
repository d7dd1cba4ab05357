"""
Request ids and log context: every log line of a request or a task carries the request id, the
user and the business it acts for, whatever logger wrote it.

- ``RequestIdMiddleware`` takes a sane incoming ``X-Request-ID`` (from the front proxy or the
  client) or makes one, answers it in the same header, and keeps it in a context variable with
  the user and business ids (``current()``); the API's error body repeats it as ``requestId``.
- ``ContextFilter`` copies that context onto each log record, so the JSON formatter prints it.
- Celery: a task published during a request carries the request id in its headers, and the
  worker puts it back into the context while the task runs, with the task's name and id.
"""

import contextvars
import re
import uuid

from celery import signals
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty

REQUEST_ID_HEADER = "X-Request-ID"
# Accepted from outside only when it cannot smuggle anything into a log line or a header.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@+=-]{8,128}$")

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "cleopay_log_context", default=None
)

FIELDS = ("request_id", "user_id", "business_id", "task_name", "task_id")


def current() -> dict:
    """The context of the request or task this code runs for (empty outside of both)."""
    return _context.get() or {}


def current_request_id() -> str | None:
    return current().get("request_id")


def new_request_id() -> str:
    return uuid.uuid4().hex


def _user_id(request) -> str | None:
    """The authenticated user's public id, without ever loading a user just to log it."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


class RequestIdMiddleware:
    """Gives each request an id (``request.request_id``), echoed in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if SANE_REQUEST_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        # Kept until the response is closed (``request_finished``): Django logs a 4xx or 5xx
        # after the middleware returned, and that line must carry the request id as well.
        _context.set({"request_id": request_id, "_request": request})
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        context = _context.get()
        business_id = view_kwargs.get("business_id") or view_kwargs.get("businessId")
        if context is not None and business_id:
            context["business_id"] = str(business_id)


class ContextFilter:
    """A logging filter adding ``request_id``, ``user_id``, ``business_id`` (and in a worker
    ``task_name``, ``task_id``) to every record; absent values are left out of the line."""

    def filter(self, record) -> bool:
        context = _context.get()
        if not context:
            return True
        request = context.get("_request")
        if request is not None and "user_id" not in context:
            user_id = _user_id(request)
            if user_id is not None:
                record.user_id = user_id
        for name in FIELDS:
            if name in context and not hasattr(record, name):
                setattr(record, name, context[name])
        return True


@receiver(request_finished)
def _request_finished(**kwargs):
    _context.set(None)


# --- Celery ----------------------------------------------------------------------------------------
@signals.before_task_publish.connect
def _publish_request_id(headers=None, **kwargs):
    context = current()
    if headers is not None and context.get("request_id"):
        headers.setdefault("request_id", context["request_id"])
        if context.get("business_id"):
            headers.setdefault("business_id", context["business_id"])


_task_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    context = {
        "request_id": getattr(request, "request_id", None) or new_request_id(),
        "task_name": getattr(task, "name", None),
        "task_id": task_id,
    }
    business_id = getattr(request, "business_id", None)
    if business_id:
        context["business_id"] = business_id
    _task_tokens[task_id] = _context.set(context)


@signals.task_postrun.connect
def _task_finished(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # reset from another context (eager tasks inside a request)
            _context.set(None)
