"""
Writes of payables. Each service is one transaction that, in this order:

1. locks the payable (``select_for_update(of=("self",))``) through a query scoped to the
   caller's businesses, so another business's payable, or a payer's view of a draft, is a 404;
2. checks the side and the capability (``accounts.permissions``): 403 when the caller may see
   the payable but not act on it this way;
3. checks that the status allows the action with ``can_proceed``: 409 naming the status;
4. runs the fsm transition, ``save(update_fields=...)``, writes the event (``payables.events``);
5. notifies the people concerned (``notifications.services``): the in-app rows are written in
   the transaction, their e-mails are published after the commit.

The payer's review is the approvals app's (``approvals.services``): it routes a submission to a
workflow (or automatic approval, or manual review), records each approval and decline on the
current step and says when the review is complete; these services keep the transaction, the
payable's lock and its fsm transition. Custom field values are checked against the payer's
definitions on every write (types) and on submit (required fields too).

Lock order, always: connection (creation only) → payable → its approval rows / its payments.
Nothing here locks a payment or an approval row without holding its payable's lock first, so no
two services can deadlock.

Paying is three steps, so that no row lock is held while money moves: claim the payment
(``pending`` → ``processing``, committed), ask the rail for the transfer (idempotent per
payment ID), settle (``completed`` + payable ``PAID``, or ``failed`` + payable back to
``APPROVED``). Each step re-reads under lock, so a repeat, a second worker or a user's click
beside the sweep finds the work done and does nothing: a payable is paid once.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_fsm import can_proceed
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.permissions import Capability, require, role_allows, roles_of
from approvals import services as approval_services
from approvals.domain import payable_custom_fields_validate
from approvals.models import ApprovalRequestOutcome
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition, field_error
from cleopay.core.ids import require_id_shape
from cleopay.core.invoice_numbers import invoice_number_key
from cleopay.core.money import MAX_AMOUNT, quantize
from cleopay.core.prefetch import keep_related
from connections.models import Connection, Tag
from connections.services import connection_lock_for_payee
from files.models import File
from notifications import services as notifications
from payables import events, payments
from payables.models import (
    BANK_FILE_RAIL,
    OPEN_PAYMENT_STATUSES,
    ApprovalStatus,
    LineItem,
    Payable,
    PayableAttachment,
    PayableStatus,
    PayableTag,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from payables.rails import TransferFailed, get_rail

logger = logging.getLogger(__name__)

PAYEE = "payee"
PAYER = "payer"
INVOICE_NUMBER_CONSTRAINT = "payable_invoice_number_unique_per_connection"
GENERATED_NUMBER_ATTEMPTS = 20


def _today() -> date:
    return timezone.now().date()  # UTC: TIME_ZONE is UTC and USE_TZ is on


# --- lookups, sides and checks --------------------------------------------------------------------
def _lock_payable(*, payable_id: str, actor) -> Payable:
    """The payable, row-locked, if one of the actor's businesses may see it; a 404 otherwise."""
    require_id_shape(payable_id, "pay")
    payable = (
        Payable.objects.select_for_update(of=("self",))
        .visible_to(roles_of(actor).keys())
        .select_related("connection__payer", "payer", "payee")
        .filter(pk=payable_id)
        .first()
    )
    if payable is None:
        raise NotFound("Not found.")
    return payable


def _side_business(payable: Payable, side: str) -> str:
    return payable.payee_id if side == PAYEE else payable.payer_id


def _require_side(
    payable: Payable, actor, *, side: str, capability: Capability, action: str
) -> str:
    """The business ``actor`` acts for on ``side``; 403 if not a member there or the role falls short."""
    business_id = _side_business(payable, side)
    role = roles_of(actor).get(business_id)
    if role is None:
        raise PermissionDenied(f"Only the {side}'s team can {action} this payable.")
    if not role_allows(role, capability):
        raise PermissionDenied(f"Your role ({role}) does not allow this.")
    return business_id


def _ensure_can(transition_method, action: str) -> None:
    """409 naming the current status when the fsm does not allow ``transition_method`` now."""
    if not can_proceed(transition_method):
        raise InvalidTransition(action=action, current_status=transition_method.__self__.status)


def _save(obj, *fields: str) -> None:
    obj.save(update_fields=[*fields, "updated_at"])


def _open_payment(payable: Payable) -> Payment | None:
    """The payable's pending or processing payment, locked (the payable's lock is already held)."""
    return (
        Payment.objects.select_for_update()
        .filter(payable=payable, status__in=OPEN_PAYMENT_STATUSES)
        .first()
    )


