"""
Payment rails: the one place money moves.

A rail has a ``name`` and one method, ``transfer``. ``payment_id`` is the idempotency key: a
rail asked twice for the same payment (two workers, a retry after a crash, a click beside the
sweep) must move the money once and answer the same reference both times. A rail that refuses
the transfer raises ``TransferFailed`` with a reason a person can read; any other exception means
"outcome unknown": the payment stays ``processing`` and the sweep asks again later.

``settings.PAYMENT_RAIL`` names the class (default: the built-in ``LedgerRail``, which records
the transfer in the database). Rails are called outside any database transaction of the
payment services, never while a payable's row is locked by them.
"""

import secrets
import string
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string


class TransferFailed(Exception):
    """The rail refused the transfer; ``reason`` is shown to both sides."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PaymentRail(Protocol):
    name: str

    def transfer(
        self,
        *,
        payment_id: str,
        amount: Decimal,
        payer_business_id: str,
        payee_business_id: str,
    ) -> str:
        """Move ``amount`` from payer to payee once per ``payment_id``; return the reference."""
        ...


def _reference() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "LDG-" + "".join(secrets.choice(alphabet) for _ in range(16))


# The transfer, once per payment: the no-op update on a conflict makes RETURNING answer the row
# recorded before (and locks it), so a repeat or a concurrent caller gets the same reference.
RECORD_TRANSFER = """
INSERT INTO payables_ledgertransfer (payment_id, payer_id, payee_id, amount, reference, created_at)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (payment_id) DO UPDATE SET payment_id = EXCLUDED.payment_id
RETURNING reference
"""


class LedgerRail:
    """Records each transfer as a ``LedgerTransfer`` row, unique per payment."""

    name = "ledger"

    def transfer(
        self,
        *,
        payment_id: str,
        amount: Decimal,
        payer_business_id: str,
        payee_business_id: str,
    ) -> str:
        from payables.models import LedgerTransfer

        field = LedgerTransfer._meta.get_field
        with connection.cursor() as cursor:
            cursor.execute(
                RECORD_TRANSFER,
                [
                    payment_id,
                    payer_business_id,
                    payee_business_id,
                    field("amount").get_db_prep_save(amount, connection),
                    _reference(),
                    field("created_at").get_db_prep_save(timezone.now(), connection),
                ],
            )
            return cursor.fetchone()[0]


def get_rail() -> PaymentRail:
    return import_string(settings.PAYMENT_RAIL)()
