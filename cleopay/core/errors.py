"""
One error shape for every endpoint:

    {"type": "validation_error", "message": "Validation failed",
     "errors": [{"field": "amount", "message": "..."}]}

``type`` is machine-readable and follows the status code; a 409 also carries ``code`` (why it
conflicts) and, for a refused status change, ``currentStatus``. ``requestId`` repeats the
response's ``X-Request-ID``, so a support request can name the log lines of the failure. Services raise the exceptions
below; the handler turns them, DRF's own and Django's into that shape. No input a client can
send reaches a 500.
"""

import logging
from enum import StrEnum

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from cleopay.core.requestlog import current_request_id

logger = logging.getLogger(__name__)


class ErrorType(StrEnum):
    VALIDATION = "validation_error"
    AUTHENTICATION = "authentication_error"
    PERMISSION = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    SERVER = "server_error"


TYPE_BY_STATUS = {
    400: ErrorType.VALIDATION,
    401: ErrorType.AUTHENTICATION,
    403: ErrorType.PERMISSION,
    404: ErrorType.NOT_FOUND,
    405: ErrorType.METHOD_NOT_ALLOWED,
    406: ErrorType.NOT_ACCEPTABLE,
    409: ErrorType.CONFLICT,
    413: ErrorType.PAYLOAD_TOO_LARGE,
    415: ErrorType.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorType.THROTTLED,
}


class ConflictCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    DUPLICATE = "duplicate"
    IN_USE = "in_use"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    STATE = "state_conflict"
    PAYMENT_IN_PROGRESS = "payment_in_progress"


class Conflict(exceptions.APIException):
    """409: the request is valid but clashes with the current state of the data."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"

    def __init__(self, message: str | None = None, *, code: str = ConflictCode.STATE, **extra):
        super().__init__(message or self.default_detail)
        self.conflict_code = str(code)
        self.extra = extra


class InvalidTransition(Conflict):
    """409 for an action the object's current status does not allow; names that status."""

    def __init__(self, *, action: str, current_status: str, noun: str = "payable"):
        # Kept for the pages, which say it in their own words (``cleopay.core.web``).
        self.action, self.current_status, self.noun = action, current_status, noun
        super().__init__(
            f"Cannot {action} a {noun} whose status is {current_status}.",
            code=ConflictCode.INVALID_TRANSITION,
            currentStatus=current_status,
        )


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def field_error(field: str | None, message: str) -> exceptions.ValidationError:
    """A 400 naming one field, for rules a serializer cannot see (services raise it)."""
    if field is None:
        return exceptions.ValidationError([message])
    return exceptions.ValidationError({field: [message]})


class IdempotentReplay(Exception):
    """Carries the stored response of an earlier request with the same Idempotency-Key."""

    def __init__(self, response: HttpResponse):
        self.response = response


def flatten(detail, path: str | None = None) -> list[dict]:
    """DRF's nested error detail as a flat list of {field, message}; paths like lineItems[0].unitPrice."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                child = path
            elif path is None:
                child = str(key)
            elif isinstance(key, int) or str(key).isdigit():
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}"
            items.extend(flatten(value, child))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and value:
                # A list of nested objects (line items): position matters.
                child = f"{path}[{index}]" if path else f"[{index}]"
                items.extend(flatten(value, child))
            elif isinstance(value, dict | list):
                continue
            else:
                items.extend(flatten(value, path))
        return items
    return [{"field": path, "message": str(detail)}]


def error_body(status_code: int, message: str, errors: list | None = None, **extra) -> dict:
    body = {
        "type": str(TYPE_BY_STATUS.get(status_code, ErrorType.SERVER)),
        "message": message,
        "errors": errors or [],
    }
    body.update(extra)
    request_id = current_request_id()
    if request_id:
        body["requestId"] = request_id
    return body


def _message_of(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, list | dict):
        return str(exc.default_detail)
    return str(detail)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error, one shape."""
    if isinstance(exc, IdempotentReplay):
        return exc.response

    headers = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, IntegrityError):
        # A constraint the services did not turn into a clearer error first: still the
        # client's conflict, never a 500. Logged so the missing mapping gets written.
        logger.warning("unmapped integrity error: %s", exc)
        exc = Conflict("The request conflicts with existing data.", code=ConflictCode.DUPLICATE)

    if not isinstance(exc, exceptions.APIException):
        return None

    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header

    status_code = exc.status_code
    if status_code == 401 and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'

    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        message, errors = "Validation failed", flatten(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        message = _message_of(exc)
        errors = [{"field": None, "message": message}]
    else:
        message, errors = _message_of(exc), []
    if isinstance(exc, Conflict):
        extra = {"code": exc.conflict_code, **exc.extra}

    return Response(
        error_body(status_code, message, errors, **extra), status=status_code, headers=headers
    )
