"""The benchmark's measurements (items 1-7 of issue 8). Each returns plain dicts for the report."""

import http.client
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import timedelta
from multiprocessing import get_context
from urllib.parse import urlencode, urlsplit

from bench import floors
from bench.load import LoadGenerator, Request, Run


@dataclass
class Actors:
    """Who the benchmark acts as, with their API tokens and a session for the pages."""

    hub_id: str
    approver_token: str
    accountant_token: str
    owner_token: str
    bookkeeper_token: str
    approver_session: str
    outgoing_connections: list[str]

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def prepare_actors(loaded) -> Actors:
    """API tokens (through knox) for the few users the load acts as, a login session for the
    pages, and a bookkeeper who is a member of every business (for the connections export)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from knox.models import AuthToken

    from accounts.models import Business, Membership, Role, User

    def token(user_id: str) -> str:
        _instance, secret = AuthToken.objects.create(user=User.objects.get(pk=user_id))
        return secret

    bookkeeper, _ = User.objects.get_or_create(email="bookkeeper@bench.test")
    Membership.objects.bulk_create(
        [
            Membership(business_id=b, user=bookkeeper, role=Role.VIEWER)
            for b in Business.objects.values_list("id", flat=True)
        ],
        ignore_conflicts=True,
    )
    approver = User.objects.get(pk=loaded.hub_users["approver"])
    session = SessionStore()
    session[SESSION_KEY] = approver.pk
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = approver.get_session_auth_hash()
    session.create()
    return Actors(
        hub_id=loaded.hub_id,
        approver_token=token(loaded.hub_users["approver"]),
        accountant_token=token(loaded.hub_users["accountant"]),
        owner_token=token(loaded.hub_users["owner"]),
        bookkeeper_token=token(bookkeeper.pk),
        approver_session=session.session_key,
        outgoing_connections=loaded.outgoing_connections,
    )


def inbox_path(actors: Actors, **extra) -> str:
    query = {"direction": "incoming", "status": "SUBMITTED", "limit": 20, **extra}
    return f"/api/businesses/{actors.hub_id}/payables?{urlencode(query)}"


def page_path(actors: Actors) -> str | None:
    """The inbox page (HTML), if this build has one."""
    from django.urls import NoReverseMatch, reverse

    for name, kwargs in (
        ("pages:inbox", {"business_id": actors.hub_id}),
        ("inbox", {"business_id": actors.hub_id}),
        ("pages:inbox", {}),
        ("inbox", {}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _figures(run: Run) -> dict:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(run).items()}


# --- 1. the inbox API and its floor -----------------------------------------------------------
def measure_inbox(gen: LoadGenerator, actors: Actors, ctx) -> dict:
    headers = actors.bearer(actors.approver_token)
    path = inbox_path(actors)
    statements, response = floors.capture(path, headers)
    assert response.status_code == 200, response.content[:300]
    api = gen.run(Request("GET", [path], headers), seconds=ctx.seconds, rounds=ctx.rounds)
    script = floors.pgbench_script(ctx.database_url, statements, "inbox-floor")
    psycopg_pages = statistics.median(
        floors.psycopg_floor(ctx.database_url, statements, ctx.seconds) for _ in range(ctx.rounds)
    )
    pgbench = [
        floors.pgbench_floor(ctx.database_url, script, ctx.seconds) for _ in range(ctx.rounds)
    ]
    pgbench_pages = statistics.median(pages for pages, _cpu in pgbench)
    floor_cpu = statistics.median(cpu for _pages, cpu in pgbench)
    api_cpu = api.app_cpu_ms + api.db_cpu_ms
    return {
        "path": path,
        "queries": len(statements),
        "rows": len(json.loads(response.content)["results"]),
        "api": _figures(api),
        "floor_psycopg": round(psycopg_pages, 1),
        "floor_pgbench": round(pgbench_pages, 1),
        "ratio_pgbench": round(api.rps / pgbench_pages, 3) if pgbench_pages else None,
        "ratio_psycopg": round(api.rps / psycopg_pages, 3) if psycopg_pages else None,
        # The same comparison in CPU time, which other load on the machine does not distort.
        "floor_db_cpu_ms": round(floor_cpu, 3),
        "ratio_cpu": round(floor_cpu / api_cpu, 3) if api_cpu else None,
        "statements": [s.sql for s in statements],
    }


def inbox_plans(actors: Actors, ctx) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the page query: first page, offset, a keyset page."""
    headers = actors.bearer(actors.approver_token)
    plans = {}
    first_statements, first = floors.capture(inbox_path(actors), headers)
    next_link = json.loads(first.content)["next"]
    cases = {
        "first page": first_statements,
        f"offset {ctx.scale.deep_offset}": floors.capture(
            inbox_path(actors, offset=ctx.scale.deep_offset), headers
        )[0],
    }
    if next_link:
        cases["keyset (next link)"] = floors.capture(_local(next_link), headers)[0]
    for name, statements in cases.items():
        page = next(s for s in statements if "LIMIT" in s.sql and "payables_payable" in s.sql)
        plans[name] = floors.explain(ctx.database_url, page)
    return plans


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


