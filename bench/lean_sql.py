"""The lean floors: each write as the leanest SQL for the same behaviour, psycopg 3, prepared.

Not our statements rewritten: the rows each operation must leave behind (the payable, its lines,
its timeline events, the outbox rows for webhooks, the approval round, the notifications), written
with as few statements as that takes: multi-row inserts, event positions and roles read by the
row lock, the payable inserted already SUBMITTED, the ledger transfer as ``INSERT ... ON CONFLICT
... RETURNING``. Authorization is the token's row with the user's roles in one read (the digest
compared in Python, as knox does), then the side and role checked in Python.
"""

import hmac
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

APPROVER_ROLES = ["owner", "admin", "approver"]
PAYER_ROLES = ["owner", "admin"]

AUTH = """
SELECT t.digest, t.user_id,
       coalesce(json_object_agg(m.business_id, m.role) FILTER (WHERE m.business_id IS NOT NULL),
                '{}')
FROM knox_authtoken t
JOIN accounts_user u ON u.id = t.user_id AND u.is_active
LEFT JOIN accounts_membership m ON m.user_id = t.user_id
WHERE t.token_key = %s AND (t.expiry IS NULL OR t.expiry > now())
GROUP BY t.digest, t.user_id
"""

CONNECTION = """
SELECT c.payer_id, c.auto_approve, p.default_approval_action, p.name,
       EXISTS (SELECT 1 FROM approvals_approvalworkflow w
               WHERE w.business_id = c.payer_id AND w.active),
       array(SELECT m.user_id FROM accounts_membership m
             WHERE m.business_id = c.payer_id AND m.role = ANY(%s))
FROM connections_connection c
JOIN accounts_business p ON p.id = c.payer_id
WHERE c.id = %s AND c.payee_id = %s AND c.status = 'active'
FOR KEY SHARE OF c
"""

INSERT_SUBMITTED = """
INSERT INTO payables_payable (id, connection_id, payee_id, payer_id, status, amount, amount_paid,
    amount_credited, currency, issue_date, due_date, invoice_number, invoice_key, memo,
    custom_fields, approval_status, decline_reason, cancel_reason, submitted_at, submitted_by_id,
    created_by_id, created_at, updated_at, duplicate_key, possible_duplicates)
VALUES (%s, %s, %s, %s, 'SUBMITTED', %s, 0, 0, 'USD', current_date, %s, %s, lower(%s), %s, '{}',
    'manual_review', '', '', now(), %s, %s, now(), now(), '', '[]')
"""

INSERT_LINES = """
INSERT INTO payables_lineitem (id, payable_id, position, description, quantity, unit_price, total,
    accounting_category, custom_fields)
SELECT unnest(%s::text[]), %s, generate_subscripts(%s::text[], 1), unnest(%s::text[]),
       unnest(%s::numeric[]), unnest(%s::numeric[]), unnest(%s::numeric[]), '', '{}'
"""

INSERT_EVENTS = """
INSERT INTO payables_payableevent (id, payable_id, position, type, actor_id, business_id,
    from_status, to_status, note, visibility, created_at)
SELECT unnest(%s::text[]), %s, %s + generate_subscripts(%s::text[], 1), unnest(%s::text[]), %s,
       %s, unnest(%s::text[]), unnest(%s::text[]), unnest(%s::text[]), unnest(%s::text[]), now()
"""

INSERT_WEBHOOK_EVENTS = """
INSERT INTO webhooks_event (id, business_id, type, subject_type, subject_id, source_id,
    created_at)
SELECT unnest(%s::text[]), unnest(%s::text[]), unnest(%s::text[]), 'payable', %s,
       unnest(%s::text[]), now()
"""

INSERT_REQUEST = """
INSERT INTO approvals_approvalrequest (id, payable_id, round, outcome, status, current_step,
    created_at)
VALUES (%s, %s, 1, 'manual_review', 'pending', 0, now())
"""

INSERT_NOTIFICATIONS = """
INSERT INTO notifications_notification (id, user_id, business_id, payable_id, type, message,
    note, created_at)
SELECT unnest(%s::text[]), unnest(%s::text[]), %s, %s, %s, %s, %s, now()
"""

# Notify a business's owners (and admins): who they are is read by the insert itself.
NOTIFY_BUSINESS = """
INSERT INTO notifications_notification (id, user_id, business_id, payable_id, type, message,
    note, created_at)
SELECT 'ntf_' || substr(md5(random()::text || m.user_id), 1, 22), m.user_id, %s, %s, %s, %s, %s,
       now()
FROM accounts_membership m
WHERE m.business_id = %s AND m.role = ANY(%s)
"""

