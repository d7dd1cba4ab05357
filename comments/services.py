"""Writes of comments: post, edit (keeping the text it replaces), delete (a tombstone).

Who may comment: a member of either side that sees the payable, in a role with
``Capability.COMMENT`` (owners, admins, accountants and approvers; viewers read the
conversation). Only the author edits or deletes their comment, while still such a member.

Mentions: ``@person@example.com`` in a comment notifies that person when they are a member of
the author's business (in the app, and by e-mail through the notifications app's usual path).
Anyone else named, a member of the other side or an unknown address, is left as plain text:
nothing is sent and nothing tells the author whether the address exists.
"""

import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from accounts.models import Membership
from accounts.permissions import Capability, require
from cleopay.core.errors import Conflict, ConflictCode, field_error
from comments.models import BODY_MAX_LENGTH, Comment, CommentRevision, CommentVisibility
from comments.selectors import comment_find
from notifications import services as notifications
from notifications.models import NotificationType
from payables.models import Payable
from payables.selectors import viewing_business

# ``@`` followed by an e-mail address, not preceded by a word character (``a@b.com`` itself is
# not a mention). Trailing punctuation belongs to the sentence, not the address.
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
EXCERPT_LENGTH = 140
# People notified by one comment at most (the first named).
MAX_MENTIONS = 20


def mentioned_emails(body: str) -> list[str]:
    """The addresses ``body`` mentions, lower-cased, in order, once each."""
    return list(dict.fromkeys(m.group(1).rstrip(".").lower() for m in _MENTION.finditer(body)))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise field_error("body", "Write something.")
    if len(body) > BODY_MAX_LENGTH:
        raise field_error("body", f"At most {BODY_MAX_LENGTH} characters.")
    return body


def _excerpt(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"


def _notify_mentions(comment: Comment, *, emails: list[str]) -> None:
    """Notify the members of the author's business among ``emails`` (never the author)."""
    if not emails:
        return
    named = Q()
    for email in emails[:MAX_MENTIONS]:
        named |= Q(user__email__iexact=email)
    user_ids = list(
        Membership.objects.filter(named, business_id=comment.business_id, user__is_active=True)
        .exclude(user_id=comment.author_id)
        .order_by("user__email")
        .values_list("user_id", flat=True)
    )
    if not user_ids:
        return
    payable = Payable.objects.select_related("payee", "payer").get(pk=comment.payable_id)
    where = "an internal note" if comment.visibility == CommentVisibility.INTERNAL else "a comment"
    notifications.notify(
        type=NotificationType.COMMENT_MENTIONED,
        payable=payable,
        business_id=comment.business_id,
        user_ids=user_ids,
        message=f"{comment.author.email} mentioned you in {where} on invoice "
        f"{payable.invoice_number}: {_excerpt(comment.body)}",
        note=comment.body,
    )


@transaction.atomic
def comment_create(
    *, payable_id: str, actor, body: str, visibility: str, business_id: str | None = None
) -> Comment:
    """Post a comment on a payable the actor's business sees (``business_id``: the side to
    write for, for a member of both); 404 if it does not see it, 403 for a viewer."""
    viewer = viewing_business(user=actor, payable_id=payable_id, prefer=business_id)
    require(actor, viewer, Capability.COMMENT)
    if visibility not in CommentVisibility.values:
        raise field_error("visibility", "Choose shared or internal.")
    comment = Comment.objects.create(
        payable_id=payable_id,
        business_id=viewer,
        author=actor,
        visibility=visibility,
        body=_clean_body(body),
    )
    _notify_mentions(comment, emails=mentioned_emails(comment.body))
    return comment


def _lock_own(*, comment_id: str, actor, action: str) -> Comment:
    """The actor's own comment, row-locked: 404 if they may not read it, 403 if it is someone
    else's or they may no longer comment, 409 once deleted."""
    comment, _seen_from = comment_find(user=actor, comment_id=comment_id)
    if comment.author_id != actor.pk:
        raise PermissionDenied(f"Only its author can {action} a comment.")
    require(actor, comment.business_id, Capability.COMMENT)
    comment = Comment.objects.select_for_update().select_related("author").get(pk=comment.pk)
    if comment.is_deleted:
        raise Conflict("This comment was deleted.", code=ConflictCode.STATE)
    return comment


def _keep_revision(comment: Comment, now) -> None:
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )


@transaction.atomic
def comment_edit(*, comment_id: str, actor, body: str) -> Comment:
    """The author changes the text; the text it replaces is kept and shown as an earlier
    version. People newly mentioned are notified; the same text again changes nothing."""
    comment = _lock_own(comment_id=comment_id, actor=actor, action="edit")
    body = _clean_body(body)
    if body == comment.body:
        return comment
    now = timezone.now()
    _keep_revision(comment, now)
    before = set(mentioned_emails(comment.body))
    comment.body = body
    comment.edited_at = now
    comment.save(update_fields=["body", "edited_at"])
    _notify_mentions(comment, emails=[e for e in mentioned_emails(body) if e not in before])
    return comment


@transaction.atomic
def comment_delete(*, comment_id: str, actor) -> Comment:
    """The author deletes a comment: a tombstone stays in the conversation, the text is kept
    as its last revision (for the record, no longer shown)."""
    comment = _lock_own(comment_id=comment_id, actor=actor, action="delete")
    now = timezone.now()
    _keep_revision(comment, now)
    comment.body = ""
    comment.deleted_at = now
    comment.save(update_fields=["body", "deleted_at"])
    return comment
