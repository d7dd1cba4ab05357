"""What payables answers when an app below it asks (connected in ``apps.py``)."""

from django.db.models import QuerySet

from payables.models import Payable, PayableAttachment


def attachment_file_ids(sender, *, business_ids: list[str], **kwargs) -> QuerySet:
    """``files.signals.shared_file_ids``: files attached to a payable these businesses may see
    (``Payable.objects.seen_by``: the payer not before submission)."""
    return PayableAttachment.objects.filter(
        payable__in=Payable.objects.seen_by(business_ids).values("pk")
    ).values("file_id")
