"""Demo money for ``seed_demo``: verified bank accounts, a credit partly applied, a payment run.

Made through the services, as people would; safe to run again (each piece is skipped when it
exists). The partial payment is ``payables.demo``'s (DEMO-INI-003, part paid by check).
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from banking import runs, services
from banking.models import SANDBOX_MICRO_DEPOSITS, BankAccount, PaymentRunItem
from credits import services as credit_services
from credits.models import Credit
from payables.demo import CREDITED_INVOICE, RUN_INVOICES
from payables.models import Payable, PayableStatus

# business key → (name, routing number, account number, default for)
ACCOUNTS = {
    "acme": ("Operating account", "021000021", "400012345678", "paying"),
    "globex": ("Receivables", "011000015", "700012345", "receiving"),
    "initech": ("Main checking", "121000358", "880012349", "receiving"),
}
CREDIT_NUMBER = "CR-DEMO-1"


def _accounts(businesses: dict, users: dict) -> None:
    for key, (name, routing, number, purpose) in ACCOUNTS.items():
        business, owner = businesses.get(key), users.get(key)
        if business is None or owner is None or BankAccount.objects.of_business(business.id):
            continue
        account = services.bank_account_create(
            business_id=business.id,
            actor=owner,
            name=name,
            routing_number=routing,
            account_number=number,
            account_type="checking",
        )
        services.bank_account_verify(
            bank_account_id=account.id, actor=owner, amounts=list(SANDBOX_MICRO_DEPOSITS)
        )
        services.bank_account_update(
            bank_account_id=account.id, actor=owner, changes={"defaultFor": purpose}
        )


def _credit(businesses: dict, users: dict, connections: dict) -> None:
    connection = connections.get("acme_globex")
    if connection is None or Credit.objects.filter(credit_number=CREDIT_NUMBER).exists():
        return
    credit = credit_services.credit_create(
        business_id=connection.payee_id,
        actor=users["globex"],
        connection_id=connection.id,
        amount=Decimal("150.00"),
        memo="Hosting outage in February",
        credit_number=CREDIT_NUMBER,
    )
    payable = Payable.objects.filter(
        connection=connection, invoice_number=CREDITED_INVOICE, status=PayableStatus.APPROVED
    ).first()
    if payable is not None:
        credit_services.credit_apply(
            payable_id=payable.id, actor=users["acme"], credit_id=credit.id, amount=Decimal("50.00")
        )


def _run(businesses: dict, users: dict) -> None:
    acme = businesses.get("acme")
    bills = list(
        Payable.objects.filter(
            payer=acme, invoice_number__in=RUN_INVOICES, status=PayableStatus.APPROVED
        ).order_by("invoice_number")
    )
    if acme is None or len(bills) != len(RUN_INVOICES):
        return
    if PaymentRunItem.objects.filter(payable__in=bills).exists():
        return
    runs.payment_run_create(
        business_id=acme.id,
        actor=users["acme"],
        payable_ids=[bill.id for bill in bills],
        on=timezone.now().date() + timedelta(days=7),
    )


def seed_money(*, businesses: dict, users: dict, connections: dict) -> None:
    # Verification counts wrong answers in a committed transaction of its own, so the accounts
    # are seeded outside the atomic block of the rest.
    _accounts(businesses, users)
    with transaction.atomic():
        _credit(businesses, users, connections)
        _run(businesses, users)
