"""
Payment runs: a payer's payables scheduled together for one date (docs/api/banking.md).

A run is **one transaction**: every payable is scheduled through ``payables.services``'
``payable_schedule`` (the same checks, lock, transition, event and notification as scheduling
one by one), and the first refusal rolls the whole run back, answered 400/409/403 naming
``payableIds[i]``. A run is one total the payer decided on and one file for the bank: a run
that quietly left out a refused bill would pay a total nobody asked for. (The bulk endpoint,
``payables/bulk``, is the per-item alternative.)

Payables are scheduled in ID order, the one lock order, so two runs over overlapping payables
wait for each other instead of deadlocking; the second finds them SCHEDULED and is refused.

``settings.PAYMENT_RUN_SETTLEMENT`` says how a new run's payments complete: ``rail`` (the
configured payment rail on the run's date, like any scheduled payment) or ``bank_file`` (the
payer uploads the NACHA file; the payments carry ``BANK_FILE_RAIL``, the sweep leaves them,
and they complete when the run is marked sent). Marking sent locks the run, then each payable
in ID order, then its payment.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django_fsm import can_proceed
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError

from accounts.permissions import Capability, require, roles_of
from banking import crypto, nacha
from banking.models import (
    AccountPurpose,
    BankAccount,
    BankAccountStatus,
    PaymentAccounts,
    PaymentRun,
    PaymentRunItem,
    RunSettlement,
)
from cleopay.core import ids, sorting
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition, field_error
from cleopay.core.money import quantize
from payables import payments
from payables import services as payable_services
from payables.models import BANK_FILE_RAIL, Payable, PayableStatus, Payment, PaymentStatus


def _funding_account(*, business_id: str, funding_account_id: str | None) -> BankAccount | None:
    if funding_account_id is None:
        return BankAccount.objects.default_for(business_id, AccountPurpose.PAYING)
    account = BankAccount.objects.of_business(business_id).filter(pk=funding_account_id).first()
    if account is None:
        raise field_error("fundingAccountId", "No bank account with this ID in this business.")
    if account.status != BankAccountStatus.VERIFIED:
        raise field_error("fundingAccountId", "This bank account is not verified.")
    return account


def _item_error(exc: APIException, *, index: int, payable_id: str) -> APIException:
    """The refusal of one payable, re-raised naming ``payableIds[index]``."""
    field = f"payableIds[{index}]"
    if isinstance(exc, ValidationError):
        messages = [e for value in _messages(exc.detail) for e in value]
        return field_error(field, f"{payable_id}: " + " ".join(messages))
    message = f"{payable_id}: {exc.detail}"
    if isinstance(exc, Conflict):
        return Conflict(
            message,
            code=exc.conflict_code,
            **{**exc.extra, "field": field, "payableId": payable_id},
        )
    if isinstance(exc, PermissionDenied):
        return PermissionDenied(message)
    return exc


def _messages(detail) -> list[list[str]]:
    if isinstance(detail, dict):
        return [[str(m) for m in (v if isinstance(v, list) else [v])] for v in detail.values()]
    return [[str(m) for m in detail]] if isinstance(detail, list) else [[str(detail)]]


@transaction.atomic
def payment_run_create(
    *,
    business_id: str,
    actor,
    payable_ids: list[str],
    on: datetime.date,
    funding_account_id: str | None = None,
) -> PaymentRun:
    """Schedule ``payable_ids`` (payables of the payer ``business_id``) for ``on``, together."""
    require(actor, business_id, Capability.PAY)
    if len(set(payable_ids)) != len(payable_ids):
        raise field_error("payableIds", "Each payable may appear once.")
    funding = _funding_account(business_id=business_id, funding_account_id=funding_account_id)
    settlement = settings.PAYMENT_RUN_SETTLEMENT
    if settlement == RunSettlement.BANK_FILE and funding is None:
        raise field_error(
            "fundingAccountId",
            "A run paid by bank file needs a verified bank account of the payer to pay from.",
        )
    own = set(
        Payable.objects.filter(pk__in=payable_ids, payer_id=business_id)
        .exclude(status=PayableStatus.DRAFT)  # the payer never sees a draft
        .values_list("pk", flat=True)
    )
    for index, payable_id in enumerate(payable_ids):
        if payable_id not in own:
            # Another business's payable, or none: the same answer (its existence is not ours).
            raise field_error(
                f"payableIds[{index}]", f"{payable_id}: no payable of this business has this ID."
            )
    receiving: dict[str, BankAccount | None] = {}
    scheduled: list[tuple[int, Payment, str]] = []
    for index, payable_id in sorted(enumerate(payable_ids), key=lambda pair: pair[1]):
        try:
            payable = payable_services.payable_schedule(payable_id=payable_id, actor=actor, on=on)
        except APIException as exc:
            raise _item_error(exc, index=index, payable_id=payable_id) from exc
        if payable.payee_id not in receiving:
            receiving[payable.payee_id] = BankAccount.objects.default_for(
                payable.payee_id, AccountPurpose.RECEIVING
            )
        if settlement == RunSettlement.BANK_FILE and receiving[payable.payee_id] is None:
            raise field_error(
                f"payableIds[{index}]",
                f"{payable_id}: {payable.payee.name} has no verified bank account for receiving.",
            )
        payment = Payment.objects.get(payable=payable, status=PaymentStatus.PENDING)
        if settlement == RunSettlement.BANK_FILE:
            Payment.objects.filter(pk=payment.pk).update(rail=BANK_FILE_RAIL)
        scheduled.append((index, payment, payable.payee_id))
    scheduled.sort(key=lambda pair: pair[0])  # the items in the order the payer listed them
    run = PaymentRun.objects.create(
        payer_id=business_id,
        scheduled_for=on,
        total=sum((payment.amount for _, payment, _ in scheduled), Decimal("0")),
        settlement=settlement,
        funding_account=funding,
        created_by=actor,
    )
    PaymentRunItem.objects.bulk_create(
        PaymentRunItem(
            run=run,
            payable_id=payment.payable_id,
            payment=payment,
            amount=payment.amount,
            receiving_account=receiving[payee_id],
        )
        for _, payment, payee_id in scheduled
    )
    for _, payment, payee_id in scheduled:
        # The run's choices are what its payments name (its funding account may not be the
        # payer's default).
        if funding is not None or receiving[payee_id] is not None:
            PaymentAccounts.objects.update_or_create(
                payment=payment,
                defaults={"funding_account": funding, "receiving_account": receiving[payee_id]},
            )
    return run


def payment_run_list(*, business_id: str, status: str | None = None):
    """The business's runs (of ``status`` when given), newest first, each with its bill count."""
    runs = PaymentRun.objects.filter(payer_id=business_id)
    if status:
        runs = runs.filter(status=status)
    return (
        runs.select_related("funding_account")
        .annotate(item_count=Count("items"))
        .order_by("-created_at", "-id")
    )


