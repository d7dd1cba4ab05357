"""Helpers shared by the payables tests."""

import datetime

from payables.models import Payable, PayableStatus
from tests import factories


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def make_payable(parties, status: str = PayableStatus.DRAFT, **fields) -> Payable:
    """A payable of ``parties`` in ``status``, created by the payee's owner; a SCHEDULED one has
    its pending payment a week ahead, as after a real scheduling."""
    fields.setdefault("created_by", parties.payee_owner)
    if status != PayableStatus.DRAFT:
        fields.setdefault("submitted_by", parties.payee_owner)
    payable = factories.PayableFactory(connection=parties.connection, status=status, **fields)
    if status == PayableStatus.SCHEDULED:
        factories.PaymentFactory(
            payable=payable, scheduled_for=today() + datetime.timedelta(days=7)
        )
    return payable


def snapshot(payable: Payable) -> tuple:
    """What must not move when a request is refused."""
    payable = Payable.objects.get(pk=payable.pk)
    return (
        payable.status,
        payable.updated_at,
        payable.memo,
        payable.events.count(),
        tuple(payable.payments.order_by("created_at").values_list("id", "status")),
    )


def error_fields(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}
