"""
Writes of payables, by concern: ``drafting`` (create, edit, tags; ``contents`` holds what they
write), ``lifecycle`` (submit, the review, schedule, cancel), ``paying`` (pay, and the claim,
transfer and settle steps); ``base`` holds the shared lock and checks. Every public name is
imported here, so callers write ``services.payable_create(...)``.

Each service is one transaction that, in this order:

1. locks the payable (``select_for_update(of=("self",))``) through a query scoped to the
   caller's businesses, so another business's payable, or a payer's view of a draft, is a 404;
2. checks the side and the capability (``accounts.permissions``): 403 when the caller may see
   the payable but not act on it this way;
3. checks that the status allows the action with ``can_proceed``: 409 naming the status;
4. runs the fsm transition, ``save(update_fields=...)``, writes the event (``payables.events``);
5. notifies the people concerned (``notifications.services``): the in-app rows are written in
   the transaction, their e-mails are published after the commit.

The payer's review is the approvals app's (``approvals.review``): it routes a submission to a
workflow (or automatic approval, or manual review), records each approval and decline on the
current step and says when the review is complete; these services keep the transaction, the
payable's lock and its fsm transition. Custom field values are checked against the payer's
definitions on every write (types) and on submit (required fields too).

Lock order, always: connection (creation only) → payable → its approval rows / its payments.
Nothing here locks a payment or an approval row without holding its payable's lock first, so no
two services can deadlock.

Paying is three steps, so that no row lock is held while money moves: claim the payment
(``pending`` → ``processing``, committed), ask the rail for the transfer (idempotent per
payment ID), settle (``completed`` + payable ``PAID``, or ``failed`` + payable back to
``APPROVED``). Each step re-reads under lock, so a repeat, a second worker or a user's click
beside the sweep finds the work done and does nothing: a payable is paid once.
"""

from payables.querysets import PAYEE, PAYER  # noqa: F401
from payables.services.base import INVOICE_NUMBER_CONSTRAINT  # noqa: F401
from payables.services.drafting import (  # noqa: F401
    payable_create,
    payable_defaults,
    payable_set_tags,
    payable_update,
)
from payables.services.lifecycle import (  # noqa: F401
    payable_approve,
    payable_cancel,
    payable_decline,
    payable_not_duplicate,
    payable_schedule,
    payable_submit,
    payable_unschedule,
)
from payables.services.paying import (  # noqa: F401
    payable_pay,
    payment_execute,
    payments_claim_due,
    payments_stalled,
)
