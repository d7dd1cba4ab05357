"""What payables answers when an app below it asks (connected in ``apps.py``)."""

from django.db.models import QuerySet

from payables import events
from payables.models import Payable, PayableAttachment


def attachment_file_ids(sender, *, business_ids: list[str], **kwargs) -> QuerySet:
    """``files.signals.shared_file_ids``: files attached to a payable these businesses may see
    (``Payable.objects.seen_by``: the payer not before submission)."""
    return PayableAttachment.objects.filter(
        payable__in=Payable.objects.seen_by(business_ids).values("pk")
    ).values("file_id")


def approval_reminded(sender, *, payable_id: str, note: str, **kwargs) -> None:
    """``approvals.signals.approval_reminded``: the reminder goes on the payer's timeline,
    under the payable's lock (which orders the event's position)."""
    payable = Payable.objects.select_for_update(of=("self",)).get(pk=payable_id)
    events.payable_approval_reminded_event(payable=payable, note=note)
