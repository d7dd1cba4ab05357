"""
The benchmark's dataset, loaded with COPY from Python generators (deterministic: one seed).

Shape: business 0 is the hub, a finance team that pays every other business (its inbox) and
is paid by every other business too. 60% of the payables are the hub's incoming bills, 30% its
outgoing invoices, 10% flow between the other businesses, over the rest of the connections.
Every payable has 3 line items and the timeline its status implies (created, submitted,
approved or declined, scheduled, paid or cancelled); scheduled and paid ones have their
payment (and paid ones the ledger transfer), submitted ones their review round (manual review)
and the approver's decision; a quarter carry a tag of the payee, a quarter of the submitted
ones a tag of the payer.

Rows are written as COPY text (tab-separated) with foreign-key triggers off for the session
(``session_replication_role = replica``): every reference is generated consistent, and the
checks would otherwise queue millions of deferred trigger events. VACUUM ANALYZE follows, so
the planner has statistics and index-only scans have a visibility map.
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from cleopay.core.ids import ALPHABET, RANDOM_LENGTH
from cleopay.core.invoice_numbers import duplicate_number_key, invoice_number_key

SEED = 20261121
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HISTORY = timedelta(days=730)
PASSWORD = "bench-password-not-secret"

STATUS_WEIGHTS = {
    "DRAFT": 10,
    "SUBMITTED": 15,
    "APPROVED": 12,
    "DECLINED": 5,
    "SCHEDULED": 8,
    "PAID": 45,
    "CANCELLED": 5,
}
TAG_NAMES = ["ops", "marketing", "it", "facilities", "legal", "priority"]
LINE_DESCRIPTIONS = [
    ("Consulting hours", "6200 Professional services"),
    ("Managed hosting", "6100 Software"),
    ("Office supplies", "6500 Office"),
    ("Freight", "5100 Shipping"),
    ("Licences", "6100 Software"),
    ("Cleaning", "6400 Facilities"),
]
# Hub members and the roles the benchmark acts with.
HUB_TEAM = ["owner", "admin", "approver", "approver", "accountant", "viewer"]
VENDOR_TEAM = ["owner", "accountant", "approver"]


@dataclass
class Loaded:
    """What the measurements need to know about the data just loaded."""

    hub_id: str
    hub_users: dict[str, str]  # role → user ID (the first of each role)
    vendor_ids: list[str]
    vendor_owners: dict[str, str]  # vendor business ID → its owner's user ID
    incoming_connections: list[str]  # hub pays (vendor → hub invoices)
    outgoing_connections: list[str]  # hub is paid (hub → customer invoices)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class Ids:
    """Deterministic public IDs of the project's shape (prefix + 22 base62 characters).

    Random bytes mapped onto the alphabet (byte mod 62: slightly uneven, which does not matter
    for test data), several times faster than choosing each character.
    """

    _TABLE = bytes(ord(ALPHABET[b % len(ALPHABET)]) for b in range(256))

    def __init__(self, rng: random.Random):
        self.randbytes = rng.randbytes

    def __call__(self, prefix: str) -> str:
        return prefix + "_" + self.randbytes(RANDOM_LENGTH).translate(self._TABLE).decode()


def _ts(value: datetime | None) -> str:
    return r"\N" if value is None else value.isoformat()


def _text(value) -> str:
    return r"\N" if value is None else str(value)


class Copier:
    """Writes rows to a table with COPY, a megabyte at a time, and records count and time."""

    def __init__(self, conn, loaded: Loaded):
        self.conn = conn
        self.loaded = loaded

    def copy(self, table: str, columns: list[str], rows) -> int:
        started = time.perf_counter()
        count = 0
        buffer: list[str] = []
        size = 0
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.conn.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                line = "\t".join(row) + "\n"
                buffer.append(line)
                size += len(line)
                count += 1
                if size > 1 << 20:
                    copy.write("".join(buffer))
                    buffer.clear()
                    size = 0
            if buffer:
                copy.write("".join(buffer))
        self.loaded.counts[table] = self.loaded.counts.get(table, 0) + count
        self.loaded.seconds[table] = (
            self.loaded.seconds.get(table, 0.0) + time.perf_counter() - started
        )
        return count


def load(conn, scale) -> Loaded:
    """Fill an empty, migrated database at ``scale``; ``conn`` is a psycopg connection."""
    from django.contrib.auth.hashers import make_password

    rng = random.Random(SEED)
    new_id = Ids(rng)
    with conn.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")

    # --- businesses, users, memberships, tags ------------------------------------------------
    businesses = [new_id("biz") for _ in range(scale.businesses)]
    hub, vendors = businesses[0], businesses[1:]
    password = make_password(PASSWORD)
    users: list[tuple[str, str, str, str]] = []  # (user, business, role, email)
    for index, business in enumerate(businesses):
        team = HUB_TEAM if index == 0 else VENDOR_TEAM
        for position, role in enumerate(team):
            users.append((new_id("usr"), business, role, f"b{index}-{role}{position}@bench.test"))
    first_of_role: dict[tuple[str, str], str] = {}
    for user_id, business, role, _email in users:
        first_of_role.setdefault((business, role), user_id)
    tags = {b: [(new_id("tag"), name) for name in TAG_NAMES] for b in businesses}

    loaded = Loaded(
        hub_id=hub,
        hub_users={role: first_of_role[(hub, role)] for role in set(HUB_TEAM)},
        vendor_ids=vendors,
        vendor_owners={v: first_of_role[(v, "owner")] for v in vendors},
        incoming_connections=[],
        outgoing_connections=[],
    )
    copier = Copier(conn, loaded)
    created = _ts(NOW - HISTORY - timedelta(days=30))

    copier.copy(
        "accounts_business",
        [
            "id",
            "name",
            "default_approval_action",
            "require_separate_payer",
            "created_at",
            "updated_at",
        ],
        (
            (
                b,
                f"{'Hub' if i == 0 else 'Vendor'} {i} Ltd",
                "manual_review",
                "f",
                created,
                created,
            )
            for i, b in enumerate(businesses)
        ),
    )
    copier.copy(
        "accounts_user",
        [
            "id",
            "password",
            "is_superuser",
            "email",
            "full_name",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        (
            (u, password, "f", email, f"{role.title()} {email.split('@')[0]}", "t", "f", created)
            for u, _b, role, email in users
        ),
    )
    copier.copy(
        "accounts_membership",
        ["role", "created_at", "updated_at", "business_id", "user_id"],
        ((role, created, created, b, u) for u, b, role, _e in users),
    )
    copier.copy(
        "connections_tag",
        ["id", "name", "created_at", "business_id"],
        ((tag_id, name, created, b) for b in businesses for tag_id, name in tags[b]),
    )

    # --- connections ---------------------------------------------------------------------------
    connections: list[tuple[str, str, str, str]] = []  # (id, payer, payee, status)
    for vendor in vendors:
        connections.append((new_id("conn"), hub, vendor, "active"))
        loaded.incoming_connections.append(connections[-1][0])
    for customer in vendors:
        connections.append((new_id("conn"), customer, hub, "active"))
        loaded.outgoing_connections.append(connections[-1][0])
    pairs = {(c[1], c[2]) for c in connections}
    others: list[tuple[str, str, str, str]] = []
    attempts = 0
    while len(connections) < scale.connections and attempts < scale.connections * 20:
        attempts += 1
        payer, payee = rng.sample(vendors, 2)
        if (payer, payee) in pairs:
            continue
        pairs.add((payer, payee))
        status = rng.choices(["active", "pending", "archived"], weights=[90, 5, 5])[0]
        connections.append((new_id("conn"), payer, payee, status))
        if status != "pending":
            others.append(connections[-1])
    copier.copy(
        "connections_connection",
        [
            "id", "status", "invited_email", "payer_alias", "payee_alias", "net_terms",
            "auto_approve", "created_at", "updated_at", "accepted_at", "archived_at",
            "invited_by_business_id", "payee_id", "payer_id",
        ],
        (
            (
                cid, status, "", "", "", "30", "f", created, created,
                r"\N" if status == "pending" else created,
                created if status == "archived" else r"\N",
                payee, payee, payer,
            )
            for cid, payer, payee, status in connections
        ),
    )  # fmt: skip
    copier.copy(
        "connections_connectiontag",
        ["connection_id", "tag_id"],
        (
            (cid, rng.choice(tags[payer])[0])
            for cid, payer, _payee, _s in connections
            if rng.random() < 0.3
        ),
    )

    # --- payables and everything hanging off them --------------------------------------------
    by_id = {c[0]: c for c in connections}
    incoming = [by_id[c] for c in loaded.incoming_connections]
    outgoing = [by_id[c] for c in loaded.outgoing_connections]
    others = others or incoming
    actors = {
        b: (first_of_role[(b, "owner")], first_of_role.get((b, "approver"))) for b in businesses
    }
    plan = _payable_plan(rng, new_id, scale.payables, incoming, outgoing, others, tags, actors)
    with _indexes_built_after(conn, PAYABLE_TABLES, loaded):
        _copy_payables(copier, plan)
    with conn.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    return loaded


PAYABLE_TABLES = [
    "payables_payable",
    "payables_lineitem",
    "payables_payableevent",
    "payables_payabletag",
    "payables_payment",
    "payables_ledgertransfer",
    "approvals_approvalrequest",
    "approvals_approval",
]


@contextmanager
def _indexes_built_after(conn, tables: list[str], loaded: Loaded):
    """Drop the secondary indexes of ``tables`` (not primary keys, not those a constraint
    owns) for the COPY, and build them again once the rows are in: one sorted build per index
    instead of millions of insertions into each."""
    definitions = []
    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                (table,),
            )
            definitions += cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.perf_counter()
    with conn.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in definitions:
            cursor.execute(definition)
    loaded.seconds["(indexes built after COPY)"] = time.perf_counter() - started
    loaded.counts["(indexes built after COPY)"] = len(definitions)


@dataclass(slots=True)
class _Row:
    payable: tuple
    lines: list
    events: list
    tags: list
    payment: tuple | None
    transfer: tuple | None
    review: tuple | None  # the approval request of its (one) submission round
    decision: tuple | None  # the approver's decision on it


def _payable_plan(rng, new_id, count, incoming, outgoing, others, tags, actors):
    """One ``_Row`` per payable, oldest first, generated lazily."""
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    per_connection: dict[str, int] = {}
    step = HISTORY / count
    start = NOW - HISTORY
    for n in range(count):
        pick = rng.random()
        pool = incoming if pick < 0.6 else outgoing if pick < 0.9 else others
        conn_id, payer, payee, _status = pool[rng.randrange(len(pool))]
        status = rng.choices(statuses, weights)[0]
        created_at = start + step * n + timedelta(seconds=rng.random())
        number = per_connection.get(conn_id, 0) + 1
        per_connection[conn_id] = number
        yield _one_payable(
            rng, new_id, status, created_at, conn_id, payer, payee, number, tags, actors
        )


def _one_payable(rng, new_id, status, created_at, conn_id, payer, payee, number, tags, actors):
    pay_id = new_id("pay")
    payee_owner, _ = actors[payee]
    payer_owner, payer_approver = actors[payer]
    approver = payer_approver or payer_owner
    hour = timedelta(hours=1)
    issue = created_at.date()
    due = issue + timedelta(days=30)

    # Lines: integer quantities of whole-cent prices; the amount is their sum.
    lines, amount_cents = [], 0
    for position in (1, 2, 3):
        description, category = LINE_DESCRIPTIONS[rng.randrange(len(LINE_DESCRIPTIONS))]
        quantity = rng.randint(1, 12)
        unit = rng.randint(500, 250_000)
        total = quantity * unit
        amount_cents += total
        lines.append(
            (
                new_id("li"), str(position), description, str(quantity), _cents(unit),
                _cents(total), category, "{}", pay_id,
            )
        )  # fmt: skip

    submitted = status != "DRAFT" and not (status == "CANCELLED" and rng.random() < 0.5)
    submitted_at = created_at + hour if submitted else None
    approved_at = submitted_at + hour if status in ("APPROVED", "SCHEDULED", "PAID") else None
    declined_at = submitted_at + hour if status == "DECLINED" else None
    paid_at = approved_at + 24 * hour if status == "PAID" else None
    cancelled_at = (submitted_at or created_at) + hour if status == "CANCELLED" else None
    approval = {
        "DRAFT": "",
        "SUBMITTED": "manual_review",
        "APPROVED": "approved",
        "DECLINED": "declined",
        "SCHEDULED": "approved",
        "PAID": "approved",
        "CANCELLED": "manual_review" if submitted else "",
    }[status]
    updated_at = paid_at or cancelled_at or declined_at or approved_at or submitted_at or created_at

    events = []

    def event(type_, actor, business, from_status, to_status, at, note=""):
        events.append(
            (
                new_id("evt"), str(len(events) + 1), type_, _text(from_status), to_status, note,
                _ts(at), _text(actor), business, pay_id,
                "payee" if type_ == "payable.created" else "both",
            )
        )  # fmt: skip

    event("payable.created", payee_owner, payee, None, "DRAFT", created_at)
    if submitted:
        event("payable.submitted", payee_owner, payee, "DRAFT", "SUBMITTED", submitted_at)
    if approved_at:
        event("payable.approved", approver, payer, "SUBMITTED", "APPROVED", approved_at)
    if declined_at:
        event("payable.declined", approver, payer, "SUBMITTED", "DECLINED", declined_at)
    payment = transfer = None
    amount = _cents(amount_cents)
    if status == "SCHEDULED":
        payment_id = new_id("pmt")
        event("payable.scheduled", payer_owner, payer, "APPROVED", "SCHEDULED", approved_at + hour)
        payment = (
            payment_id, amount, (NOW.date() + timedelta(days=rng.randint(1, 60))).isoformat(),
            "pending", "ledger", "", "", _ts(approved_at + hour), _ts(approved_at + hour),
            r"\N", r"\N", _text(payer_owner), pay_id, "ach",
        )  # fmt: skip
    if status == "PAID":
        payment_id = new_id("pmt")
        reference = "LDG-" + pay_id[4:20].upper()
        event("payment.completed", payer_owner, payer, "APPROVED", "APPROVED", paid_at)
        event("payable.paid", payer_owner, payer, "APPROVED", "PAID", paid_at)
        payment = (
            payment_id, amount, paid_at.date().isoformat(), "completed", "ledger", reference, "",
            _ts(paid_at), _ts(paid_at), _ts(paid_at), _ts(paid_at), _text(payer_owner), pay_id, "ach",
        )  # fmt: skip
        transfer = (amount, reference, _ts(paid_at), payee, payer, payment_id)
    if cancelled_at:
        by, side, source = (
            (payer_owner, payer, "SUBMITTED") if submitted else (payee_owner, payee, "DRAFT")
        )
        event("payable.cancelled", by, side, source, "CANCELLED", cancelled_at)

    row_tags = []
    if rng.random() < 0.25:
        row_tags.append((pay_id, rng.choice(tags[payee])[0]))
    if submitted and rng.random() < 0.25:
        row_tags.append((pay_id, rng.choice(tags[payer])[0]))

    review = decision = None
    if submitted:
        # One review round under manual review, closed the way the status says.
        request_id = new_id("apr")
        closed_at = approved_at or declined_at or cancelled_at
        state = (
            "approved" if approved_at else "declined" if declined_at
            else "cancelled" if cancelled_at else "pending"
        )  # fmt: skip
        review = (
            request_id, "1", "manual_review", r"\N", state, "0", _ts(submitted_at),
            _ts(closed_at), pay_id,
        )  # fmt: skip
        if approved_at or declined_at:
            decision = (
                "0", "approved" if approved_at else "declined",
                "" if approved_at else "Over budget", _ts(approved_at or declined_at),
                request_id, approver,
            )  # fmt: skip

    custom = f'{{"poNumber": "PO-{rng.randint(1000, 99999)}"}}' if rng.random() < 0.2 else "{}"
    payable = (
        pay_id, status, amount, "USD", issue.isoformat(), due.isoformat(), f"INV-{number:06d}",
        f"{LINE_DESCRIPTIONS[rng.randrange(6)][0]} for {issue:%B %Y}", custom, approval,
        "Over budget" if declined_at else "", "Duplicate" if cancelled_at else "",
        _ts(submitted_at), _ts(approved_at), _ts(declined_at), _ts(paid_at), _ts(cancelled_at),
        _ts(created_at), _ts(updated_at), conn_id, payee_owner, payee, payer,
        _text(payee_owner if submitted else None),
        invoice_number_key(f"INV-{number:06d}"), amount if status == "PAID" else "0.00", "0.00",
        duplicate_number_key(f"INV-{number:06d}"), "[]",
    )  # fmt: skip
    return _Row(payable, lines, events, row_tags, payment, transfer, review, decision)


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


PAYABLE_COLUMNS = [
    "id", "status", "amount", "currency", "issue_date", "due_date", "invoice_number", "memo",
    "custom_fields", "approval_status", "decline_reason", "cancel_reason", "submitted_at",
    "approved_at", "declined_at", "paid_at", "cancelled_at", "created_at", "updated_at",
    "connection_id", "created_by_id", "payee_id", "payer_id", "submitted_by_id",
    "invoice_key", "amount_paid", "amount_credited", "duplicate_key", "possible_duplicates",
]  # fmt: skip
LINE_COLUMNS = [
    "id", "position", "description", "quantity", "unit_price", "total", "accounting_category",
    "custom_fields", "payable_id",
]  # fmt: skip
EVENT_COLUMNS = [
    "id", "position", "type", "from_status", "to_status", "note", "created_at", "actor_id",
    "business_id", "payable_id", "visibility",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "id", "amount", "scheduled_for", "status", "rail", "rail_reference", "failure_reason",
    "created_at", "updated_at", "processing_started_at", "completed_at", "created_by_id",
    "payable_id", "method",
]  # fmt: skip
TRANSFER_COLUMNS = ["amount", "reference", "created_at", "payee_id", "payer_id", "payment_id"]
REVIEW_COLUMNS = [
    "id", "round", "outcome", "snapshot", "status", "current_step", "created_at", "closed_at",
    "payable_id",
]  # fmt: skip
DECISION_COLUMNS = ["step", "decision", "reason", "decided_at", "request_id", "user_id"]


def _copy_payables(copier: Copier, plan) -> None:
    """Payables first, in batches, then each batch's dependants (the FK checks are off, but a
    reader of the half-loaded database still sees parents before children)."""
    batch: list[_Row] = []

    def flush():
        copier.copy("payables_payable", PAYABLE_COLUMNS, (r.payable for r in batch))
        copier.copy("payables_lineitem", LINE_COLUMNS, (line for r in batch for line in r.lines))
        copier.copy("payables_payableevent", EVENT_COLUMNS, (e for r in batch for e in r.events))
        copier.copy(
            "payables_payabletag", ["payable_id", "tag_id"], (t for r in batch for t in r.tags)
        )
        copier.copy("payables_payment", PAYMENT_COLUMNS, (r.payment for r in batch if r.payment))
        copier.copy(
            "payables_ledgertransfer", TRANSFER_COLUMNS, (r.transfer for r in batch if r.transfer)
        )
        copier.copy(
            "approvals_approvalrequest", REVIEW_COLUMNS, (r.review for r in batch if r.review)
        )
        copier.copy(
            "approvals_approval", DECISION_COLUMNS, (r.decision for r in batch if r.decision)
        )
        batch.clear()

    for row in plan:
        batch.append(row)
        if len(batch) >= 50_000:
            flush()
    if batch:
        flush()


def today() -> date:
    return NOW.date()


def export_window(scale) -> tuple[str, str]:
    """A due-date range holding about a tenth of the payables (issue dates are spread evenly)."""
    first_due = (NOW - HISTORY).date() + timedelta(days=30)
    start = first_due + HISTORY * 0.45
    return start.isoformat(), (start + HISTORY / 10 - timedelta(days=1)).isoformat()


def describe() -> Loaded:
    """What a loaded benchmark database holds, read back from it (``--reuse``): the hub is
    business 0, named ``Hub 0 Ltd``."""
    from accounts.models import Business, Membership
    from connections.models import Connection

    hub = Business.objects.get(name="Hub 0 Ltd").pk
    hub_users = {}
    for role, user_id in (
        Membership.objects.filter(business_id=hub)
        .order_by("user__email")
        .values_list("role", "user_id")
    ):
        hub_users.setdefault(role, user_id)
    vendors = list(Business.objects.exclude(pk=hub).order_by("name").values_list("pk", flat=True))
    owners = dict(
        Membership.objects.filter(role="owner")
        .exclude(business_id=hub)
        .values_list("business_id", "user_id")
    )

    def sides(**side):
        return list(
            Connection.objects.filter(**side)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )

    return Loaded(
        hub_id=hub,
        hub_users=hub_users,
        vendor_ids=vendors,
        vendor_owners=owners,
        incoming_connections=sides(payer_id=hub),
        outgoing_connections=sides(payee_id=hub),
    )
