from django.db.models import QuerySet

from credits.models import Credit, CreditStatus
from payables.models import Payable, PayableStatus


def credit_sides(*, business_id: str) -> list[QuerySet[Credit]]:
    """A business's credits, issued and received: two disjoint index ranges in the list's order."""
    return [
        Credit.objects.filter(payee_id=business_id).order_by("-created_at", "-id"),
        Credit.objects.filter(payer_id=business_id).order_by("-created_at", "-id"),
    ]


def credit_list(*, business_id: str) -> QuerySet[Credit]:
    issued, received = credit_sides(business_id=business_id)
    return (issued | received).order_by("-created_at", "-id")


def credit_open_for(*, connection_id: str) -> QuerySet[Credit]:
    """The open credits of a connection, oldest first: what its payer may apply."""
    return Credit.objects.filter(connection_id=connection_id, status=CreditStatus.OPEN).order_by(
        "created_at", "id"
    )


def payable_of_payer(*, business_id: str, payable_id: str) -> Payable | None:
    """A payable ``business_id`` pays (submitted: the payer never sees a draft), or None."""
    return (
        Payable.objects.select_related("payee")
        .filter(pk=payable_id, payer_id=business_id)
        .exclude(status=PayableStatus.DRAFT)
        .first()
    )