LOCK_FOR_REVIEW = """
SELECT p.status, p.payer_id, p.payee_id, p.invoice_number, p.amount, p.created_by_id,
       p.submitted_by_id, r.id, r.current_step,
       (SELECT max(e.position) FROM payables_payableevent e WHERE e.payable_id = p.id),
       (SELECT json_agg(json_build_array(l.id, l.description, l.quantity, l.unit_price, l.total)
                        ORDER BY l.position)
        FROM payables_lineitem l WHERE l.payable_id = p.id)
FROM payables_payable p
JOIN approvals_approvalrequest r ON r.payable_id = p.id AND r.status = 'pending'
WHERE p.id = %s AND p.payer_id = ANY(%s)
FOR UPDATE OF p
"""

INSERT_APPROVAL = """
INSERT INTO approvals_approval (request_id, step, user_id, decision, reason, decided_at)
VALUES (%s, %s, %s, 'approved', '', now())
"""

CLOSE_REQUEST = (
    "UPDATE approvals_approvalrequest SET status = 'approved', closed_at = now() WHERE id = %s"
)

APPROVE = """
UPDATE payables_payable SET status = 'APPROVED', approval_status = 'approved', approved_at = now(),
    updated_at = now()
WHERE id = %s
"""

LOCK_FOR_PAYMENT = """
SELECT p.status, p.payer_id, p.payee_id, p.invoice_number, p.amount, p.amount_paid,
       b.require_separate_payer, p.approval_status,
       (SELECT max(e.position) FROM payables_payableevent e WHERE e.payable_id = p.id),
       (SELECT y.id FROM payables_payment y
        WHERE y.payable_id = p.id AND y.status IN ('pending', 'processing')),
       (SELECT json_agg(json_build_array(l.id, l.description, l.quantity, l.unit_price, l.total)
                        ORDER BY l.position)
        FROM payables_lineitem l WHERE l.payable_id = p.id)
FROM payables_payable p
JOIN accounts_business b ON b.id = p.payer_id
WHERE p.id = %s AND p.payer_id = ANY(%s)
FOR UPDATE OF p
"""

INSERT_PAYMENT = """
INSERT INTO payables_payment (id, payable_id, amount, method, scheduled_for, status, rail,
    rail_reference, failure_reason, created_by_id, created_at, updated_at)
VALUES (%s, %s, %s, 'ach', %s, 'pending', 'ledger', '', '', %s, now(), now())
"""

SCHEDULE = "UPDATE payables_payable SET status = 'SCHEDULED', updated_at = now() WHERE id = %s"

TRANSFER = """
INSERT INTO payables_ledgertransfer (payment_id, payer_id, payee_id, amount, reference, created_at)
VALUES (%s, %s, %s, %s, %s, now())
ON CONFLICT (payment_id) DO UPDATE SET payment_id = EXCLUDED.payment_id
RETURNING reference
"""

COMPLETE_PAYMENT = """
UPDATE payables_payment SET status = 'completed', scheduled_for = least(scheduled_for, current_date),
    processing_started_at = now(), rail_reference = %s, completed_at = now(), updated_at = now()
WHERE id = %s
"""

PAID = """
UPDATE payables_payable SET status = 'PAID', amount_paid = amount_paid + %s, paid_at = now(),
    updated_at = now()
WHERE id = %s
"""


def _check_auth(conn, token, auth=None) -> tuple[str, dict[str, str]]:
    """(user ID, business → role) for a bearer token, as knox checks it: one read, the digest
    compared in Python. ``auth`` (read before) stands for it where no request is made (the
    lifecycle through the services has no token to check)."""
    if auth is not None:
        return auth
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    row = conn.execute(AUTH, (token[: CONSTANTS.TOKEN_KEY_LENGTH],), prepare=True).fetchone()
    if row is None or not hmac.compare_digest(row[0], hash_token(token)):
        raise PermissionError("invalid token")
    roles = row[2] if isinstance(row[2], dict) else json.loads(row[2])
    return row[1], roles


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal


