"""
Possible duplicates: the payer's warning that a bill may repeat one it already has.

A submitted payable is flagged, for the payer only, when another payable of the same
connection that the payer has (submitted, not cancelled) matches it by one of three rules:

- ``invoice_number``: the numbers share their letters and digits once case, punctuation and
  leading zeros are set aside (``INV-0042`` and ``inv 42``: ``duplicate_number_key``), where the
  unique constraint only refuses numbers a person reads as the same;
- ``amount_and_due_date``: the same amount and due date as one submitted in the last 90 days;
- ``attachment``: an attachment with the same content (SHA-256) as one of the other's
  (the files app keeps each file's hash).

The warning is found at each submission, under the payable's lock, and stored with it
(``Payable.possible_duplicates``), so a list shows the flag without a query per row; the payer's
reviewer clears it ("not a duplicate", an event records who). Each rule is an index range:
``payable_duplicate_key_idx`` and ``payable_duplicate_amount_idx``, and the attachments' files.
"""

from datetime import timedelta

from django.db.models import Q, Subquery
from django.utils import timezone

from cleopay.core.invoice_numbers import duplicate_number_key
from payables.models import Payable, PayableAttachment, PayableStatus

RECENT_DAYS = 90
# Other bills named at most, per query (a warning, not a report).
LIMIT = 20


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


def possible_duplicates(payable: Payable, *, hashes: list[str] | None = None) -> list[dict]:
    """``[{"payableId", "invoiceNumber", "reason"}]``: each other bill ``payable`` may repeat,
    once per rule it matches, oldest first. Two queries, whatever the connection holds: the
    number and the amount rules in one (an OR of two index ranges), the attachments' in the
    other (its files' hashes in a subquery). ``hashes``: its attachments' hashes, when the
    caller has them in hand (a payable not inserted yet); none, no second query."""
    others = _others(payable).order_by("created_at", "id")
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    # From the number, not the stored key: a payable created and submitted is not saved yet.
    duplicate_key = duplicate_number_key(payable.invoice_number)
    same_number = Q(duplicate_key=duplicate_key) if duplicate_key else Q(pk=None)
    same_amount = Q(amount=payable.amount, due_date=payable.due_date, submitted_at__gte=since)
    found: list[tuple] = []
    for pk, number, key, amount, due, submitted, created in others.filter(
        same_number | same_amount
    ).values_list(
        "id", "invoice_number", "duplicate_key", "amount", "due_date", "submitted_at", "created_at"
    )[:LIMIT]:
        if duplicate_key and key == duplicate_key:
            found.append((created, pk, number, Reason.INVOICE_NUMBER))
        if amount == payable.amount and due == payable.due_date and submitted >= since:
            found.append((created, pk, number, Reason.AMOUNT_AND_DUE_DATE))
    if hashes is None:
        same_files = Subquery(
            PayableAttachment.objects.filter(payable_id=payable.pk)
            .exclude(file__sha256="")
            .values("file__sha256")
        )
    else:
        same_files = [h for h in hashes if h] or None
    for pk, number, created in (
        others.filter(attachment_links__file__sha256__in=same_files)
        .distinct()
        .values_list("id", "invoice_number", "created_at")[:LIMIT]
        if same_files is not None
        else ()
    ):
        found.append((created, pk, number, Reason.ATTACHMENT))
    found.sort(key=lambda row: (row[0], row[1]))
    return [
        {"payableId": pk, "invoiceNumber": number, "reason": reason}
        for _created, pk, number, reason in found
    ]
