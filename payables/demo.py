"""Demo payables for ``seed_demo``: a dozen invoices across every status, made through the services.

Idempotent: each demo invoice has a fixed number (``DEMO-GLX-001``...) and is skipped when it
already exists on its connection. The people acting are found by role in each business (the
payee's first owner/admin/accountant writes; whoever the payer's review asks for approves, step
by step; the payer's first owner/admin declines, cancels and pays),
so the lead's ``users`` dict is accepted but not relied on.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from approvals import review
from payables import services
from payables.models import Payable, PayableStatus

S = PayableStatus
LINES = {
    "consulting": [
        {"description": "Strategy consulting", "quantity": Decimal("10"), "unit_price": Decimal("200.00")},
        {"description": "Implementation support", "quantity": Decimal("5"), "unit_price": Decimal("100.00")},
    ],
    "hosting": [
        {"description": "Managed hosting", "quantity": Decimal("1"), "unit_price": Decimal("450.00"),
         "accounting_category": "6100 Software"},
        {"description": "Extra storage (GB)", "quantity": Decimal("120"), "unit_price": Decimal("0.15"),
         "accounting_category": "6100 Software"},
    ],
    "supplies": [
        {"description": "Paper reams", "quantity": Decimal("40"), "unit_price": Decimal("4.75"),
         "accounting_category": "6500 Office"},
        {"description": "Toner", "quantity": Decimal("3"), "unit_price": Decimal("89.90"),
         "accounting_category": "6500 Office"},
    ],
}  # fmt: skip

# An approved invoice with a part of it paid by check (its note in the plan says so).
PARTLY_PAID = "partly paid"
PART_PAID = Decimal("200.00")

# (connection key, invoice number, memo, lines, final status, note)
PLAN = [
    ("acme_globex", "DEMO-GLX-001", "April consulting (draft)", "consulting", S.DRAFT, ""),
    ("acme_globex", "DEMO-GLX-002", "Q1 consulting services", "consulting", S.SUBMITTED, ""),
    ("acme_globex", "DEMO-GLX-003", "Hosting, March", "hosting", S.SUBMITTED, ""),
    ("acme_globex", "DEMO-GLX-004", "Hosting, February", "hosting", S.APPROVED, ""),
    ("acme_globex", "DEMO-GLX-005", "Workshop facilitation", "consulting", S.SCHEDULED, ""),
    ("acme_globex", "DEMO-GLX-006", "Hosting, January", "hosting", S.PAID, ""),
    ("acme_globex", "DEMO-GLX-007", "Extra consulting hours", "consulting", S.DECLINED,
     "Hours exceed the approved estimate; please split by project."),
    ("acme_globex", "DEMO-GLX-008", "Hosting, March (duplicate)", "hosting", S.CANCELLED,
     "Duplicate of DEMO-GLX-003."),
    ("acme_initech", "DEMO-INI-001", "Office supplies, May (draft)", "supplies", S.DRAFT, ""),
    ("acme_initech", "DEMO-INI-002", "Office supplies, April", "supplies", S.SUBMITTED, ""),
    ("acme_initech", "DEMO-INI-003", "Office supplies, March", "supplies", S.APPROVED,
     PARTLY_PAID),
    ("acme_initech", "DEMO-INI-004", "Office supplies, February", "supplies", S.PAID, ""),
    # Approved for the demo's payment run (banking.demo schedules the three together).
    ("acme_globex", "DEMO-GLX-009", "Design review", "consulting", S.APPROVED, ""),
    ("acme_globex", "DEMO-GLX-010", "Onsite training", "consulting", S.APPROVED, ""),
    ("acme_initech", "DEMO-INI-005", "Office supplies, June", "supplies", S.APPROVED, ""),
    # Sent again under a number that differs by a zero: flagged as a possible duplicate of
    # DEMO-GLX-003 for Acme (payables.duplicates).
    ("acme_globex", "DEMO-GLX-0003", "Hosting, March", "hosting", S.SUBMITTED, ""),
]  # fmt: skip

# The demo's payment run, and the approved invoice a demo credit is applied to.
RUN_INVOICES = ("DEMO-GLX-009", "DEMO-GLX-010", "DEMO-INI-005")
CREDITED_INVOICE = "DEMO-GLX-004"


def _member(business_id: str, roles: tuple[str, ...], *, exclude=None):
    memberships = (
        Membership.objects.filter(business_id=business_id, role__in=roles)
        .exclude(user=exclude)
        .select_related("user")
        .order_by("created_at", "id")
    )
    by_role = {m.role: m.user for m in reversed(list(memberships))}
    return next((by_role[role] for role in roles if role in by_role), None)


def _approve_every_step(payable_id: str) -> None:
    """Approve step after step, each time as the first eligible person by e-mail (under Acme's
    workflow: one of its approvers, then its owner); nothing if it was approved automatically."""
    payable = Payable.objects.get(pk=payable_id)
    while payable.status == S.SUBMITTED:
        eligible = review.approvers_now(payable=payable)
        approver = User.objects.filter(pk__in=eligible).order_by("email").first()
        if approver is None:
            return
        payable = services.payable_approve(payable_id=payable_id, actor=approver)


def _drive(payable: Payable, *, target: str, note: str, payee_user, payer_user) -> None:
    """Walk a new draft to ``target`` through the services, as people would."""
    pid = payable.pk
    if target == S.DRAFT:
        return
    payable = services.payable_submit(payable_id=pid, actor=payee_user)
    if target == S.SUBMITTED:
        return
    if target == S.DECLINED:
        services.payable_decline(payable_id=pid, actor=payer_user, reason=note)
        return
    if target == S.CANCELLED:
        services.payable_cancel(payable_id=pid, actor=payer_user, reason=note)
        return
    _approve_every_step(pid)
    if target == S.SCHEDULED:
        on = timezone.now().date() + timedelta(days=14)
        services.payable_schedule(payable_id=pid, actor=payer_user, on=on)
    elif target == S.PAID:
        services.payable_pay(payable_id=pid, actor=payer_user)
    elif note == PARTLY_PAID:
        services.payable_pay(
            payable_id=pid, actor=payer_user, amount=PART_PAID, method="check", reference="CHK 2041"
        )


# A resent copy is due when its original was; every other invoice a day apart from the next, so
# only the copy looks like a duplicate.
SAME_DUE_AS = {"DEMO-GLX-0003": "DEMO-GLX-003"}


def _due(number: str):
    numbers = [row[1] for row in PLAN]
    return timezone.now().date() + timedelta(
        days=20 + numbers.index(SAME_DUE_AS.get(number, number))
    )


def seed_payables(*, businesses: dict, users: dict, connections: dict) -> list[Payable]:
    """Create the demo payables that do not exist yet; returns all of them."""
    created = []
    for key, number, memo, lines, target, note in PLAN:
        connection = connections.get(key)
        if connection is None:
            continue
        existing = Payable.objects.filter(connection=connection, invoice_number=number).first()
        if existing is not None:
            created.append(existing)
            continue
        payee_user = _member(connection.payee_id, (Role.OWNER, Role.ADMIN, Role.ACCOUNTANT))
        payer_user = _member(connection.payer_id, (Role.OWNER, Role.ADMIN), exclude=payee_user)
        if payee_user is None or payer_user is None:
            continue
        with transaction.atomic():
            payable = services.payable_create(
                business_id=connection.payee_id,
                actor=payee_user,
                connection_id=connection.pk,
                invoice_number=number,
                memo=memo,
                line_items=LINES[lines],
                due_date=_due(number),
            )
            _drive(payable, target=target, note=note, payee_user=payee_user, payer_user=payer_user)
        created.append(Payable.objects.get(pk=payable.pk))
    return created
