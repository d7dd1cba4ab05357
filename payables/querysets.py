"""The payables' vocabulary for reads: who sees what, which side, what awaits whom."""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cleopay.core.expressions import AnyOf
from cleopay.core.invoice_numbers import duplicate_number_key, invoice_number_key

# What is still due on a payable: its amount less completed payments and applied credits.
AMOUNT_DUE = F("amount") - F("amount_paid") - F("amount_credited")
MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)
# A failed payment asks for a new attempt while its bill is still approved, for this long.
FAILED_PAYMENT_DAYS = 30


def end_of(day: datetime.date) -> datetime.datetime:
    """The first instant (UTC) after ``day``: what happened before it happened on or by ``day``."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, datetime.UTC
    )


class PayableQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As ``Payable.save()`` does, each number's comparison keys are written with it (the
        unique constraint per connection is on the key; possible duplicates on the other)."""
        objs = list(objs)
        for payable in objs:
            payable.invoice_key = invoice_number_key(payable.invoice_number)
            payable.duplicate_key = duplicate_number_key(payable.invoice_number)
        return super().bulk_create(objs, *args, **kwargs)

    def seen_by(self, business_ids) -> "PayableQuerySet":
        """Payables ``business_ids`` (one business ID, or several) see: all of a payee's, a
        payer's once submitted. The one spelling of "which side views this payable" for reads;
        ``side_of`` names the side one business views a payable from."""
        if isinstance(business_ids, str):
            return self.filter(
                Q(payee_id=business_ids) | Q(payer_id=business_ids, submitted_at__isnull=False)
            )
        return self.filter(
            Q(AnyOf("payee_id", business_ids))
            | (Q(AnyOf("payer_id", business_ids)) & Q(submitted_at__isnull=False))
        )

    def outgoing(self, business_id: str) -> "PayableQuerySet":
        """Invoices ``business_id`` sends (it is the payee), drafts included."""
        return self.filter(payee_id=business_id)

    def incoming(self, business_id: str) -> "PayableQuerySet":
        """Bills ``business_id`` receives (it is the payer); never a draft."""
        return self.filter(payer_id=business_id, submitted_at__isnull=False)

    def owed_on(self, day: datetime.date, *, today: datetime.date) -> "PayableQuerySet":
        """Those still to be paid at the end of ``day``, each annotated with ``owed``: what was
        due on it then. The one predicate of the aging reports and of the lists' ``asOf``.

        From ``today`` on, the open ones (submitted, approved, scheduled) for their
        ``amountDue``. For a day in the past, those submitted by then and not yet paid,
        cancelled or declined, for what was due then (payments completed and credits applied
        after that day added back).
        """
        from payables.models import OPEN_STATUSES, PayableStatus, Payment, PaymentStatus

        if day >= today:
            return self.filter(status__in=OPEN_STATUSES).annotate(owed=AMOUNT_DUE)
        end = end_of(day)
        paid_since = (
            Payment.objects.filter(
                payable=OuterRef("pk"), status=PaymentStatus.COMPLETED, completed_at__gte=end
            )
            .order_by()
            .values("payable")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        # Credits are an app built on payables: their applications are read through the
        # relation they declare, never by importing them.
        credited_since = (
            type(self)(self.model)
            .filter(pk=OuterRef("pk"), credit_applications__created_at__gte=end)
            .order_by()
            .values("pk")
            .annotate(total=Sum("credit_applications__amount"))
            .values("total")
        )
        open_then = Q(status__in=OPEN_STATUSES)
        for status, closed_at in (
            (PayableStatus.PAID, "paid_at"),
            (PayableStatus.CANCELLED, "cancelled_at"),
            (PayableStatus.DECLINED, "declined_at"),
        ):
            open_then |= Q(status=status, **{f"{closed_at}__gte": end})
        zero = Value(Decimal("0.00"))
        return (
            self.filter(open_then, submitted_at__lt=end)
            .annotate(
                owed=AMOUNT_DUE
                + Coalesce(Subquery(paid_since, output_field=MONEY_SUM), zero)
                + Coalesce(Subquery(credited_since, output_field=MONEY_SUM), zero)
            )
            .filter(owed__gt=0)
        )

    def payment_failed_since(self, day: datetime.date) -> "PayableQuerySet":
        """Approved (still to pay, nothing on its way) with a payment that failed on ``day`` or
        later: the bills to pay again."""
        from payables.models import PayableStatus, Payment, PaymentStatus

        failed = Payment.objects.filter(
            payable=OuterRef("pk"), status=PaymentStatus.FAILED, failed_at__date__gte=day
        )
        return self.filter(status=PayableStatus.APPROVED).filter(Exists(failed))

    def scheduled_between(
        self, after: datetime.date | None, before: datetime.date | None
    ) -> "PayableQuerySet":
        """With a pending payment dated from ``after`` to ``before`` (both inclusive, either
        open), each annotated with ``scheduled``: that payment's amount (a payable has at most
        one payment on its way)."""
        from payables.models import Payment, PaymentStatus

        pending = Payment.objects.filter(payable=OuterRef("pk"), status=PaymentStatus.PENDING)
        if after is not None:
            pending = pending.filter(scheduled_for__gte=after)
        if before is not None:
            pending = pending.filter(scheduled_for__lte=before)
        return self.filter(Exists(pending)).annotate(
            scheduled=Subquery(pending.values("amount")[:1], output_field=MONEY_SUM)
        )

    def awaiting_approval_by(self, user, business_id: str) -> "PayableQuerySet":
        """Incoming payables under review whose current step ``user`` may approve now.

        Under manual review: any owner, admin or approver of ``business_id``. Under a workflow:
        the current step names the user, or the user's role (``ApprovalAssignment`` rows, copied
        from the frozen snapshot). Also those a delegator of ``user`` (an active delegation of
        ``approvals.delegation``, both still approving) may approve and has not approved. Never
        a payable the user created or submitted, nor one they approved in this round, for
        themselves or through a delegate. One query, whatever the number of payables.
        """
        from accounts.models import Membership
        from accounts.permissions import Capability, role_allows, roles_of
        from approvals.delegation import active
        from approvals.models import (
            Approval,
            ApprovalAssignment,
            ApprovalDecision,
            ApprovalRequestStatus,
            Delegation,
        )
        from approvals.routing import APPROVING_ROLES
        from payables.models import ApprovalStatus, PayableStatus

        role = roles_of(user).get(business_id)
        if not role_allows(role, Capability.APPROVE):
            return self.none()
        current_step_names_me = ApprovalAssignment.objects.filter(
            request__payable=OuterRef("pk"),
            request__status=ApprovalRequestStatus.PENDING,
            position=F("request__current_step"),
        ).filter(Q(user=user) | Q(role=role))
        approved_already = Approval.objects.filter(
            request__payable=OuterRef("pk"),
            request__status=ApprovalRequestStatus.PENDING,
            decision=ApprovalDecision.APPROVED,
        ).filter(Q(user=user) | Q(on_behalf_of=user))
        mine = Q(approval_status=ApprovalStatus.MANUAL_REVIEW) | (
            Q(approval_status=ApprovalStatus.PENDING) & Exists(current_step_names_me)
        )

        # The memberships of those whose approvals ``user`` holds today, each a delegator the
        # payable still waits for: not one of its authors, not done in this round.
        delegators = active(
            Delegation.objects.filter(business_id=business_id, to_user=user)
        ).values("from_user_id")
        current_step_names_them = ApprovalAssignment.objects.filter(
            request__payable=OuterRef(OuterRef("pk")),
            request__status=ApprovalRequestStatus.PENDING,
            position=F("request__current_step"),
        ).filter(Q(user_id=OuterRef("user_id")) | Q(role=OuterRef("role")))
        they_approved = Approval.objects.filter(
            request__payable=OuterRef(OuterRef("pk")),
            request__status=ApprovalRequestStatus.PENDING,
            decision=ApprovalDecision.APPROVED,
        ).filter(Q(user_id=OuterRef("user_id")) | Q(on_behalf_of_id=OuterRef("user_id")))
        waiting_delegators = (
            Membership.objects.filter(
                business_id=business_id, role__in=APPROVING_ROLES, user_id__in=delegators
            )
            .exclude(user_id=Coalesce(OuterRef("created_by_id"), Value("")))
            .exclude(user_id=Coalesce(OuterRef("submitted_by_id"), Value("")))
            .exclude(Exists(they_approved))
        )
        theirs = (Q(approval_status=ApprovalStatus.MANUAL_REVIEW) & Exists(waiting_delegators)) | (
            Q(approval_status=ApprovalStatus.PENDING)
            & Exists(waiting_delegators.filter(Exists(current_step_names_them)))
        )
        return (
            self.incoming(business_id)
            .filter(status=PayableStatus.SUBMITTED)
            .exclude(created_by=user)
            .exclude(submitted_by=user)
            .filter(mine | theirs)
            .exclude(Exists(approved_already))
        )


PAYEE, PAYER = "payee", "payer"


def side_of(payable, business_id: str) -> str | None:
    """The side ``business_id`` views ``payable`` from (anything with ``payee_id``, ``payer_id``
    and ``submitted_at``): ``"payee"``, ``"payer"`` (once the payable
    is submitted), or None when it does not see it (as ``PayableQuerySet.seen_by`` says)."""
    if business_id == payable.payee_id:
        return PAYEE
    if business_id == payable.payer_id and payable.submitted_at is not None:
        return PAYER
    return None


def viewer_of(payable, business_ids, *, prefer: str | None = None) -> tuple[str, str] | None:
    """(side, business) ``payable`` is seen from among ``business_ids`` (the caller's): ``prefer``
    when given, else the payee's before the payer's, each by ``side_of``; None when none sees it."""
    for business_id in (prefer,) if prefer else (payable.payee_id, payable.payer_id):
        side = side_of(payable, business_id) if business_id in business_ids else None
        if side is not None:
            return side, business_id
    return None


PayableManager = models.Manager.from_queryset(PayableQuerySet)