def create_submit(
    conn, new_id, *, token=None, auth=None, business_id, connection_id, number, due, memo, lines
):
    """POST /payables with ``submit``: a payable SUBMITTED for manual review with its lines, its
    two timeline events and their webhook rows, the approval round, and a notification to each
    approver of the payer. Returns the payable's ID."""
    user, roles = _check_auth(conn, token, auth)
    if roles.get(business_id) not in ("owner", "admin", "accountant"):
        raise PermissionError("role")
    pay_id = new_id("pay")
    totals = [(x.quantity * x.unit_price).quantize(Decimal("0.01")) for x in lines]
    amount = sum(totals, Decimal("0"))
    with conn.transaction():
        found = conn.execute(
            CONNECTION, (APPROVER_ROLES, connection_id, business_id), prepare=True
        ).fetchone()
        if found is None:
            raise LookupError("connection")
        payer, _auto, _default, _payer_name, _workflow, approvers = found
        conn.execute(
            INSERT_SUBMITTED,
            (pay_id, connection_id, business_id, payer, amount, due, number, number, memo, user,
             user),
            prepare=True,
        )  # fmt: skip
        line_ids = [new_id("li") for _ in lines]
        conn.execute(
            INSERT_LINES,
            (line_ids, pay_id, line_ids, [x.description for x in lines],
             [x.quantity for x in lines], [x.unit_price for x in lines], totals),
            prepare=True,
        )  # fmt: skip
        events = [new_id("evt"), new_id("evt")]
        conn.execute(
            INSERT_EVENTS,
            (events, pay_id, 0, events, ["payable.created", "payable.submitted"], user,
             business_id, [None, "DRAFT"], ["DRAFT", "SUBMITTED"], ["", ""], ["payee", "both"]),
            prepare=True,
        )  # fmt: skip
        conn.execute(
            INSERT_WEBHOOK_EVENTS,
            ([new_id("whe") for _ in range(3)], [business_id, business_id, payer],
             ["payable.created", "payable.submitted", "payable.submitted"], pay_id,
             [events[0], events[1], events[1]]),
            prepare=True,
        )  # fmt: skip
        conn.execute(INSERT_REQUEST, (new_id("apr"), pay_id), prepare=True)
        message = f"Invoice {number} for ${amount:,} awaits your approval."
        conn.execute(
            INSERT_NOTIFICATIONS,
            ([new_id("ntf") for _ in approvers], approvers, payer, pay_id, "approval_requested",
             message, ""),
            prepare=True,
        )  # fmt: skip
    return pay_id


def approve(conn, new_id, *, token=None, auth=None, payable_id):
    """POST /approve on a one-step manual review: the approval, the round closed, APPROVED, the
    event and its webhook rows, the payee's owners told. Returns the payable's row and lines."""
    user, roles = _check_auth(conn, token, auth)
    payer_ids = [b for b, role in roles.items() if role in APPROVER_ROLES]
    with conn.transaction():
        row = conn.execute(LOCK_FOR_REVIEW, (payable_id, payer_ids), prepare=True).fetchone()
        if row is None:
            raise LookupError("payable")
        status, payer, payee, number, amount, author, submitter, request, step, last, _lines = row
        if status != "SUBMITTED" or user in (author, submitter):
            raise PermissionError("approve")
        conn.execute(INSERT_APPROVAL, (request, step, user), prepare=True)
        conn.execute(CLOSE_REQUEST, (request,), prepare=True)
        conn.execute(APPROVE, (payable_id,), prepare=True)
        _event(conn, new_id, payable_id, last, user, payer, payee, "payable.approved",
               "SUBMITTED", "APPROVED", "Approved under manual review.")  # fmt: skip
        conn.execute(
            NOTIFY_BUSINESS,
            (payee, payable_id, "payable_approved", f"Approved invoice {number} for ${amount:,}.",
             "", payee, PAYER_ROLES),
            prepare=True,
        )  # fmt: skip
    return row


def _event(conn, new_id, payable_id, last, user, acting, other, type_, source, target, note):
    event = new_id("evt")
    conn.execute(
        INSERT_EVENTS,
        ([event], payable_id, last or 0, [event], [type_], user, acting, [source], [target],
         [note], ["both"]),
        prepare=True,
    )  # fmt: skip
    conn.execute(
        INSERT_WEBHOOK_EVENTS,
        ([new_id("whe"), new_id("whe")], [acting, other], [type_, type_], payable_id,
         [event, event]),
        prepare=True,
    )  # fmt: skip


