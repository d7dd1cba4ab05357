"""Writes of a business's tags: create, rename, delete. Names are unique within the business,
whatever their case. Each service locks the one tag row it changes and authorizes the actor
itself (INVOICE in the tag's business, from ``accounts.permissions``): another business's tag is
a 404, a role that falls short a 403. Deleting a tag records the change on every connection it
was on (``connections.events``); a tag an approval workflow holds as a condition is refused."""

from django.db import IntegrityError, transaction
from django.db.models import RestrictedError
from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require, roles_of
from cleopay.core.errors import Conflict, ConflictCode
from connections import events
from connections.models import ConnectionTag, Tag


def _duplicate_tag(business_id: str, name: str) -> Conflict:
    existing = Tag.objects.filter(business_id=business_id, name__iexact=name).first()
    return Conflict(
        "This business already has a tag with this name.",
        code=ConflictCode.DUPLICATE,
        tagId=existing.pk if existing else None,
    )


@transaction.atomic
def tag_create(*, business_id: str, actor, name: str) -> Tag:
    """A new tag; names are unique within the business, whatever their case."""
    require(actor, business_id, Capability.INVOICE)
    name = name.strip()
    try:
        with transaction.atomic():
            return Tag.objects.create(business_id=business_id, name=name)
    except IntegrityError:
        raise _duplicate_tag(business_id, name) from None


def tag_authorize(*, tag: Tag, actor) -> str:
    """``actor`` may change ``tag``: INVOICE in the business it belongs to (404/403)."""
    return require(actor, tag.business_id, Capability.INVOICE)


def _lock_tag(tag_id: str, *, actor) -> Tag:
    """The tag, locked, if it belongs to one of ``actor``'s businesses (404) where their role
    allows INVOICE (403)."""
    tag = (
        Tag.objects.select_for_update()
        .filter(pk=tag_id, business_id__in=list(roles_of(actor)))
        .first()
    )
    if tag is None:
        raise NotFound("Not found.")
    tag_authorize(tag=tag, actor=actor)
    return tag


@transaction.atomic
def tag_rename(*, tag_id: str, actor, name: str) -> Tag:
    tag = _lock_tag(tag_id, actor=actor)
    tag.name = name.strip()
    try:
        with transaction.atomic():
            tag.save(update_fields=["name"])
    except IntegrityError:
        raise _duplicate_tag(tag.business_id, tag.name) from None
    return tag


def _tag_in_use(tag: Tag, users) -> Conflict:
    """The tag is a condition of approval workflows (``approvals``, which holds it with
    ``RESTRICT``): deleting it would widen them to every payable, so it is refused."""
    workflows = {
        link.workflow_id: str(link.workflow) for link in users if hasattr(link, "workflow")
    }
    names = ", ".join(f"“{name}”" for name in sorted(workflows.values()))
    noun = "workflow" if len(workflows) == 1 else "workflows"
    return Conflict(
        f"The tag “{tag.name}” is a condition of the approval {noun} {names}: "
        f"remove it from the {noun} first.",
        code=ConflictCode.IN_USE,
        workflowIds=sorted(workflows),
    )


@transaction.atomic
def tag_delete(*, tag_id: str, actor) -> None:
    """Delete a tag; it leaves every connection it was on, and each of those records the change."""
    tag = _lock_tag(tag_id, actor=actor)
    links = ConnectionTag.objects.filter(
        tag__business_id=tag.business_id,
        connection_id__in=ConnectionTag.objects.filter(tag=tag).values("connection_id"),
    ).select_related("connection")
    before: dict[str, list[str]] = {}
    connections = {}
    for link in links:
        before.setdefault(link.connection_id, []).append(link.tag_id)
        connections[link.connection_id] = link.connection
    try:
        with transaction.atomic():
            tag.delete()
    except RestrictedError as exc:
        raise _tag_in_use(tag, exc.restricted_objects) from None
    for connection_id, old in before.items():
        events.connection_tags_changed_event(
            connection=connections[connection_id],
            actor=actor,
            business_id=tag.business_id,
            old=sorted(old),
            new=sorted(t for t in old if t != tag_id),
        )
