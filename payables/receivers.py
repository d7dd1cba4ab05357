"""What payables answers when an app below it asks (connected in ``apps.py``)."""

from django.db.models import Q, QuerySet

from cleopay.core.expressions import AnyOf
from payables.models import PayableAttachment


def attachment_file_ids(sender, *, business_ids: list[str], **kwargs) -> QuerySet:
    """``files.signals.shared_file_ids``: files attached to a payable these businesses may see
    (the payer not before submission)."""
    return PayableAttachment.objects.filter(
        Q(AnyOf("payable__payee_id", business_ids))
        | (Q(AnyOf("payable__payer_id", business_ids)) & Q(payable__submitted_at__isnull=False))
    ).values("file_id")