# The orders the runs page may be sorted in (``cleopay.core.sorting``), by the column of each.
RUN_SORTS = {
    "date": "scheduled_for",
    "total": "total",
    "bills": "item_count",
    "created": "created_at",
}
RUN_DEFAULT_SORT = "-created"


def payment_runs_sorted(queryset, sort: str):
    """``queryset`` (``payment_run_list``) in the order ``sort`` names, else newest first."""
    sort = sorting.sort_key(sort, RUN_SORTS, RUN_DEFAULT_SORT)
    return sorting.sorted_by(queryset, sort, RUN_SORTS)


def payment_run_totals(queryset) -> dict:
    """How many runs ``queryset`` (``payment_run_list``) holds, and their bills and amount, in
    one query."""
    totals = queryset.order_by().aggregate(
        count=Count("pk"), bills=Sum("item_count"), total=Sum("total")
    )
    return {
        "count": totals["count"],
        "bills": totals["bills"] or 0,
        "amount": quantize(totals["total"] or 0),
    }


def payment_run_get(*, run_id: str, actor, capability: Capability = Capability.READ) -> PaymentRun:
    """A run of one of the actor's businesses (404 otherwise), with its items."""
    if not ids.is_public_id(run_id, "run"):
        raise NotFound("Not found.")
    run = (
        PaymentRun.objects.filter(pk=run_id, payer_id__in=roles_of(actor).keys())
        .select_related("funding_account")
        .annotate(item_count=Count("items"))
        .first()
    )
    if run is None:
        raise NotFound("Not found.")
    require(actor, run.payer_id, capability)
    run.item_list = list(
        run.items.select_related("payable__payee", "payment", "receiving_account").order_by("id")
    )
    return run


