from django.db.models import QuerySet

from credits.models import Credit


def credit_sides(*, business_id: str) -> list[QuerySet[Credit]]:
    """A business's credits, issued and received: two disjoint index ranges in the list's order."""
    return [
        Credit.objects.filter(payee_id=business_id).order_by("-created_at", "-id"),
        Credit.objects.filter(payer_id=business_id).order_by("-created_at", "-id"),
    ]


def credit_list(*, business_id: str) -> QuerySet[Credit]:
    issued, received = credit_sides(business_id=business_id)
    return (issued | received).order_by("-created_at", "-id")
