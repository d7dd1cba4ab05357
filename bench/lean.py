"""Item 8: CPU per operation of every hot write (and the inbox API), app + PostgreSQL, each next
to its lean floor, side by side in one run, in this process.

The app's CPU is this process's (``time.process_time``), PostgreSQL's that of the connection's
backend (``/proc/<pid>/stat``): both are load-independent, so a busy machine slows a run down
without moving its figures. An operation is run ``ops`` times per round (after a warm-up); each
figure is the median of the rounds' per-operation means. Statements are counted in one extra
operation (counting costs CPU of its own).

- The API operations go through Django's whole request handler (middleware, DRF, rendering) with
  the test client, with the server's settings (DEBUG off, tasks published to Redis when the run
  has it, as the server does).
- The floors (``bench.lean_sql``) are psycopg 3 with server-side prepared statements on their
  own connection.
- The inbox floor is a plain Django view (``bench.lean_views``) running the API's own SQL through
  Django's cursor and answering the same bytes; the typical DRF create is a ModelSerializer with
  nested lines behind a DRF view, built here.
"""

import json
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bench import lean_sql
from bench.cpu import _cpu_of

LINES = [
    ("Consulting hours", Decimal(10), Decimal("150.00")),
    ("Travel", Decimal(1), Decimal("420.50")),
    ("Licences", Decimal(3), Decimal("99.99")),
]

# (item, operation, floor, target ratio of CPU per operation)
TARGETS = [
    ("create + submit, API", "create_api", "create_floor", 2.5),
    ("lifecycle, services", "lifecycle_services", "lifecycle_floor", 2.0),
    ("approve, API", "approve_api", "approve_floor", 3.0),
    ("schedule, API", "schedule_api", "schedule_floor", 3.0),
    ("pay, API", "pay_api", "pay_floor", 3.0),
    ("inbox API", "inbox_api", "inbox_plain", 1.1),
    ("create + submit vs a typical DRF create", "create_api", "drf_create", None),
]


@dataclass
class Cost:
    app_ms: float
    db_ms: float
    statements: int

    @property
    def total_ms(self) -> float:
        return self.app_ms + self.db_ms

    def as_dict(self) -> dict:
        return {
            "app_ms": round(self.app_ms, 2),
            "db_ms": round(self.db_ms, 2),
            "total_ms": round(self.total_ms, 2),
            "statements": self.statements,
        }