# --- 2. deep pages ------------------------------------------------------------------------------
def measure_deep(gen: LoadGenerator, actors: Actors, ctx, first: dict) -> dict:
    headers = actors.bearer(actors.approver_token)
    offset = gen.run(
        Request("GET", [inbox_path(actors, offset=ctx.scale.deep_offset)], headers),
        seconds=ctx.seconds,
        rounds=ctx.rounds,
    )
    chain = _next_chain(gen.base, inbox_path(actors), headers, hops=50)
    keyset = gen.run(Request("GET", chain, headers), seconds=ctx.seconds, rounds=ctx.rounds)
    first_p50 = first["api"]["p50_ms"]
    return {
        "offset": ctx.scale.deep_offset,
        "offset_api": _figures(offset),
        "next_pages": len(chain),
        "next_api": _figures(keyset),
        "offset_vs_first_p50": round(offset.p50_ms / first_p50, 2) if first_p50 else None,
        "next_vs_first_p50": round(keyset.p50_ms / first_p50, 2) if first_p50 else None,
    }


def _next_chain(base: str, path: str, headers: dict, hops: int) -> list[str]:
    """The paths of the pages reached by following ``next`` ``hops`` times from ``path``."""
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    chain = []
    for _ in range(hops):
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        page = json.loads(response.read())
        if not page.get("next"):
            break
        path = _local(page["next"])
        chain.append(path)
    conn.close()
    return chain or [path]


# --- 3. create + submit ---------------------------------------------------------------------------
def _create_body(connection_id: str, due: str) -> str:
    return json.dumps(
        {
            "connectionId": connection_id,
            "invoiceNumber": "BENCH-{n}",
            "dueDate": due,
            "memo": "Benchmark invoice",
            "submit": True,
            "lineItems": [
                {"description": "Consulting hours", "quantity": 10, "unitPrice": "150.00"},
                {"description": "Travel", "quantity": 1, "unitPrice": "420.50"},
                {"description": "Licences", "quantity": 3, "unitPrice": "99.99"},
            ],
        }
    )


def measure_create(gen: LoadGenerator, actors: Actors, ctx) -> dict:
    from django.utils import timezone

    due = (timezone.now().date() + timedelta(days=30)).isoformat()
    bodies = [_create_body(c, due) for c in actors.outgoing_connections[:200]]
    request = Request(
        "POST",
        [f"/api/businesses/{actors.hub_id}/payables"],
        {**actors.bearer(actors.accountant_token), "Content-Type": "application/json"},
        expect=201,
        bodies=bodies,
    )
    api = gen.run(request, seconds=ctx.seconds, rounds=ctx.rounds)
    raw = statistics.median(
        _raw_create_floor(ctx.database_url, actors, ctx.seconds) for _ in range(ctx.rounds)
    )
    return {"api": _figures(api), "floor_sql": round(raw, 1), "ratio": round(api.rps / raw, 3)}


