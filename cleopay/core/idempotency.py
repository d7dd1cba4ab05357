"""The ``Idempotency-Key`` header on POST: claim, replay or refuse. See ``cleopay.core.models``."""

import hashlib
import json
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from cleopay.core.errors import Conflict, ConflictCode, IdempotentReplay
from cleopay.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def fingerprint(request) -> str:
    """A hash of what the request asks for: the parsed body (JSON whitespace does not matter)."""
    digest = hashlib.sha256()
    files = getattr(request, "FILES", None) or {}
    data = request.data
    if files:
        fields = {key: data.getlist(key) for key in data if key not in files}
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
        for name in sorted(files):
            upload = files[name]
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    else:
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def claim(*, request, business_id: str = "") -> IdempotencyKey:
    """Take the key for this request, or raise the replay or the conflict it has earned."""
    key = request.headers[HEADER]
    if not _VALID_KEY.match(key):
        raise ValidationError({HEADER: ["Must be 1 to 255 printable ASCII characters."]})
    identity = {
        "user": request.user,
        "business_id": business_id or "",
        "method": request.method,
        "path": request.path[:512],
        "key": key,
    }
    request_hash = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(**identity, request_hash=request_hash)
    except IntegrityError:
        pass

    existing = IdempotencyKey.objects.select_for_update().get(**identity)
    if existing.created_at < timezone.now() - settings.IDEMPOTENCY_KEY_TTL:
        existing.delete()
        return IdempotencyKey.objects.create(**identity, request_hash=request_hash)
    if existing.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body.",
            code=ConflictCode.IDEMPOTENCY_KEY_REUSED,
        )
    if existing.response_status is None:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.",
            code=ConflictCode.IDEMPOTENCY_KEY_IN_USE,
        )
    response = HttpResponse(
        existing.response_body,
        status=existing.response_status,
        content_type=existing.response_content_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    raise IdempotentReplay(response)


def complete(record: IdempotencyKey, response) -> None:
    """Store a successful response so a retry gets the very same bytes back."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    record.response_status = response.status_code
    record.response_body = response.content.decode()
    record.response_content_type = response.get("Content-Type", "application/json")
    record.save(update_fields=["response_status", "response_body", "response_content_type"])


def purge_expired() -> int:
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