def _refuse_while_processing(payment: Payment | None, payable: Payable, action: str) -> None:
    if payment is not None and payment.status == PaymentStatus.PROCESSING:
        raise Conflict(
            f"Cannot {action} this payable: its payment {payment.id} is being processed.",
            code=ConflictCode.STATE,
            currentStatus=payable.status,
        )


# --- line items, amounts, references ---------------------------------------------------------------
def _priced_lines(line_items: list[dict]) -> list[LineItem]:
    """Unsaved line items with their totals (quantity x unit price, half-up to the cent)."""
    priced = []
    for index, line in enumerate(line_items):
        total = quantize(line["quantity"] * line["unit_price"])
        if total > MAX_AMOUNT:
            raise field_error(f"lineItems[{index}]", f"The line total may not exceed {MAX_AMOUNT}.")
        priced.append(
            LineItem(
                position=index + 1,
                description=line["description"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                total=total,
                accounting_category=line.get("accounting_category", ""),
                custom_fields=line.get("custom_fields") or {},
            )
        )
    return priced


def _reconcile_amount(*, amount: Decimal | None, lines: list[LineItem] | None) -> Decimal:
    """The payable's amount: given, or the lines' sum; both given, they must agree to the cent."""
    if lines:
        total = sum((line.total for line in lines), Decimal("0.00"))
        if total <= 0:
            raise field_error("lineItems", "The line items must add up to more than zero.")
        if total > MAX_AMOUNT:
            raise field_error("amount", f"The line items add up to more than {MAX_AMOUNT}.")
        if amount is not None and amount != total:
            raise field_error(
                "amount", f"Must equal the sum of the line items' totals ({total}), not {amount}."
            )
        return total
    if amount is None:
        raise field_error("amount", "This field is required when there are no line items.")
    return amount


def _tags_of(*, business_id: str, tag_ids: list[str]) -> list[Tag]:
    """The business's own tags with these IDs, in the order a payable shows them (by name, as
    the database orders names); 400 naming any other."""
    wanted = list(dict.fromkeys(tag_ids))
    tags = list(Tag.objects.filter(business_id=business_id, pk__in=wanted).order_by("name", "id"))
    found = {tag.pk for tag in tags}
    missing = [tag_id for tag_id in wanted if tag_id not in found]
    if missing:
        raise field_error("tagIds", f"No tag of this business with ID {', '.join(missing)}.")
    return tags


def _files_of(*, business_id: str, file_ids: list[str]) -> list[File]:
    """Files this business uploaded, in the order given; 400 naming any other."""
    wanted = list(dict.fromkeys(file_ids))
    found = {f.pk: f for f in File.objects.filter(business_id=business_id, pk__in=wanted)}
    missing = [file_id for file_id in wanted if file_id not in found]
    if missing:
        raise field_error(
            "attachments", f"No file uploaded by this business with ID {', '.join(missing)}."
        )
    return [found[file_id] for file_id in wanted]


def _default_due_date(*, issue_date: date, net_terms: int | None) -> date:
    try:
        return issue_date + timedelta(days=net_terms or 0)
    except OverflowError:
        raise field_error("dueDate", "The connection's net terms give no valid due date.") from None


def _is_invoice_number_clash(exc: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the columns of a plain unique constraint.
    message = str(exc)
    return INVOICE_NUMBER_CONSTRAINT in message or "payables_payable.invoice_key" in message


def _duplicate_invoice_number(number: str) -> Conflict:
    return Conflict(
        f"Invoice number {number} is already used on this connection.",
        code=ConflictCode.DUPLICATE,
        field="invoiceNumber",
    )


def _format_invoice_number(n: int) -> str:
    return f"INV-{n:06d}"


def _next_invoice_number(connection: Connection, *, after: int | None = None) -> tuple[str, int]:
    """The next free ``INV-000123`` of the connection (called under the connection's lock)."""
    n = (
        after + 1
        if after is not None
        else Payable.objects.filter(connection=connection).count() + 1
    )
    while Payable.objects.filter(
        connection=connection, invoice_key=invoice_number_key(_format_invoice_number(n))
    ).exists():
        n += 1
    return _format_invoice_number(n), n


# A new payable's lines, attachments and tags are added; an edit replaces them (the ``_replace``
# functions), which costs a delete first.
def _add_lines(payable: Payable, lines: list[LineItem]) -> None:
    for line in lines:
        line.payable = payable
    LineItem.objects.bulk_create(lines)


def _add_attachments(payable: Payable, files: list[File]) -> list[PayableAttachment]:
    return PayableAttachment.objects.bulk_create(
        [
            PayableAttachment(payable=payable, file=f, position=index + 1)
            for index, f in enumerate(files)
        ]
    )


def _add_tags(payable: Payable, tags: list[Tag]) -> list[PayableTag]:
    return PayableTag.objects.bulk_create([PayableTag(payable=payable, tag=tag) for tag in tags])


def _replace_lines(payable: Payable, lines: list[LineItem]) -> None:
    payable.line_items.all().delete()
    _add_lines(payable, lines)


def _replace_attachments(payable: Payable, files: list[File]) -> None:
    payable.attachment_links.all().delete()
    _add_attachments(payable, files)


def _replace_tags(payable: Payable, *, business_id: str, tags: list[Tag]) -> None:
    """Replace one side's tags; the other side's stay untouched."""
    PayableTag.objects.filter(payable=payable, tag__business_id=business_id).delete()
    _add_tags(payable, tags)


def _clean_custom_fields(
    *,
    payer_id: str,
    custom_fields: dict | None,
    line_items: list[dict] | None,
    require: bool,
) -> tuple[dict, list[dict] | None]:
    """The payable's and its lines' custom fields checked against the payer's definitions
    (types always; required fields with ``require``, i.e. on submit): the cleaned values, or a
    400 naming each bad field (``customFields.po``, ``lineItems[1].customFields.cost_center``)."""
    cleaned = payable_custom_fields_validate(
        payer_business_id=payer_id,
        custom_fields=custom_fields,
        line_items_custom_fields=[line.get("custom_fields") for line in line_items or []],
        require=require,
    )
    if line_items is None:
        return cleaned.payable, None
    lines = [
        {**line, "custom_fields": values}
        for line, values in zip(line_items, cleaned.line_items, strict=True)
    ]
    return cleaned.payable, lines


def _require_custom_fields(payable: Payable) -> None:
    """Submit: the stored values must satisfy the payer's definitions, required ones included."""
    payable_custom_fields_validate(
        payer_business_id=payable.payer_id,
        custom_fields=payable.custom_fields,
        line_items_custom_fields=list(
            payable.line_items.order_by("position").values_list("custom_fields", flat=True)
        ),
        require=True,
    )


# --- create and edit -------------------------------------------------------------------------------
def payable_defaults(*, business_id: str, connection_id: str) -> dict:
    """What a new payable on this connection gets for what the payee leaves out, for an editor to
    show beforehand: the next free invoice number and the due date from the net terms.

    Read without locks: a suggestion. ``payable_create`` allocates the number for real (the next
    free one at that moment) when it is left out.
    """
    connection = Connection.objects.filter(pk=connection_id, payee_id=business_id).first()
    if connection is None:
        raise field_error(
            "connectionId", "No connection with this ID where this business is the payee."
        )
    issue_date = _today()
    invoice_number, _n = _next_invoice_number(connection)
    return {
        "invoice_number": invoice_number,
        "issue_date": issue_date,
        "due_date": _default_due_date(issue_date=issue_date, net_terms=connection.net_terms),
        "net_terms": connection.net_terms,
    }


def _insert_payable(payable: Payable, *, connection: Connection, generated: bool) -> None:
    """Insert, turning the invoice-number constraint into a 409 (or the next number if generated)."""
    counter = None
    for _attempt in range(GENERATED_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                payable.save(force_insert=True)
            return
        except IntegrityError as exc:
            if not _is_invoice_number_clash(exc):
                raise
            if not generated:
                raise _duplicate_invoice_number(payable.invoice_number) from None
            # Someone took the number between our look and our insert (an edit): take the next.
            if counter is None:
                counter = int(payable.invoice_number.removeprefix("INV-"))
            payable.invoice_number, counter = _next_invoice_number(connection, after=counter)
    raise Conflict("Could not allocate an invoice number; try again.", code=ConflictCode.STATE)


@transaction.atomic
def payable_create(
    *,
    business_id: str,
    actor,
    connection_id: str,
    amount: Decimal | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    invoice_number: str | None = None,
    memo: str = "",
    line_items: list[dict] | None = None,
    attachments: list[str] | None = None,
    tag_ids: list[str] | None = None,
    custom_fields: dict | None = None,
    submit: bool = False,
) -> Payable:
    """Create a payable as the payee ``business_id`` (and submit it at once with ``submit``).

    Returns it as ``selectors.payable_detail`` reads it for the payee, with its line items,
    attachments, payments (none) and the payee's tags in hand: the response needs no read-back.
    """
    require(actor, business_id, Capability.INVOICE)
    connection = connection_lock_for_payee(
        business_id=business_id, connection_id=connection_id, takes="payables"
    )
    # Submitting at once: required fields are checked now, in the same 400 as the types.
    custom_fields, line_items = _clean_custom_fields(
        payer_id=connection.payer_id,
        custom_fields=custom_fields,
        line_items=line_items or [],
        require=submit,
    )
    lines = _priced_lines(line_items)
    amount = _reconcile_amount(amount=amount, lines=lines)
    issue_date = issue_date or _today()
    if due_date is None:
        due_date = _default_due_date(issue_date=issue_date, net_terms=connection.net_terms)
    files = _files_of(business_id=business_id, file_ids=attachments or [])
    tags = _tags_of(business_id=business_id, tag_ids=tag_ids or [])

    generated = not invoice_number
    if generated:
        invoice_number, _n = _next_invoice_number(connection)

    payable = Payable(
        connection=connection,
        payee=connection.payee,
        payer=connection.payer,
        amount=amount,
        issue_date=issue_date,
        due_date=due_date,
        invoice_number=invoice_number,
        memo=memo,
        custom_fields=custom_fields or {},
        created_by=actor,
    )
    _insert_payable(payable, connection=connection, generated=generated)
    _add_lines(payable, lines)
    attachment_links = _add_attachments(payable, files)
    tag_links = _add_tags(payable, tags)
    events.payable_created_event(payable=payable, actor=actor)
    if submit:
        _submit(payable, actor=actor, custom_fields_checked=True)
    # What the response shows was all written here: it goes with the payable, not read back.
    keep_related(payable, "line_items", lines)
    keep_related(payable, "attachment_links", attachment_links)
    keep_related(payable, "payments", [])
    payable.viewer_tag_links = tag_links
    return payable


# The API's names of the fields an edit may change (for the event's note).
_API_NAMES = {
    "amount": "amount",
    "issue_date": "issueDate",
    "due_date": "dueDate",
    "invoice_number": "invoiceNumber",
    "memo": "memo",
    "line_items": "lineItems",
    "attachments": "attachments",
    "tag_ids": "tagIds",
    "custom_fields": "customFields",
}


@transaction.atomic
def payable_update(*, payable_id: str, actor, changes: dict) -> Payable:
    """Edit a payable in DRAFT or DECLINED. Line items are replaced as a set; the amount follows."""
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    _require_side(payable, actor, side=PAYEE, capability=Capability.INVOICE, action="edit")
    if not payable.is_editable:
        raise InvalidTransition(action="edit", current_status=payable.status)
    connection_id = changes.get("connection_id")
    if connection_id is not None and connection_id != payable.connection_id:
        raise field_error("connectionId", "A payable cannot move to another connection.")

    if "custom_fields" in changes or "line_items" in changes:
        custom_fields, line_items = _clean_custom_fields(
            payer_id=payable.payer_id,
            custom_fields=changes.get("custom_fields"),
            line_items=changes.get("line_items"),
            require=False,
        )
        changes = dict(changes)
        if "custom_fields" in changes:
            changes["custom_fields"] = custom_fields
        if "line_items" in changes:
            changes["line_items"] = line_items

    fields: list[str] = []
    changed: list[str] = []
    diff: list[dict] = []

    def assign(name: str, value) -> None:
        old = getattr(payable, name)
        if old != value:
            setattr(payable, name, value)
            fields.append(name)
            changed.append(_API_NAMES[name])
            diff.append(events.change(_API_NAMES[name], old, value))

    lines = None
    if "line_items" in changes:
        lines = _priced_lines(changes["line_items"])
        if lines:
            assign("amount", _reconcile_amount(amount=changes.get("amount"), lines=lines))
        elif "amount" in changes:
            assign("amount", changes["amount"])
    elif "amount" in changes:
        totals = list(payable.line_items.values_list("total", flat=True))
        if totals:
            total = sum(totals, Decimal("0.00"))
            if changes["amount"] != total:
                raise field_error(
                    "amount",
                    f"Must equal the sum of the line items' totals ({total}); "
                    "send lineItems to change them.",
                )
        assign("amount", changes["amount"])

    for name in ("issue_date", "due_date", "invoice_number", "memo", "custom_fields"):
        if name in changes:
            assign(name, changes[name])
    # A new issue date must not pass the due date (a past due date alone is fine).
    if "issue_date" in changes and payable.due_date < payable.issue_date:
        field = "dueDate" if "due_date" in changes else "issueDate"
        raise field_error(field, "The due date must be on or after the issue date.")

    if fields:
        try:
            with transaction.atomic():
                _save(payable, *fields)
        except IntegrityError as exc:
            if _is_invoice_number_clash(exc):
                raise _duplicate_invoice_number(payable.invoice_number) from None
            raise
    if lines is not None:
        before = events.lines_summary(payable.line_items.all())
        _replace_lines(payable, lines)
        changed.append("lineItems")
        if before != events.lines_summary(lines):
            diff.append(events.change("lineItems", before, events.lines_summary(lines)))
    if "attachments" in changes:
        before = [link.file.original_filename for link in payable.attachment_links.all()]
        files = _files_of(business_id=payable.payee_id, file_ids=changes["attachments"])
        _replace_attachments(payable, files)
        changed.append("attachments")
        after = [file.original_filename for file in files]
        if before != after:
            diff.append(events.change("attachments", before, after))
    if "tag_ids" in changes:
        tags = _tags_of(business_id=payable.payee_id, tag_ids=changes["tag_ids"])
        _replace_tags(payable, business_id=payable.payee_id, tags=tags)
        changed.append("tagIds")
    if changed:
        if not fields:
            _save(payable)  # bump updated_at
        # The payee's tags are its own: named in the note, their values never in the diff.
        events.payable_updated_event(
            payable=payable, actor=actor, changed=sorted(set(changed)), changes=diff
        )
    return payable


def _acting_business(payable: Payable, actor, *, prefer: str | None) -> tuple[str, str]:
    """(side, business_id) the actor acts for: ``prefer`` if given, else the payee side first."""
    roles = roles_of(actor)
    sides = []
    if payable.payee_id in roles:
        sides.append((PAYEE, payable.payee_id))
    if payable.payer_id in roles and payable.submitted_at is not None:
        sides.append((PAYER, payable.payer_id))
    if prefer is not None:
        sides = [side for side in sides if side[1] == prefer]
    if not sides:
        raise NotFound("Not found.")
    return sides[0]


@transaction.atomic
def payable_set_tags(
    *, payable_id: str, actor, tag_ids: list[str], business_id: str | None = None
) -> tuple[Payable, str]:
    """Replace the caller's side's tags on a payable (any status); returns it and that business."""
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    side, acting = _acting_business(payable, actor, prefer=business_id)
    _require_side(payable, actor, side=side, capability=Capability.INVOICE, action="tag")
    tags = _tags_of(business_id=acting, tag_ids=tag_ids)
    _replace_tags(payable, business_id=acting, tags=tags)
    _save(payable)
    events.payable_tags_changed_event(payable=payable, actor=actor, business_id=acting)
    return payable, acting


# --- review: the payer's approval (approvals.services does the bookkeeping) --------------------------
_APPROVAL_STATUS = {
    ApprovalRequestOutcome.WORKFLOW: ApprovalStatus.PENDING,
    ApprovalRequestOutcome.MANUAL_REVIEW: ApprovalStatus.MANUAL_REVIEW,
    ApprovalRequestOutcome.AUTO_APPROVE: ApprovalStatus.NOT_REQUIRED,
}


def _step_label(request, position: int) -> str:
    """``step 2 of 3`` for a workflow of several steps, else nothing."""
    if request.outcome != ApprovalRequestOutcome.WORKFLOW or len(request.steps) < 2:
        return ""
    return f"step {position + 1} of {len(request.steps)}"


def _request_approvals(payable: Payable, request) -> list[str]:
    """Notify who may approve the current step now; returns them."""
    approvers = approval_services.approvers_now(payable=payable, request=request)
    notifications.notify_approval_requested(
        payable=payable, user_ids=approvers, step=_step_label(request, request.current_step or 0)
    )
    return approvers


def _submit(payable: Payable, *, actor, custom_fields_checked: bool = False) -> None:
    """DRAFT or DECLINED → SUBMITTED, and the payer's review starts
    (``approvals.services.approval_request_start``).

    The review is routed before the payable is saved, so that one UPDATE records both the
    submission and how it is reviewed. A workflow or manual review leaves it SUBMITTED and asks
    the current step's people to approve; automatic approval (the connection's
    ``autoApprove``, else the payer's ``defaultApprovalAction``) approves it at once, as the
    system (actor null).
    """
    if not custom_fields_checked:
        _require_custom_fields(payable)
    from_status = payable.status
    payable.submit(by=actor)
    request = approval_services.approval_request_start(
        payable=payable, earlier_rounds=from_status != PayableStatus.DRAFT
    )
    payable.approval_status = _APPROVAL_STATUS[request.outcome]
    _save(payable, "status", "submitted_at", "submitted_by", "decline_reason", "approval_status")
    events.payable_submitted_event(payable=payable, actor=actor, from_status=from_status)
    if request.outcome == ApprovalRequestOutcome.AUTO_APPROVE:
        payable.approve()
        _save(payable, "status", "approved_at")
        why = (
            "connection auto-approve"
            if payable.connection.auto_approve
            else "payer's default action"
        )
        events.payable_approved_event(
            payable=payable, actor=None, note=f"Approved automatically ({why})."
        )
        notifications.notify_payable_submitted(payable=payable)
        notifications.notify_payable_approved(payable=payable)
        return
    asked = _request_approvals(payable, request)
    notifications.notify_payable_submitted(payable=payable, exclude=asked)


@transaction.atomic
def payable_submit(*, payable_id: str, actor) -> Payable:
    """DRAFT or DECLINED → SUBMITTED, by the payee; the payer's review starts (or auto-approves).

    Every required custom field of the payer must be filled in (400 naming each one otherwise).
    """
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    _require_side(payable, actor, side=PAYEE, capability=Capability.INVOICE, action="submit")
    _ensure_can(payable.submit, "submit")
    _submit(payable, actor=actor)
    return payable


@transaction.atomic
def payable_approve(*, payable_id: str, actor) -> Payable:
    """Record the caller's approval on the current step; the last one makes it APPROVED.

    403 for its authors, for someone who already approved it, and out of turn (see
    ``approvals.services.approval_record``); 409 unless SUBMITTED.
    """
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    _require_side(payable, actor, side=PAYER, capability=Capability.APPROVE, action="approve")
    if actor.pk in (payable.created_by_id, payable.submitted_by_id):
        raise PermissionDenied("You created or submitted this payable, so you cannot approve it.")
    _ensure_can(payable.approve, "approve")
    progress = approval_services.approval_record(payable=payable, actor=actor)
    if not progress.completed:
        _save(payable)
        events.payable_approval_recorded_event(payable=payable, actor=actor, note=progress.note)
        if progress.step_completed:
            _request_approvals(payable, progress.request)
        return payable
    payable.approval_status = ApprovalStatus.APPROVED
    payable.approve()
    _save(payable, "status", "approval_status", "approved_at")
    events.payable_approved_event(payable=payable, actor=actor, note=progress.note)
    notifications.notify_payable_approved(payable=payable)
    return payable


@transaction.atomic
def payable_decline(*, payable_id: str, actor, reason: str) -> Payable:
    """SUBMITTED → DECLINED at any step; the reason goes back to the payee.

    The current step's approvers may decline, and the payer's owners and admins always may.
    """
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    _require_side(payable, actor, side=PAYER, capability=Capability.APPROVE, action="decline")
    _ensure_can(payable.decline, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "A reason is required to decline a payable.")
    approval_services.approval_decline(payable=payable, actor=actor, reason=reason)
    payable.approval_status = ApprovalStatus.DECLINED
    payable.decline(reason=reason)
    _save(payable, "status", "approval_status", "decline_reason", "declined_at")
    events.payable_declined_event(payable=payable, actor=actor)
    notifications.notify_payable_declined(payable=payable)
    return payable


@transaction.atomic
def payable_schedule(*, payable_id: str, actor, on: date, amount: Decimal | None = None) -> Payable:
    """APPROVED → SCHEDULED with a pending payment for ``on`` (today or later), of ``amount``
    (at most the amount due; all of it when left out)."""
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    _require_side(payable, actor, side=PAYER, capability=Capability.PAY, action="schedule")
    approval_services.separate_payer_check(payable=payable, actor=actor)
    _ensure_can(payable.schedule, "schedule")
    _refuse_while_processing(_open_payment(payable), payable, "schedule")
    if on < _today():
        raise field_error("date", f"Must be today ({_today()}) or later.")
    payment = Payment.objects.create(
        payable=payable,
        amount=payments.payment_amount(payable, amount),
        scheduled_for=on,
        rail=get_rail().name,
        created_by=actor,
    )
    payable.schedule()
    _save(payable, "status")
    events.payable_scheduled_event(payable=payable, actor=actor, payment=payment)
    notifications.notify_payable_scheduled(payable=payable, payment=payment)
    return payable


@transaction.atomic
def payable_unschedule(*, payable_id: str, actor) -> Payable:
    """SCHEDULED → APPROVED; the pending payment is cancelled (refused once it is processing)."""
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    _require_side(payable, actor, side=PAYER, capability=Capability.PAY, action="unschedule")
    _ensure_can(payable.unschedule, "unschedule")
    payment = _open_payment(payable)
    _refuse_while_processing(payment, payable, "unschedule")
    payable.unschedule()
    _save(payable, "status")
    if payment is not None:
        payment.cancel()
        _save(payment, "status", "cancelled_at")
    events.payable_unscheduled_event(payable=payable, actor=actor, payment=payment)
    return payable


@transaction.atomic
def payable_cancel(
    *, payable_id: str, actor, reason: str = "", business_id: str | None = None
) -> tuple[Payable, str]:
    """→ CANCELLED: the payee from DRAFT, SUBMITTED, DECLINED; the payer from SUBMITTED, APPROVED, SCHEDULED.

    A caller on both sides acts for ``business_id`` when given, else for the side that may
    cancel now (the payee first). Returns the payable and the business that cancelled it.
    """
    payable = _lock_payable(payable_id=payable_id, actor=actor)
    if business_id is None:
        business_id = _preferred_canceller(payable, actor)
    side, acting = _acting_business(payable, actor, prefer=business_id)
    capability = Capability.INVOICE if side == PAYEE else Capability.PAY
    _require_side(payable, actor, side=side, capability=capability, action="cancel")
    cancel = payable.cancel_by_payee if side == PAYEE else payable.cancel_by_payer
    _ensure_can(cancel, "cancel")
    payment = _open_payment(payable)
    _refuse_while_processing(payment, payable, "cancel")
    from_status = payable.status
    cancel(reason=(reason or "").strip())
    _save(payable, "status", "cancel_reason", "cancelled_at")
    if payment is not None:
        payment.cancel()
        _save(payment, "status", "cancelled_at")
    # Those asked to approve it hear of a payee's cancellation too (read before the round closes).
    asked = approval_services.approvers_now(payable=payable) if side == PAYEE else []
    approval_services.approval_request_cancel(payable=payable)
    events.payable_cancelled_event(
        payable=payable, actor=actor, business_id=acting, from_status=from_status
    )
    notifications.notify_payable_cancelled(
        payable=payable, cancelled_by=acting, from_status=from_status, approvers=asked
    )
    return payable, acting


def _preferred_canceller(payable: Payable, actor) -> str | None:
    """For a member of both sides: the side whose role and the status allow cancelling now."""
    roles = roles_of(actor)
    if payable.payee_id in roles and payable.payer_id in roles:
        if role_allows(roles[payable.payee_id], Capability.INVOICE) and can_proceed(
            payable.cancel_by_payee
        ):
            return payable.payee_id
        if payable.submitted_at is not None and role_allows(
            roles[payable.payer_id], Capability.PAY
        ):
            return payable.payer_id
    return None


# --- payments -------------------------------------------------------------------------------------
def payable_pay(
    *,
    payable_id: str,
    actor,
    amount: Decimal | None = None,
    method: str = PaymentMethod.ACH,
    reference: str = "",
    on: date | None = None,
) -> Payable:
    """Pay ``amount`` (all that is due when left out) of an APPROVED or SCHEDULED payable now,
    by a payer member with PAY; PAID once nothing is due.

    ``ach`` claims the payment (a scheduled one is moved to today, for ``amount`` when given)
    in one transaction, then executes it through the rail; if the rail refuses, the payable is
    back to (or stays) APPROVED with a failed payment. Any other method records a payment made
    outside Cleo Pay (``payables.payments``), completed at once.
    """
    payments.payment_method_checked(method=method, reference=reference, on=on)
    with transaction.atomic():
        payable = _lock_payable(payable_id=payable_id, actor=actor)
        _require_side(payable, actor, side=PAYER, capability=Capability.PAY, action="pay")
        approval_services.separate_payer_check(payable=payable, actor=actor)
        _ensure_can(payable.pay, "pay")
        payment = _open_payment(payable)
        if method != PaymentMethod.ACH:
            payments.payment_record_outside(
                payable=payable,
                actor=actor,
                open_payment=payment,
                amount=amount,
                method=method,
                reference=reference,
                on=on,
            )
            return payable
        if payment is not None and payment.status == PaymentStatus.PROCESSING:
            # Started by another request (or the sweep) and still in flight: this click is a
            # second one, not a retry (a retry carries the first one's Idempotency-Key and gets
            # its response replayed). The payment in flight finishes on its own.
            raise Conflict(
                f"A payment of this payable ({payment.id}) is already in progress.",
                code=ConflictCode.PAYMENT_IN_PROGRESS,
                currentStatus=payable.status,
                paymentId=payment.id,
            )
        if payment is None:
            payment = Payment.objects.create(
                payable=payable,
                amount=payments.payment_amount(payable, amount),
                scheduled_for=_today(),
                rail=get_rail().name,
                created_by=actor,
            )
        else:
            # A scheduled payment, paid now (for the amount asked when one is given). One
            # already processing was answered 409 above.
            payment.amount = payments.payment_amount(payable, amount or payment.amount)
        payment.scheduled_for = min(payment.scheduled_for, _today())
        payment.start()
        _save(payment, "status", "amount", "scheduled_for", "processing_started_at")
    payment_execute(payment_id=payment.id, actor=actor)
    return payable


def payment_execute(*, payment_id: str, actor=None) -> Payment | None:
    """Pay one payment if it is due: claim, transfer, settle. A repeat is a no-op.

    Used by the pay click and by the sweep's ``execute_payment`` task. ``actor`` is the person
    who clicked, or None for the system.
    """
    payment = _claim(payment_id=payment_id)
    if payment is None or payment.status != PaymentStatus.PROCESSING:
        return payment
    if payment.rail == BANK_FILE_RAIL:
        return payment  # completes when its run is marked sent to the bank
    rail = get_rail()
    try:
        reference = rail.transfer(
            payment_id=payment.id,
            amount=payment.amount,
            payer_business_id=payment.payable.payer_id,
            payee_business_id=payment.payable.payee_id,
        )
    except TransferFailed as exc:
        return _settle(payment_id=payment.id, actor=actor, reference=None, failure=exc.reason)
    except Exception:
        # Outcome unknown: leave it processing; the sweep asks the (idempotent) rail again later.
        logger.exception("payment rail error for %s; will retry", payment.id)
        return payment
    return _settle(payment_id=payment.id, actor=actor, reference=reference, failure=None)


def _lock_payment(payment_id: str) -> tuple[Payable | None, Payment | None]:
    """Lock the payment's payable, then the payment (the one lock order)."""
    payable_id = (
        Payment.objects.filter(pk=payment_id)
        .order_by()  # one row: the default order would join the payable for nothing
        .values_list("payable_id", flat=True)
        .first()
    )
    if payable_id is None:
        return None, None
    payable = (
        Payable.objects.select_for_update(of=("self",))
        .select_related("payer", "payee")
        .get(pk=payable_id)
    )
    payment = Payment.objects.select_for_update().select_related("payable").get(pk=payment_id)
    return payable, payment


@transaction.atomic
def _claim(*, payment_id: str) -> Payment | None:
    """pending and due → processing; processing stays (to be driven again); anything else as is."""
    payable, payment = _lock_payment(payment_id)
    if payment is None:
        return None
    if payment.status == PaymentStatus.PENDING:
        if payment.scheduled_for > _today() or not can_proceed(payable.pay):
            return payment
        payment.start()
        _save(payment, "status", "processing_started_at")
    return payment


@transaction.atomic
def _settle(
    *, payment_id: str, actor, reference: str | None, failure: str | None
) -> Payment | None:
    payable, payment = _lock_payment(payment_id)
    if payment is None or payment.status != PaymentStatus.PROCESSING:
        return payment  # someone else settled it first
    from_status = payable.status
    if failure is None:
        payment.complete(reference=reference)
        _save(payment, "status", "rail_reference", "completed_at")
        # PAID when nothing is due, APPROVED again when a scheduled part was paid. (Cancel and
        # unschedule refuse a processing payment, so the payable is APPROVED or SCHEDULED.)
        payments.payment_settled(
            payable=payable, payment=payment, actor=actor, from_status=from_status
        )
        return payment
    payment.fail(reason=failure)
    _save(payment, "status", "failure_reason", "failed_at")
    if can_proceed(payable.fail_payment):
        payable.fail_payment()
        _save(payable, "status")
    events.payment_failed_event(
        payable=payable, actor=actor, payment=payment, from_status=from_status
    )
    notifications.notify_payment_failed(payable=payable, payment=payment)
    return payment


def payments_claim_due(*, batch_size: int = 50) -> list[str]:
    """Claim up to ``batch_size`` due scheduled payments (→ processing); returns their IDs.

    Payables are locked with SKIP LOCKED: one a user is acting on right now is left for the next
    sweep, and two sweeps never claim the same payment.
    """
    today = _today()
    due = Payment.objects.filter(
        payable=OuterRef("pk"), status=PaymentStatus.PENDING, scheduled_for__lte=today
    ).exclude(rail=BANK_FILE_RAIL)
    claimed = []
    with transaction.atomic():
        payables = list(
            Payable.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=PayableStatus.SCHEDULED)
            .filter(Exists(due))
            .order_by("id")[:batch_size]
        )
        for payable in payables:
            payment = (
                Payment.objects.select_for_update()
                .filter(payable=payable, status=PaymentStatus.PENDING, scheduled_for__lte=today)
                .exclude(rail=BANK_FILE_RAIL)
                .first()
            )
            if payment is None:
                continue
            payment.start()
            _save(payment, "status", "processing_started_at")
            claimed.append(payment.id)
    return claimed


def payments_stalled(*, limit: int = 100) -> list[str]:
    """Payments left processing longer than PAYMENT_PROCESSING_TIMEOUT (a crash mid-payment)."""
    cutoff = timezone.now() - settings.PAYMENT_PROCESSING_TIMEOUT
    return list(
        Payment.objects.filter(status=PaymentStatus.PROCESSING, processing_started_at__lt=cutoff)
        .exclude(rail=BANK_FILE_RAIL)
        .values_list("id", flat=True)[:limit]
    )
