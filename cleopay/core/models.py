"""
Platform records shared by every app: the Idempotency-Key store, and the outbox of tasks that
could not be published (``cleopay.core.publish``).

A POST carrying ``Idempotency-Key`` claims a row (unique per user, business, route and key) in
the same transaction as the work it does. A retry with the same body replays the stored
response; another body is a 409. Two requests with the same key at once queue on the unique
index, so the second waits for the first and then replays it: one object, never two.
"""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    business_id = models.CharField(max_length=32, blank=True, default="")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=512)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    response_content_type = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "business_id", "method", "path", "key"],
                name="idempotency_key_unique_per_route",
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class PendingTask(models.Model):
    """A Celery task a request could not publish (the broker was down): sent later by beat.

    ``cleopay.core.publish.publish_pending`` sends these oldest first and deletes each one sent.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
