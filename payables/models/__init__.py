"""
Payables: invoices one business sends another over a connection, and the payments that settle them.

A ``Payable`` belongs to one active ``Connection``. Its payee (the sender) and payer are copied
from the connection when it is created, so every list is an index seek on the caller's own
column and tenancy never needs a join. The payee writes it (``DRAFT``) and submits it; the
payer's team reviews it (approve or decline), schedules and pays it. ``status`` is a protected
fsm field: it changes only through the transitions below, whose bodies set fields and stamp
times and do nothing else. ``payables.services`` does the rest in one transaction: lock, check
who acts and whether the status allows it, transition, save, record the event, and register
side effects (e-mail) for after the commit.

Lock order, everywhere: the connection (only when creating), then the payable, then its
payments. The sweep of due payments locks payables with SKIP LOCKED, so it never waits on a
user's click and never deadlocks with one.

Visibility: the payee sees all its payables. The payer sees a payable once it has been
submitted (``submitted_at`` is set then and never cleared), so drafts, and drafts cancelled
before they were sent, stay the payee's own.

Money: ``amount`` is ``numeric(12,2)`` and positive (a CheckConstraint as well as validation).
With line items it equals the sum of their totals; a line's total is quantity x unit price
rounded half-up to the cent, and a quantity has at most four decimals (``12.5``, ``0.3333``).

Payments: one ``Payment`` row per attempt to pay (scheduled or immediate), for the whole amount
due or a part of it, by ACH through the configured rail or recorded as paid outside Cleo Pay
(check, wire, card, other; completed at once). The database holds at most one open
(``pending``/``processing``) payment per payable, whatever the clients and workers do at the
same time. ``amount_paid`` (completed payments) and ``amount_credited`` (applied credits) are
recounted under the payable's row lock each time one of them changes; check constraints keep
their sum within ``amount``, and equal to it exactly when the payable is ``PAID``. Money moves
through a payment rail (``payables.rails``); the built-in ledger rail records a
``LedgerTransfer``.

Timeline: ``PayableEvent`` rows are append-only, written in the transaction of the change they
record; on PostgreSQL a trigger refuses UPDATE and DELETE on them.

Tags are per side, like connection tags: a ``Tag`` belongs to one business, so each side
labels a payable with its own tags and sees only those.
"""

from approvals.models import ApprovalStatus  # noqa: F401 - its home is approvals
from payables.models.payable import (  # noqa: F401
    EDITABLE_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    QUANTITY_DECIMAL_PLACES,
    QUANTITY_MAX_DIGITS,
    LineItem,
    Payable,
    PayableAttachment,
    PayableStatus,
    PayableTag,
    S,
)
from payables.models.payments import (  # noqa: F401
    BANK_FILE_RAIL,
    OPEN_PAYMENT_STATUSES,
    OUTSIDE_METHODS,
    OUTSIDE_RAIL,
    LedgerTransfer,
    P,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from payables.models.timeline import (  # noqa: F401
    EVENT_VISIBILITY,
    EventType,
    EventVisibility,
    PayableEvent,
    PayableEventQuerySet,
)