def _raw_create_floor(database_url: str, actors: Actors, seconds: float) -> float:
    """Create + submit as hand-written SQL, one transaction each: lock the connection, insert
    the payable, its 3 lines and the created event, submit it and record that event."""
    import random

    import psycopg

    from bench.dataset import Ids

    new_id = Ids(random.Random())
    connections = actors.outgoing_connections[:200]
    done = 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        user = conn.execute(
            "SELECT user_id FROM accounts_membership WHERE business_id = %s AND role = 'accountant'",
            (actors.hub_id,),
        ).fetchone()[0]
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            connection_id = connections[done % len(connections)]
            pay_id = new_id("pay")
            with conn.transaction():
                payer = conn.execute(
                    "SELECT payer_id FROM connections_connection WHERE id = %s AND payee_id = %s "
                    "FOR NO KEY UPDATE",
                    (connection_id, actors.hub_id),
                ).fetchone()[0]
                conn.execute(
                    "INSERT INTO payables_payable (id, status, amount, currency, issue_date, "
                    "due_date, invoice_number, memo, custom_fields, approval_status, "
                    "decline_reason, cancel_reason, created_at, updated_at, connection_id, "
                    "created_by_id, payee_id, payer_id, invoice_key, amount_paid, "
                    "amount_credited, duplicate_key, possible_duplicates) VALUES (%s, 'DRAFT', "
                    "2220.47, 'USD', current_date, current_date + 30, %s, 'Benchmark invoice', "
                    "'{}', '', '', '', now(), now(), %s, %s, %s, %s, lower(%s), 0, 0, '', '[]')",
                    (
                        pay_id,
                        f"RAW-{pay_id}",
                        connection_id,
                        user,
                        actors.hub_id,
                        payer,
                        f"RAW-{pay_id}",
                    ),
                )
                conn.execute(
                    "INSERT INTO payables_lineitem (id, position, description, quantity, "
                    "unit_price, total, accounting_category, custom_fields, payable_id) VALUES "
                    "(%s, 1, 'Consulting hours', 10, 150.00, 1500.00, '', '{}', %s), "
                    "(%s, 2, 'Travel', 1, 420.50, 420.50, '', '{}', %s), "
                    "(%s, 3, 'Licences', 3, 99.99, 299.97, '', '{}', %s)",
                    (new_id("li"), pay_id, new_id("li"), pay_id, new_id("li"), pay_id),
                )
                _raw_event(conn, new_id, pay_id, 1, "payable.created", None, "DRAFT", user)
                conn.execute(
                    "UPDATE payables_payable SET status = 'SUBMITTED', submitted_at = now(), "
                    "submitted_by_id = %s, approval_status = 'manual_review', updated_at = now() "
                    "WHERE id = %s",
                    (user, pay_id),
                )
                _raw_event(conn, new_id, pay_id, 2, "payable.submitted", "DRAFT", "SUBMITTED", user)
            done += 1
        return done / (time.perf_counter() - started)


def _raw_event(conn, new_id, pay_id, position, type_, source, target, user) -> None:
    conn.execute(
        "INSERT INTO payables_payableevent (id, position, type, from_status, to_status, note, "
        "created_at, actor_id, business_id, payable_id, visibility) "
        "SELECT %s, %s, %s, %s, %s, '', now(), %s, payee_id, id, "
        "CASE WHEN %s = 'payable.created' THEN 'payee' ELSE 'both' END FROM payables_payable "
        "WHERE id = %s",
        (new_id("evt"), position, type_, source, target, user, type_, pay_id),
    )


# --- 4. the lifecycle through the services ---------------------------------------------------------
def lifecycle_worker(database_env, loaded_hub: dict, index: int, seconds: float) -> int:
    """create → submit → approve → schedule → pay, as many times as fit in ``seconds``."""
    from bench.env import setup_django

    setup_django(database_env)
    return _lifecycle_loop(loaded_hub, index, seconds)


