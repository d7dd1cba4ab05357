"""The payables' vocabulary for reads: who sees what, which side, what awaits whom."""

from django.db import models
from django.db.models import Q


class PayableQuerySet(models.QuerySet):
    def visible_to(self, business_ids) -> "PayableQuerySet":
        """Payables any of ``business_ids`` may see: all of a payee's, a payer's once submitted."""
        business_ids = list(business_ids)
        return self.filter(
            Q(payee_id__in=business_ids) | Q(payer_id__in=business_ids, submitted_at__isnull=False)
        )

    def outgoing(self, business_id: str) -> "PayableQuerySet":
        """Invoices ``business_id`` sends (it is the payee), drafts included."""
        return self.filter(payee_id=business_id)

    def incoming(self, business_id: str) -> "PayableQuerySet":
        """Bills ``business_id`` receives (it is the payer); never a draft."""
        return self.filter(payer_id=business_id, submitted_at__isnull=False)

    def for_business(self, business_id: str) -> "PayableQuerySet":
        """Both directions, as ``business_id`` sees them."""
        return self.filter(
            Q(payee_id=business_id) | Q(payer_id=business_id, submitted_at__isnull=False)
        )

    def awaiting_approval_by(self, user, business_id: str) -> "PayableQuerySet":
        """Incoming payables under review that ``user`` may approve for ``business_id``.

        Under manual review any member with the APPROVE capability may; a person who created or
        submitted the invoice never may (they also belong to the payee).
        """
        from accounts.permissions import Capability, role_allows, roles_of
        from payables.models import PayableStatus

        if not role_allows(roles_of(user).get(business_id), Capability.APPROVE):
            return self.none()
        return (
            self.incoming(business_id)
            .filter(status=PayableStatus.SUBMITTED)
            .exclude(created_by=user)
            .exclude(submitted_by=user)
        )


PayableManager = models.Manager.from_queryset(PayableQuerySet)