def schedule(conn, new_id, *, token=None, auth=None, payable_id, on: date):
    """POST /schedule: a pending payment for ``on``, SCHEDULED, the event and its webhook rows,
    the payee's owners told."""
    user, roles = _check_auth(conn, token, auth)
    payer_ids = [b for b, role in roles.items() if role in PAYER_ROLES]
    with conn.transaction():
        row = conn.execute(LOCK_FOR_PAYMENT, (payable_id, payer_ids), prepare=True).fetchone()
        if row is None:
            raise LookupError("payable")
        status, payer, payee, number, amount, paid, _separate, _approval, last, open_, _ = row
        if status != "APPROVED" or open_ is not None:
            raise PermissionError("schedule")
        due = amount - paid
        conn.execute(INSERT_PAYMENT, (new_id("pmt"), payable_id, due, on, user), prepare=True)
        conn.execute(SCHEDULE, (payable_id,), prepare=True)
        _event(conn, new_id, payable_id, last, user, payer, payee, "payable.scheduled",
               "APPROVED", "SCHEDULED", f"Payment of ${due:,} scheduled for {on}.")  # fmt: skip
        conn.execute(
            NOTIFY_BUSINESS,
            (payee, payable_id, "payable_scheduled", f"Invoice {number} (${due:,}) scheduled.",
             on.isoformat(), payee, PAYER_ROLES),
            prepare=True,
        )  # fmt: skip
    return row


def pay(conn, new_id, *, token=None, auth=None, payable_id):
    """POST /pay of a SCHEDULED payable by ACH through the ledger rail: the transfer, the payment
    completed, PAID, the two events and their webhook rows, the payee's owners told."""
    user, roles = _check_auth(conn, token, auth)
    payer_ids = [b for b, role in roles.items() if role in PAYER_ROLES]
    with conn.transaction():
        row = conn.execute(LOCK_FOR_PAYMENT, (payable_id, payer_ids), prepare=True).fetchone()
        if row is None:
            raise LookupError("payable")
        status, payer, payee, number, amount, paid, _separate, _approval, last, payment, _ = row
        if status not in ("APPROVED", "SCHEDULED") or payment is None:
            raise PermissionError("pay")
        due = amount - paid
        reference = conn.execute(
            TRANSFER, (payment, payer, payee, due, "LDG-" + new_id("x")[2:18]), prepare=True
        ).fetchone()[0]
        conn.execute(COMPLETE_PAYMENT, (reference, payment), prepare=True)
        conn.execute(PAID, (due, payable_id), prepare=True)
        events = [new_id("evt"), new_id("evt")]
        conn.execute(
            INSERT_EVENTS,
            (events, payable_id, last or 0, events, ["payment.completed", "payable.paid"], user,
             payer, [status, status], [status, "PAID"], [f"Payment of ${due:,} completed.", ""],
             ["both", "both"]),
            prepare=True,
        )  # fmt: skip
        conn.execute(
            INSERT_WEBHOOK_EVENTS,
            ([new_id("whe") for _ in range(4)], [payer, payee, payer, payee],
             ["payment.completed", "payment.completed", "payable.paid", "payable.paid"],
             payable_id, [events[0], events[0], events[1], events[1]]),
            prepare=True,
        )  # fmt: skip
        conn.execute(
            NOTIFY_BUSINESS,
            (payee, payable_id, "payable_paid", f"Paid invoice {number} (${due:,}).", "", payee,
             PAYER_ROLES),
            prepare=True,
        )  # fmt: skip
    return row


def roles_of(conn, user_id: str) -> tuple[str, dict[str, str]]:
    rows = conn.execute(
        "SELECT business_id, role FROM accounts_membership WHERE user_id = %s", (user_id,)
    ).fetchall()
    return user_id, dict(rows)


def lifecycle(conn, new_id, *, vendor, vendor_id, connection_id, approver, owner, number, lines):
    """create → submit → approve → schedule → pay, each step the floor above, for users whose
    roles are in hand (``roles_of``), as the services are called."""
    today = date.today()
    pay_id = create_submit(
        conn, new_id, auth=vendor, business_id=vendor_id, connection_id=connection_id,
        number=number, due=today + timedelta(days=30), memo="", lines=lines,
    )  # fmt: skip
    approve(conn, new_id, auth=approver, payable_id=pay_id)
    schedule(conn, new_id, auth=owner, payable_id=pay_id, on=today + timedelta(days=7))
    pay(conn, new_id, auth=owner, payable_id=pay_id)
    return pay_id
