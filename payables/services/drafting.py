"""Creating and editing payables (the payee's drafts, and either side's tags)."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.permissions import Capability, require
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition, field_error
from cleopay.core.prefetch import keep_related
from connections.models import Connection
from connections.services import connection_lock_for_payee
from payables import duplicates, events
from payables.models import (
    Payable,
)
from payables.querysets import PAYEE
from payables.services import base
from payables.services.base import (
    GENERATED_NUMBER_ATTEMPTS,
    acting_side,
    lock_payable,
    require_side,
    save_fields,
)
from payables.services.contents import (
    add_attachments,
    add_lines,
    add_tags,
    clean_custom_fields,
    default_due_date,
    duplicate_invoice_number,
    files_of,
    is_invoice_number_clash,
    next_invoice_number,
    priced_lines,
    reconcile_amount,
    replace_attachments,
    replace_lines,
    replace_tags,
    tags_of,
)
from payables.services.lifecycle import submit_payable


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
    issue_date = base.today()
    invoice_number, _n = next_invoice_number(connection)
    return {
        "invoice_number": invoice_number,
        "issue_date": issue_date,
        "due_date": default_due_date(issue_date=issue_date, net_terms=connection.net_terms),
        "net_terms": connection.net_terms,
    }


def _insert_payable(payable: Payable, *, connection: Connection, generated: bool) -> None:
    """Insert, turning the invoice-number constraint into a 409 (or the next number if generated).

    A number the payee chose is inserted without a savepoint of its own: a clash ends the
    creation, and ``payable_create``'s transaction (a savepoint when nested) rolls it back.
    Only a generated number is retried, so only that insert needs one.
    """
    if not generated:
        try:
            payable.save(force_insert=True)
        except IntegrityError as exc:
            if is_invoice_number_clash(exc):
                raise duplicate_invoice_number(payable.invoice_number) from None
            raise
        return
    counter = None
    for _attempt in range(GENERATED_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                payable.save(force_insert=True)
            return
        except IntegrityError as exc:
            if not is_invoice_number_clash(exc):
                raise
            # Someone took the number between our look and our insert (an edit): take the next.
            if counter is None:
                counter = int(payable.invoice_number.removeprefix("INV-"))
            payable.invoice_number, counter = next_invoice_number(connection, after=counter)
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
    custom_fields, line_items = clean_custom_fields(
        payer_id=connection.payer_id,
        custom_fields=custom_fields,
        line_items=line_items or [],
        require=submit,
    )
    lines = priced_lines(line_items)
    amount = reconcile_amount(amount=amount, lines=lines)
    issue_date = issue_date or base.today()
    if due_date is None:
        due_date = default_due_date(issue_date=issue_date, net_terms=connection.net_terms)
    files = files_of(business_id=business_id, file_ids=attachments or [])
    tags = tags_of(business_id=business_id, tag_ids=tag_ids or [])

    generated = not invoice_number
    if generated:
        invoice_number, _n = next_invoice_number(connection)

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
    written = {}

    hashes = [f.sha256 for f in files]

    def insert() -> None:
        number = payable.invoice_number
        _insert_payable(payable, connection=connection, generated=generated)
        if submit and payable.invoice_number != number:
            # The generated number was taken meanwhile: check the one it got instead.
            payable.possible_duplicates = duplicates.possible_duplicates(payable, hashes=hashes)
            save_fields(payable, "possible_duplicates")
        add_lines(payable, lines)
        written["attachments"] = add_attachments(payable, files)
        written["tags"] = add_tags(payable, tags)

    # Created and submitted at once, it goes in SUBMITTED (or APPROVED): one INSERT, no UPDATE,
    # and its events (created, submitted...) in one multi-row INSERT.
    with events.batch():
        events.payable_created_event(payable=payable, actor=actor)
        if submit:
            submit_payable(
                payable,
                actor=actor,
                custom_fields_checked=True,
                insert=insert,
                hashes=hashes,
            )
        else:
            insert()
    attachment_links, tag_links = written["attachments"], written["tags"]
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
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(payable, actor, side=PAYEE, capability=Capability.INVOICE, action="edit")
    if not payable.is_editable:
        raise InvalidTransition(action="edit", current_status=payable.status)
    connection_id = changes.get("connection_id")
    if connection_id is not None and connection_id != payable.connection_id:
        raise field_error("connectionId", "A payable cannot move to another connection.")

    if "custom_fields" in changes or "line_items" in changes:
        custom_fields, line_items = clean_custom_fields(
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
        lines = priced_lines(changes["line_items"])
        if lines:
            assign("amount", reconcile_amount(amount=changes.get("amount"), lines=lines))
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
                save_fields(payable, *fields)
        except IntegrityError as exc:
            if is_invoice_number_clash(exc):
                raise duplicate_invoice_number(payable.invoice_number) from None
            raise
    if lines is not None:
        before = events.lines_summary(payable.line_items.all())
        replace_lines(payable, lines)
        changed.append("lineItems")
        if before != events.lines_summary(lines):
            diff.append(events.change("lineItems", before, events.lines_summary(lines)))
    if "attachments" in changes:
        before = [link.file.original_filename for link in payable.attachment_links.all()]
        files = files_of(business_id=payable.payee_id, file_ids=changes["attachments"])
        replace_attachments(payable, files)
        changed.append("attachments")
        after = [file.original_filename for file in files]
        if before != after:
            diff.append(events.change("attachments", before, after))
    if "tag_ids" in changes:
        tags = tags_of(business_id=payable.payee_id, tag_ids=changes["tag_ids"])
        replace_tags(payable, business_id=payable.payee_id, tags=tags)
        changed.append("tagIds")
    if changed:
        if not fields:
            save_fields(payable)  # bump updated_at
        # The payee's tags are its own: named in the note, their values never in the diff.
        events.payable_updated_event(
            payable=payable, actor=actor, changed=sorted(set(changed)), changes=diff
        )
    return payable


@transaction.atomic
def payable_set_tags(
    *, payable_id: str, actor, tag_ids: list[str], business_id: str | None = None
) -> tuple[Payable, str]:
    """Replace the caller's side's tags on a payable (any status); returns it and that business."""
    payable = lock_payable(payable_id=payable_id, actor=actor)
    side, acting = acting_side(payable, actor, business_id=business_id)
    require_side(payable, actor, side=side, capability=Capability.INVOICE, action="tag")
    tags = tags_of(business_id=acting, tag_ids=tag_ids)
    replace_tags(payable, business_id=acting, tags=tags)
    save_fields(payable)
    events.payable_tags_changed_event(payable=payable, actor=actor, business_id=acting)
    return payable, acting
