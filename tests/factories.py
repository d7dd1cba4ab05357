"""factory_boy factories. Related objects stay inside one business unless a test says otherwise."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Business, Membership, Role, User
from connections.models import Connection, ConnectionStatus, Tag


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    # Users of the tests have proven their address unless a test says otherwise.
    email_verified_at = factory.LazyFunction(timezone.now)
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BusinessFactory(DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Business {n} Inc.")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


def member(business: Business, role: str = Role.OWNER, **user_fields) -> User:
    """A new user holding ``role`` in ``business``."""
    user = UserFactory(**user_fields)
    Membership.objects.create(business=business, user=user, role=role)
    return user


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class ConnectionFactory(DjangoModelFactory):
    """An active connection: ``payer`` pays ``payee``."""

    class Meta:
        model = Connection

    payer = factory.SubFactory(BusinessFactory)
    payee = factory.SubFactory(BusinessFactory)
    invited_by_business = factory.SelfAttribute("payee")
    status = ConnectionStatus.ACTIVE
    accepted_at = factory.Faker("date_time_this_year", tzinfo=factory.Faker("pytimezone"))


# --- connections (issue 3) ---------------------------------------------------------------------
def business_with_owner(name: str | None = None) -> tuple[Business, User]:
    """A business and the user who owns it."""
    business = BusinessFactory(**({"name": name} if name else {}))
    return business, member(business, Role.OWNER)


def tag_on(connection: Connection, business: Business, name: str | None = None) -> Tag:
    """A tag of ``business`` placed on ``connection`` (``business`` must be one of its sides)."""
    from connections.models import ConnectionTag

    tag = TagFactory(business=business, **({"name": name} if name else {}))
    ConnectionTag.objects.create(connection=connection, tag=tag)
    return tag


# ==================================================================================================
# Approvals: approval workflows and custom field definitions
# ==================================================================================================

from approvals.models import (  # noqa: E402 - kept with its section to ease merging
    ApprovalWorkflow,
    CustomFieldDefinition,
    WorkflowConnection,
    WorkflowStep,
    WorkflowStepApprover,
    WorkflowTag,
)


class ApprovalWorkflowFactory(DjangoModelFactory):
    class Meta:
        model = ApprovalWorkflow

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Workflow {n}")
    priority = 0


class CustomFieldDefinitionFactory(DjangoModelFactory):
    class Meta:
        model = CustomFieldDefinition

    business = factory.SubFactory(BusinessFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")
    type = "text"
    scope = "payable"


def approval_workflow(
    business: Business,
    *,
    steps: list[dict],
    connections=(),
    tags=(),
    **fields,
) -> ApprovalWorkflow:
    """A workflow of ``business``; each step is ``{"approvers": [users], "roles": [...],
    "required": n}`` (all optional)."""
    workflow = ApprovalWorkflowFactory(business=business, **fields)
    for position, step in enumerate(steps):
        row = WorkflowStep.objects.create(
            workflow=workflow,
            position=position,
            required_approvals=step.get("required", 1),
            approver_roles=list(step.get("roles", [])),
        )
        for user in step.get("approvers", []):
            WorkflowStepApprover.objects.create(step=row, user=user)
    for connection in connections:
        WorkflowConnection.objects.create(workflow=workflow, connection=connection)
    for tag in tags:
        WorkflowTag.objects.create(workflow=workflow, tag=tag)
    return workflow


# --- payables and files -----------------------------------------------------------------------------
import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402

from files.models import File, FileType  # noqa: E402
from payables.models import LineItem, Payable, PayableStatus, Payment, PaymentStatus  # noqa: E402

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class PayableFactory(DjangoModelFactory):
    """A payable on an active connection; pass ``status=`` to start it anywhere (tests only:
    the API changes a status only through its transitions). Non-draft statuses get a
    ``submitted_at`` so the payer sees them, as after a real submission."""

    class Meta:
        model = Payable
        skip_postgeneration_save = True

    connection = factory.SubFactory(ConnectionFactory)
    payee = factory.SelfAttribute("connection.payee")
    payer = factory.SelfAttribute("connection.payer")
    amount = Decimal("100.00")
    issue_date = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC).date())
    due_date = factory.LazyAttribute(lambda o: o.issue_date + datetime.timedelta(days=30))
    invoice_number = factory.Sequence(lambda n: f"F-{n:05d}")
    memo = ""
    status = PayableStatus.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == PayableStatus.DRAFT else datetime.datetime.now(datetime.UTC)
    )
    approval_status = factory.LazyAttribute(
        lambda o: "" if o.status == PayableStatus.DRAFT else "manual_review"
    )
    # A PAID payable has been paid in full (the database holds it to that).
    amount_paid = factory.LazyAttribute(
        lambda o: o.amount if o.status == PayableStatus.PAID else Decimal("0")
    )

    @factory.post_generation
    def review_round(obj, create, extracted, **kwargs):
        """A submitted payable has its manual-review round, closed as its status says (as after
        a real review). ``review_round=False``: none, for tests that write rounds themselves."""
        if not create or extracted is False or obj.submitted_at is None:
            return
        from approvals.models import ApprovalRequest

        status = _ROUND_STATUS.get(obj.status, "approved")
        ApprovalRequest.objects.create(
            payable=obj,
            round=1,
            outcome="manual_review",
            status=status,
            current_step=0 if status == "pending" else None,
            closed_at=None if status == "pending" else obj.submitted_at,
        )


# The review round of a payable a test starts in each status.
_ROUND_STATUS = {
    PayableStatus.SUBMITTED: "pending",
    PayableStatus.DECLINED: "declined",
    PayableStatus.CANCELLED: "cancelled",
}


class LineItemFactory(DjangoModelFactory):
    class Meta:
        model = LineItem

    payable = factory.SubFactory(PayableFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Line {n}")
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    total = factory.LazyAttribute(lambda o: (o.quantity * o.unit_price).quantize(Decimal("0.01")))


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    payable = factory.SubFactory(PayableFactory, status=PayableStatus.SCHEDULED)
    amount = factory.SelfAttribute("payable.amount")
    scheduled_for = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC).date())
    status = PaymentStatus.PENDING
    rail = "ledger"


class FileFactory(DjangoModelFactory):
    class Meta:
        model = File

    business = factory.SubFactory(BusinessFactory)
    original_filename = factory.Sequence(lambda n: f"invoice-{n}.pdf")
    content_type = FileType.PDF
    size = len(PDF_BYTES)
    sha256 = "0" * 64
    stored = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="upload"))


# ==================================================================================================
# Pages (issue 6): two connected businesses and their people, for the page and browser tests
# ==================================================================================================


# --- the shared world: Acme pays Globex ----------------------------------------------------------
# Every person the tests of this suite give a name to: (side, role, e-mail, full name).
PEOPLE = {
    "payee_owner": ("payee", Role.OWNER, "owner@globex.test", "Gina Globex"),
    "payee_accountant": ("payee", Role.ACCOUNTANT, "books@globex.test", ""),
    "payee_viewer": ("payee", Role.VIEWER, "viewer@globex.test", ""),
    "payer_owner": ("payer", Role.OWNER, "owner@acme.test", "Alice Acme"),
    "payer_admin": ("payer", Role.ADMIN, "admin@acme.test", ""),
    "payer_approver": ("payer", Role.APPROVER, "approver@acme.test", ""),
    "payer_accountant": ("payer", Role.ACCOUNTANT, "books@acme.test", ""),
    "payer_viewer": ("payer", Role.VIEWER, "viewer@acme.test", ""),
    # A team of approvers for the review tests.
    "ann": ("payer", Role.APPROVER, "ann@acme.test", ""),
    "bob": ("payer", Role.APPROVER, "bob@acme.test", ""),
    "cy": ("payer", Role.APPROVER, "cy@acme.test", ""),
}
EVERY_ROLE = (
    "payee_owner",
    "payee_accountant",
    "payer_owner",
    "payer_admin",
    "payer_approver",
    "payer_accountant",
    "payer_viewer",
)


def acme_pays_globex(
    *,
    people=EVERY_ROLE,
    net_terms: int | None = 30,
    full_names: bool = True,
    outsider: bool = True,
):
    """The suite's one world: Globex (``payee``, sends invoices) and Acme (``payer``) on an
    active connection (``connection``), with the ``people`` named (keys of ``PEOPLE``, created
    in that order, each an attribute); ``outsider`` owns a business of its own.

    Only the people asked for exist: who is notified or may approve depends on who is there.
    """
    from types import SimpleNamespace

    payee = BusinessFactory(name="Globex")
    payer = BusinessFactory(name="Acme")
    world = SimpleNamespace(
        payee=payee,
        payer=payer,
        connection=ConnectionFactory(payer=payer, payee=payee, net_terms=net_terms),
    )
    sides = {"payee": payee, "payer": payer}
    for name in people:
        side, role, email, full_name = PEOPLE[name]
        extra = {"full_name": full_name} if full_names and full_name else {}
        setattr(world, name, member(sides[side], role, email=email, **extra))
    if outsider:
        world.outsider = MembershipFactory(role=Role.OWNER).user
    return world


def payee_and_payer():
    """``acme_pays_globex()``: a Net 30 connection and a person in each role that matters:
    ``payee_owner``, ``payee_accountant``, ``payer_owner``, ``payer_admin``,
    ``payer_approver``, ``payer_accountant``, ``payer_viewer``; ``outsider``."""
    return acme_pays_globex()