def _lifecycle_loop(loaded_hub: dict, index: int, seconds: float) -> int:
    from decimal import Decimal

    from django.db import connections
    from django.utils import timezone

    from accounts.models import User
    from connections.models import Connection
    from payables import services
    from payables.models import Payable

    hub = loaded_hub["hub_id"]
    approver = User.objects.get(pk=loaded_hub["approver"])
    payer_owner = User.objects.get(pk=loaded_hub["owner"])
    # Vendors invoice the hub over their connections; a few dozen, each worker its own.
    every = list(
        Connection.objects.filter(payer_id=hub, status="active")
        .order_by("id")
        .values_list("id", "payee_id")
    )
    vendors = [every[(index * 50 + k) % len(every)] for k in range(min(50, len(every)))]
    owners = {
        payee: User.objects.filter(memberships__business_id=payee, memberships__role="owner")
        .order_by("id")
        .first()
        for _connection, payee in vendors
    }
    lines = [
        {"description": "Consulting hours", "quantity": Decimal(10), "unit_price": Decimal("150")},
        {"description": "Travel", "quantity": Decimal(1), "unit_price": Decimal("420.50")},
        {"description": "Licences", "quantity": Decimal(3), "unit_price": Decimal("99.99")},
    ]
    on = timezone.now().date() + timedelta(days=7)
    stamp = f"L{int(time.time())}-{index}"
    done = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection_id, payee = vendors[done % len(vendors)]
        vendor = owners[payee]
        payable = services.payable_create(
            business_id=payee,
            actor=vendor,
            connection_id=connection_id,
            invoice_number=f"{stamp}-{done}",
            line_items=lines,
        )
        services.payable_submit(payable_id=payable.id, actor=vendor)
        services.payable_approve(payable_id=payable.id, actor=approver)
        services.payable_schedule(payable_id=payable.id, actor=payer_owner, on=on)
        services.payable_pay(payable_id=payable.id, actor=payer_owner)
        done += 1
    paid = Payable.objects.filter(invoice_number__startswith=f"{stamp}-", status="PAID").count()
    assert paid == done, f"{paid} of {done} payables were paid"
    connections.close_all()
    return done


def measure_lifecycle(env, loaded, ctx) -> dict:
    hub = {
        "hub_id": loaded.hub_id,
        "approver": loaded.hub_users["approver"],
        "owner": loaded.hub_users["owner"],
    }
    single, double = [], []
    spawn = get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        # Warm both workers up (Django set up, connections open) outside the timing.
        list(pool.map(lifecycle_worker, [env, env], [hub, hub], [8, 9], [0.2, 0.2]))
        for round_ in range(ctx.rounds):
            count = pool.submit(lifecycle_worker, env, hub, round_ % 4, ctx.seconds).result()
            single.append(count / ctx.seconds)
            futures = [
                pool.submit(lifecycle_worker, env, hub, 4 + 2 * round_ + w, ctx.seconds)
                for w in range(2)
            ]
            double.append(sum(f.result() for f in futures) / ctx.seconds)
    return {
        "single": round(statistics.median(single), 1),
        "two_workers": round(statistics.median(double), 1),
    }


# --- 5. CSV exports ---------------------------------------------------------------------------------
def measure_export(base: str, path: str, headers: dict, server, *, rounds: int) -> dict:
    """Stream one export to the end ``rounds`` times on one worker: rows (lines after the
    header), the median time and its rows/s, and the worker's peak RSS over all of them.

    The worker first answers one small request for the same token (``/api/me``), so that the
    time is the export's and not the fresh worker's first request (imports, connection); its
    peak RSS covers that too.
    """
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=600)
    conn.request("GET", "/api/me", headers=headers)
    warm = conn.getresponse()
    assert warm.status == 200, warm.read()[:300]
    warm.read()
    times, row_counts = [], set()
    for _ in range(rounds):
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        assert response.status == 200, response.read()[:300]
        lines = 0
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
        times.append(time.perf_counter() - started)
        row_counts.add(max(lines - 1, 0))
    conn.close()
    assert len(row_counts) == 1, f"the export changed between rounds: {row_counts}"
    rows, seconds = row_counts.pop(), statistics.median(times)
    return {
        "path": path,
        "rows": rows,
        "seconds": round(seconds, 2),
        "round_seconds": [round(t, 2) for t in times],
        "rows_per_s": round(rows / seconds, 0) if seconds else None,
        "peak_rss_mb": round(server.peak_rss_mb(), 1),
    }


# --- 6. the inbox page ------------------------------------------------------------------------------
def measure_page(gen: LoadGenerator, actors: Actors, ctx) -> dict | None:
    from django.conf import settings

    path = page_path(actors)
    if path is None:
        return None
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={actors.approver_session}"}
    statements, response = floors.capture(path, headers)
    assert response.status_code == 200, response.status_code
    run = gen.run(Request("GET", [path], headers), seconds=ctx.seconds, rounds=ctx.rounds)
    return {"path": path, "queries": len(statements), "api": _figures(run)}
