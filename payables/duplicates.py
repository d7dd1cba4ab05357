"""
Possible duplicates: the payer's warning that a bill may repeat one it already has.

A submitted payable is flagged, for the payer only, when another payable of the same
connection that the payer has (submitted, not cancelled) matches it by one of three rules:

- ``invoice_number``: the numbers share their letters and digits once case, punctuation and
  leading zeros are set aside (``INV-0042`` and ``inv 42``: ``duplicate_number_key``), where the
  unique constraint only refuses numbers a person reads as the same;
- ``amount_and_due_date``: the same amount and due date as one submitted in the last 90 days;
- ``attachment``: an attachment with the same content (SHA-256) as one of the other's.

The warning is found at each submission, under the payable's lock, and stored with it
(``Payable.possible_duplicates``), so a list shows the flag without a query per row; the payer's
reviewer clears it ("not a duplicate", an event records who). Each rule is an index range:
``payable_duplicate_key_idx`` and ``payable_duplicate_amount_idx``, and the attachments' files.
"""

from datetime import timedelta

from django.utils import timezone

from payables.models import Payable, PayableAttachment, PayableStatus

RECENT_DAYS = 90


class Reason:
    INVOICE_NUMBER = "invoice_number"
    AMOUNT_AND_DUE_DATE = "amount_and_due_date"
    ATTACHMENT = "attachment"


def _others(payable: Payable):
    """The connection's other payables the payer has: submitted, not cancelled."""
    return (
        Payable.objects.filter(connection_id=payable.connection_id, submitted_at__isnull=False)
        .exclude(pk=payable.pk)
        .exclude(status=PayableStatus.CANCELLED)
    )


def possible_duplicates(payable: Payable) -> list[dict]:
    """``[{"payableId", "invoiceNumber", "reason"}]``: each other bill ``payable`` may repeat,
    once per rule it matches, oldest first (three queries at most, each an index range)."""
    found: list[tuple] = []
    others = _others(payable).order_by("created_at", "id")
    if payable.duplicate_key:
        for row in others.filter(duplicate_key=payable.duplicate_key).values_list(
            "id", "invoice_number", "created_at"
        )[:20]:
            found.append((*row, Reason.INVOICE_NUMBER))
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    for row in others.filter(
        amount=payable.amount, due_date=payable.due_date, submitted_at__gte=since
    ).values_list("id", "invoice_number", "created_at")[:20]:
        found.append((*row, Reason.AMOUNT_AND_DUE_DATE))
    hashes = list(
        PayableAttachment.objects.filter(payable=payable)
        .exclude(file__sha256="")
        .values_list("file__sha256", flat=True)
    )
    if hashes:
        for row in (
            others.filter(attachment_links__file__sha256__in=hashes)
            .distinct()
            .values_list("id", "invoice_number", "created_at")[:20]
        ):
            found.append((*row, Reason.ATTACHMENT))
    found.sort(key=lambda row: (row[2], row[0]))
    return [
        {"payableId": pk, "invoiceNumber": number, "reason": reason}
        for pk, number, _created, reason in found
    ]