def measure(operation, backend_pid: int, *, ops: int, rounds: int, count_statements) -> Cost:
    """Median over ``rounds`` of the CPU per operation; ``operation(i)`` does the i-th one."""
    index = 0

    def run(n):
        nonlocal index
        for _ in range(n):
            operation(index)
            index += 1

    run(max(2, ops // 10))  # warm-up: connections, caches, prepared plans
    statements = count_statements(lambda: run(1))
    app, db = [], []
    for _ in range(rounds):
        app_before, db_before = time.process_time(), _cpu_of(backend_pid)
        run(ops)
        app.append((time.process_time() - app_before) * 1000 / ops)
        db.append((_cpu_of(backend_pid) - db_before) * 1000 / ops)
    return Cost(statistics.median(app), statistics.median(db), statements)


def _django_statements(run) -> int:
    from django.db import connection

    sent = []
    with connection.execute_wrapper(lambda execute, *a: sent.append(1) or execute(*a)):
        run()
    return len(sent)


class _CountingConnection:
    """Counts what a psycopg connection sends (statements, BEGIN and COMMIT included)."""

    def __init__(self, conn):
        self.conn = conn
        self.sent = 0

    def execute(self, *args, **kwargs):
        self.sent += 1
        return self.conn.execute(*args, **kwargs)

    def transaction(self):
        self.sent += 2
        return self.conn.transaction()


def _django_backend() -> int:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.info.backend_pid


# --- what the run acts on --------------------------------------------------------------------
@dataclass
class World:
    hub_id: str
    accountant_token: str
    approver_token: str
    owner_token: str
    approver_id: str
    owner_id: str
    outgoing: list[str]  # hub → customers
    incoming: list[tuple[str, str, str]]  # (connection, vendor, vendor owner) vendor → hub


def prepare(loaded, actors) -> World:
    from accounts.models import User
    from connections.models import Connection

    every = list(
        Connection.objects.filter(payer_id=loaded.hub_id, status="active")
        .order_by("id")
        .values_list("id", "payee_id")[:50]
    )
    incoming = []
    for connection_id, vendor in every:
        owner = (
            User.objects.filter(memberships__business_id=vendor, memberships__role="owner")
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        if owner:
            incoming.append((connection_id, vendor, owner))
    return World(
        hub_id=loaded.hub_id,
        accountant_token=actors.accountant_token,
        approver_token=actors.approver_token,
        owner_token=actors.owner_token,
        approver_id=loaded.hub_users["approver"],
        owner_id=loaded.hub_users["owner"],
        outgoing=actors.outgoing_connections[:200],
        incoming=incoming,
    )


def _submitted_pool(world: World, n: int, stamp: str) -> list[str]:
    """``n`` vendor invoices to the hub, SUBMITTED for manual review (made by the services)."""
    from accounts.models import User
    from payables import services

    owners = {owner: User.objects.get(pk=owner) for _c, _v, owner in world.incoming}
    made = []
    for i in range(n):
        connection_id, vendor, owner = world.incoming[i % len(world.incoming)]
        payable = services.payable_create(
            business_id=vendor,
            actor=owners[owner],
            connection_id=connection_id,
            invoice_number=f"{stamp}-{i}",
            line_items=[{"description": d, "quantity": q, "unit_price": u} for d, q, u in LINES],
        )
        services.payable_submit(payable_id=payable.id, actor=owners[owner])
        made.append(payable.id)
    return made


# --- the run ------------------------------------------------------------------------------------
def run(database_url: str, loaded, actors, *, ops: int, rounds: int) -> dict:
    import random

    import psycopg
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from bench.dataset import Ids
    from bench.measures import _create_body, inbox_path

    world = prepare(loaded, actors)
    new_id = Ids(random.Random())
    stamp = f"LEAN{int(time.time())}"
    per_round = ops
    pool_size = per_round * rounds + max(2, ops // 10) + 1
    due = (timezone.now().date() + timedelta(days=30)).isoformat()
    on = timezone.now().date() + timedelta(days=7)
    results: dict = {"ops": ops, "rounds": rounds}

    def headers(token):
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    with override_settings(ROOT_URLCONF="bench.lean_views"):
        client = Client(HTTP_HOST="127.0.0.1")
        django_pid = _django_backend()

        def api_post(path, token, body, expect):
            response = client.post(path, body, content_type="application/json", **headers(token))
            assert response.status_code == expect, (path, response.content[:300])

        # create + submit over the API, and the typical DRF create
        bodies = [
            _create_body(c, due).replace("{n}", f"{stamp}-{k}")
            for k, c in enumerate(world.outgoing)
        ]

        def create_api(i):
            body = bodies[i % len(bodies)].replace(f"{stamp}-", f"{stamp}-c{i}-")
            api_post(f"/api/businesses/{world.hub_id}/payables", world.accountant_token, body, 201)

        def drf_create(i):
            body = bodies[i % len(bodies)].replace(f"{stamp}-", f"{stamp}-d{i}-")
            api_post("/bench/drf-create", world.accountant_token, body, 201)

        results["create_api"] = _run(create_api, django_pid, ops, rounds)
        results["drf_create"] = _run(drf_create, django_pid, ops, rounds)

        # approve, schedule, pay over the API, each on payables the step before left
        pool = _submitted_pool(world, pool_size, f"{stamp}-a")
        results["approve_api"] = _run(
            lambda i: api_post(f"/api/payables/{pool[i]}/approve", world.approver_token, "{}", 200),
            django_pid, ops, rounds,
        )  # fmt: skip
        schedule_body = json.dumps({"date": on.isoformat()})
        results["schedule_api"] = _run(
            lambda i: api_post(
                f"/api/payables/{pool[i]}/schedule", world.owner_token, schedule_body, 200
            ),
            django_pid, ops, rounds,
        )  # fmt: skip
        results["pay_api"] = _run(
            lambda i: api_post(f"/api/payables/{pool[i]}/pay", world.owner_token, "{}", 200),
            django_pid, ops, rounds,
        )  # fmt: skip

        # the inbox API and the plain view answering its bytes with its SQL
        inbox = inbox_path(actors)
        from bench import lean_views

        lean_views.capture_inbox(client, inbox, headers(world.approver_token))

        def get(path):
            def one(_i):
                response = client.get(path, **headers(world.approver_token))
                assert response.status_code == 200, response.content[:300]

            return one

        results["inbox_api"] = _run(get(inbox), django_pid, ops, rounds)
        results["inbox_plain"] = _run(get("/bench/inbox-plain"), django_pid, ops, rounds)

        # the lifecycle through the services
        results["lifecycle_services"] = _run(
            _services_lifecycle(world, f"{stamp}-l"), django_pid, max(ops // 4, 5), rounds
        )

    # the floors, on their own connection
    lines = [lean_sql.Line(d, q, u) for d, q, u in LINES]
    with psycopg.connect(database_url, autocommit=True) as raw:
        conn = _CountingConnection(raw)
        pid = raw.info.backend_pid

        def counted(run_one):
            conn.sent = 0
            run_one()
            return conn.sent

        def floor(operation, n=ops):
            return measure(operation, pid, ops=n, rounds=rounds, count_statements=counted)

        results["create_floor"] = floor(
            lambda i: lean_sql.create_submit(
                conn, new_id, token=world.accountant_token, business_id=world.hub_id,
                connection_id=world.outgoing[i % len(world.outgoing)],
                number=f"{stamp}-f{i}", due=due, memo="Benchmark invoice", lines=lines,
            )
        )  # fmt: skip
        pool = _submitted_pool(world, pool_size, f"{stamp}-b")
        results["approve_floor"] = floor(
            lambda i: lean_sql.approve(conn, new_id, token=world.approver_token, payable_id=pool[i])
        )
        results["schedule_floor"] = floor(
            lambda i: lean_sql.schedule(
                conn, new_id, token=world.owner_token, payable_id=pool[i], on=on
            )
        )
        results["pay_floor"] = floor(
            lambda i: lean_sql.pay(conn, new_id, token=world.owner_token, payable_id=pool[i])
        )
        vendors = {owner: lean_sql.roles_of(raw, owner) for _c, _v, owner in world.incoming}
        approver = lean_sql.roles_of(raw, world.approver_id)
        owner = lean_sql.roles_of(raw, world.owner_id)

        def lifecycle_floor(i):
            connection_id, vendor, vendor_owner = world.incoming[i % len(world.incoming)]
            lean_sql.lifecycle(
                conn, new_id, vendor=vendors[vendor_owner], vendor_id=vendor,
                connection_id=connection_id, approver=approver, owner=owner,
                number=f"{stamp}-lf{i}", lines=lines,
            )  # fmt: skip

        results["lifecycle_floor"] = floor(lifecycle_floor, max(ops // 4, 5))

    out = {key: value.as_dict() for key, value in results.items() if isinstance(value, Cost)}
    out.update(ops=ops, rounds=rounds, verdicts=verdicts(out))
    return out


def _run(operation, pid, ops, rounds) -> Cost:
    return measure(operation, pid, ops=ops, rounds=rounds, count_statements=_django_statements)


def _services_lifecycle(world: World, stamp: str):
    from accounts.models import User
    from payables import services

    approver = User.objects.get(pk=world.approver_id)
    owner = User.objects.get(pk=world.owner_id)
    vendors = {o: User.objects.get(pk=o) for _c, _v, o in world.incoming}
    lines = [{"description": d, "quantity": q, "unit_price": u} for d, q, u in LINES]

    def one(i):
        from django.utils import timezone

        connection_id, vendor, vendor_owner = world.incoming[i % len(world.incoming)]
        actor = vendors[vendor_owner]
        payable = services.payable_create(
            business_id=vendor, actor=actor, connection_id=connection_id,
            invoice_number=f"{stamp}-{i}", line_items=lines,
        )  # fmt: skip
        services.payable_submit(payable_id=payable.id, actor=actor)
        services.payable_approve(payable_id=payable.id, actor=approver)
        on = timezone.now().date() + timedelta(days=7)
        services.payable_schedule(payable_id=payable.id, actor=owner, on=on)
        services.payable_pay(payable_id=payable.id, actor=owner)

    return one


def verdicts(out: dict) -> list[dict]:
    rows = []
    for item, operation, floor, target in TARGETS:
        if operation not in out or floor not in out:
            continue
        ratio = out[operation]["total_ms"] / out[floor]["total_ms"] if out[floor]["total_ms"] else 0
        rows.append(
            {
                "item": item,
                "operation": operation,
                "floor": floor,
                "ratio": round(ratio, 2),
                "target": target,
                "verdict": None if target is None else ratio <= target,
            }
        )
    return rows


def table(lean: dict) -> str:
    """The run as a Markdown table: every operation's CPU, then each ratio with its verdict."""

    def cell(key):
        c = lean[key]
        return f"{c['app_ms']:.2f} / {c['db_ms']:.2f} = {c['total_ms']:.2f} ms, {c['statements']}"

    lines = [
        "| operation | CPU app / db = total per op, statements | floor | CPU per op, statements | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in lean["verdicts"]:
        verdict = "" if row["verdict"] is None else ("PASS" if row["verdict"] else "MISS")
        target = "" if row["target"] is None else f"<= {row['target']}x"
        lines.append(
            f"| {row['item']} | {cell(row['operation'])} | {row['floor']} | {cell(row['floor'])}"
            f" | {row['ratio']:.2f}x | {target} | {verdict} |"
        )
    return "\n".join(lines)
