"""Reads of files: who may download one."""

from django.db.models import Q
from rest_framework.exceptions import NotFound

from accounts.permissions import roles_of
from cleopay.core import ids
from cleopay.core.expressions import AnyOf
from files.models import File


def file_get(*, user, file_id: str) -> File:
    """A file the caller may read: their business uploaded it, or it is attached to a payable one
    of their businesses may see (the payer not before submission). Any other is a 404."""
    from payables.models import Payable, PayableAttachment

    if not ids.is_public_id(file_id, "file"):
        raise NotFound("Not found.")
    business_ids = list(roles_of(user).keys())
    on_visible_payable = PayableAttachment.objects.filter(
        payable__in=Payable.objects.seen_by(business_ids).values("pk")
    ).values("file_id")
    record = (
        File.objects.filter(pk=file_id)
        .filter(Q(AnyOf("business_id", business_ids)) | Q(pk__in=on_visible_payable))
        .first()
    )
    if record is None:
        raise NotFound("Not found.")
    return record


def file_list(*, business_id: str, file_ids: list[str]) -> list[File]:
    """Files ``business_id`` uploaded among ``file_ids``, in the order given (others left out)."""
    wanted = [file_id for file_id in dict.fromkeys(file_ids) if ids.is_public_id(file_id, "file")]
    if not wanted:
        return []
    found = {f.pk: f for f in File.objects.filter(business_id=business_id, pk__in=wanted)}
    return [found[file_id] for file_id in wanted if file_id in found]