def _complete_by_file(run: PaymentRun, actor) -> None:
    for item in run.items.order_by("payable_id"):
        payable = Payable.objects.select_for_update(of=("self",)).get(pk=item.payable_id)
        payment = Payment.objects.select_for_update().get(pk=item.payment_id)
        if payment.status == PaymentStatus.PENDING:
            payment.start()
        if payment.status != PaymentStatus.PROCESSING:
            continue  # cancelled (unscheduled) since the run was made, or already settled
        from_status = payable.status
        payment.complete(reference=f"NACHA {run.id}")
        payment.save(
            update_fields=[
                "status",
                "rail_reference",
                "processing_started_at",
                "completed_at",
                "updated_at",
            ]
        )
        payments.payment_settled(
            payable=payable, payment=payment, actor=actor, from_status=from_status
        )


@transaction.atomic
def payment_run_mark_sent(*, run_id: str, actor) -> PaymentRun:
    """The payer's owner or admin says the run's file went to the bank: scheduled → sent.

    A run settled by bank file completes its payments now (PAID once nothing is due).
    """
    if not ids.is_public_id(run_id, "run"):
        raise NotFound("Not found.")
    run = (
        PaymentRun.objects.select_for_update()
        .filter(pk=run_id, payer_id__in=roles_of(actor).keys())
        .first()
    )
    if run is None:
        raise NotFound("Not found.")
    require(actor, run.payer_id, Capability.ADMINISTER)
    if not can_proceed(run.mark_sent):
        raise InvalidTransition(action="mark sent", current_status=run.status, noun="payment run")
    run.mark_sent(actor=actor)
    run.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    if run.settlement == RunSettlement.BANK_FILE:
        _complete_by_file(run, actor)
    return run


def _receiving_account(item: PaymentRunItem) -> BankAccount | None:
    account = item.receiving_account
    if account is None or account.status != BankAccountStatus.VERIFIED:
        account = BankAccount.objects.default_for(item.payable.payee_id, AccountPurpose.RECEIVING)
    return account


def payment_run_nacha(*, run_id: str, actor) -> tuple[str, str]:
    """The run's NACHA file and its file name, for the payer's owners and admins.

    409 while the payer or a payee has no verified bank account. The file is the one place a
    full account number leaves the server: it is the instruction to the bank. Nothing is logged.
    """
    run = payment_run_get(run_id=run_id, actor=actor, capability=Capability.ADMINISTER)
    funding = run.funding_account
    if funding is None or funding.status != BankAccountStatus.VERIFIED:
        funding = BankAccount.objects.default_for(run.payer_id, AccountPurpose.PAYING)
    if funding is None:
        raise Conflict(
            "The payer has no verified bank account to pay from: add one and make it the "
            "default for paying.",
            code=ConflictCode.STATE,
        )
    by_payee: dict[str, list[PaymentRunItem]] = defaultdict(list)
    for item in run.item_list:
        if item.payment.status in (PaymentStatus.CANCELLED, PaymentStatus.FAILED):
            continue
        by_payee[item.payable.payee_id].append(item)
    if not by_payee:
        raise Conflict("Every payment of this run was cancelled.", code=ConflictCode.STATE)
    credits = []
    for payee_id, items in by_payee.items():
        account = _receiving_account(items[0])
        payee = items[0].payable.payee
        if account is None:
            raise Conflict(
                f"{payee.name} has no verified bank account for receiving.",
                code=ConflictCode.STATE,
                payeeBusinessId=payee_id,
            )
        credits.append(
            nacha.Credit(
                routing_number=account.routing_number,
                account_number=crypto.decrypt(account.account_number_encrypted),
                account_type=account.account_type,
                amount=sum((item.amount for item in items), Decimal("0")),
                name=payee.name,
                id_number=payee_id.split("_", 1)[-1][:15],
                invoice_numbers=[item.payable.invoice_number for item in items],
            )
        )
    payer_name = run.payer.name
    text = nacha.nacha_file(
        originator=nacha.Originator(
            company_name=payer_name,
            company_id="1" + funding.routing_number,
            routing_number=funding.routing_number,
            bank_name=funding.name,
        ),
        credits=credits,
        effective_date=max(run.scheduled_for, timezone.now().date()),
        created_at=timezone.now(),
        reference=run.id.split("_", 1)[-1][:8],
    )
    return f"{run.id}.ach", text
