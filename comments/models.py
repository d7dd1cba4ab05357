"""
Comments: the conversation about one payable, beside its timeline.

A ``Comment`` is written by a member of one side of the payable (``business``, the author's
business) and says who may read it (``visibility``): ``shared`` comments are read by both
sides, ``internal`` ones only by the author's business. That one column is what every reader
filters on (``CommentQuerySet.seen_by``): the API, the detail page, notifications (a mention
only ever notifies members of the author's business) and anything else that lists comments.
Comments are not timeline events, so they never reach the event feed, webhooks or the
payables' CSV export.

Never edited silently: an edit keeps the text it replaces as a ``CommentRevision`` (shown to
whoever may read the comment) and stamps ``edited_at``; a deletion is a tombstone (the body is
kept as the last revision, ``deleted_at`` is stamped, the text is no longer shown). The
visibility of a comment never changes, so its earlier versions never reach a side that could
not read them when they were written.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Business
from cleopay.core.ids import PublicIdField

BODY_MAX_LENGTH = 5000


class CommentVisibility(models.TextChoices):
    SHARED = "shared", "Shared with the other side"
    INTERNAL = "internal", "Internal to our team"


class CommentQuerySet(models.QuerySet):
    def seen_by(self, business_id: str) -> "CommentQuerySet":
        """The comments ``business_id`` may read (of payables it sees: the caller checks that):
        every shared one, and its own internal ones."""
        return self.filter(
            models.Q(visibility=CommentVisibility.SHARED) | models.Q(business_id=business_id)
        )


class Comment(models.Model):
    id = PublicIdField(prefix="cmt")
    # Indexed by the (payable, created_at, id) index below.
    payable = models.ForeignKey(
        "payables.Payable", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    # The side the author wrote for: internal comments stay with it.
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=10, choices=CommentVisibility.choices)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=CommentVisibility.values),
                name="comment_visibility_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(body="") | models.Q(deleted_at__isnull=False),
                name="comment_body_present",
            ),
        ]
        indexes = [
            models.Index(fields=["payable", "created_at", "id"], name="comment_payable_idx"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.id} on {self.payable_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentRevision(models.Model):
    """A text a comment held before an edit or its deletion."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    # When this text was written (the comment's creation or an earlier edit), and replaced.
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "written_at", "id"]

    def __str__(self) -> str:
        return f"revision of {self.comment_id} from {self.written_at:%Y-%m-%d %H:%M}"
