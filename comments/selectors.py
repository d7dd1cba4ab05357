"""Reads of comments, always through a payable the caller sees and the business it is seen from."""

from django.db.models import Prefetch, QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import roles_of
from cleopay.core.ids import require_id_shape
from comments.models import Comment, CommentRevision, CommentVisibility
from payables.querysets import viewer_of
from payables.selectors import viewing_business


def conversation(*, payable_id: str, business_id: str) -> QuerySet[Comment]:
    """The comments of a payable ``business_id`` may read, oldest first, with their authors
    and earlier versions (two queries, whatever their number). The caller has checked that
    ``business_id`` sees the payable."""
    return (
        Comment.objects.filter(payable_id=payable_id)
        .seen_by(business_id)
        .select_related("author")
        .prefetch_related(
            Prefetch("revisions", queryset=CommentRevision.objects.order_by("written_at", "id"))
        )
        .order_by("created_at", "id")
    )


def comment_list(*, user, payable_id: str, prefer: str | None = None) -> QuerySet[Comment]:
    """The conversation of a payable as the caller's side reads it (404 if it does not see it)."""
    business_id = viewing_business(user=user, payable_id=payable_id, prefer=prefer)
    return conversation(payable_id=payable_id, business_id=business_id)


def comment_find(*, user, comment_id: str) -> tuple[Comment, str]:
    """A comment the caller may read, and the business they read it from (the author's when
    the caller is a member of it): 404 otherwise, as for a comment that does not exist."""
    require_id_shape(comment_id, "cmt")
    roles = roles_of(user)
    comment = Comment.objects.select_related("payable", "author").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("Not found.")
    candidates = [comment.business_id] if comment.business_id in roles else []
    if comment.visibility == CommentVisibility.SHARED:
        candidates += [
            b for b in (comment.payable.payee_id, comment.payable.payer_id) if b in roles
        ]
    for business_id in candidates:
        if viewer_of(comment.payable, roles, prefer=business_id) is not None:
            return comment, business_id
    raise NotFound("Not found.")
