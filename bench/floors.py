"""The floor under an endpoint: the very SQL its request runs, without Python or HTTP around it.

``capture`` runs the request once in process (Django's test client against the benchmark
database) and records every statement with its parameters. ``psycopg_floor`` replays them in a
tight loop on one connection (as Django would: client-side binding, rows fetched);
``pgbench_floor`` runs them, parameters inlined, as a pgbench script with 2 clients.
"""

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.env import OUT


@dataclass
class Statement:
    sql: str
    params: tuple


def capture(path: str, headers: dict[str, str], *, method: str = "get", body=None):
    """The statements one request runs, in order, and the response."""
    from django.db import connection
    from django.test import Client

    statements: list[Statement] = []

    def record(execute, sql, params, many, context):
        statements.append(Statement(sql, tuple(params or ())))
        return execute(sql, params, many, context)

    client = Client(HTTP_HOST="127.0.0.1", **{_meta(k): v for k, v in headers.items()})
    with connection.execute_wrapper(record):
        if method == "get":
            response = client.get(path)
        else:
            response = client.post(path, data=body, content_type="application/json")
    return statements, response


def _meta(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def _inline(conn, statement: Statement) -> str:
    import psycopg

    cursor = psycopg.ClientCursor(conn)
    return cursor.mogrify(statement.sql, statement.params)


def psycopg_floor(database_url: str, statements: list[Statement], seconds: float) -> float:
    """Pages per second: all the statements of one request, repeated on one connection."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True, cursor_factory=psycopg.ClientCursor) as c:
        cursor = c.cursor()
        done = 0
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                if cursor.description is not None:
                    cursor.fetchall()
            done += 1
        return done / (time.perf_counter() - started)


def pgbench_script(database_url: str, statements: list[Statement], name: str) -> Path:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        lines = [_inline(conn, s).replace("\n", " ") + ";" for s in statements]
    path = OUT / f"{name}.sql"
    path.write_text("\n".join(lines) + "\n")
    return path


def pgbench_floor(
    database_url: str, script: Path, seconds: float, clients: int = 2
) -> tuple[float, float]:
    """Transactions (one per page) per second reported by pgbench, and PostgreSQL's CPU
    milliseconds per page."""
    from bench.cpu import CpuMeter

    url = urlsplit(database_url)
    command = [
        "pgbench", "-n", "-f", str(script), "-T", str(max(1, round(seconds))),
        "-c", str(clients), "-j", str(clients),
        "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
        "-U", url.username or "postgres", url.path.lstrip("/"),
    ]  # fmt: skip
    env = None
    if url.password:
        import os

        env = {**os.environ, "PGPASSWORD": url.password}
    meter = CpuMeter(url.path.lstrip("/"))
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(0.3)  # its backends are up; the meter follows them from here
    before = meter.snapshot()
    time.sleep(max(seconds - 0.6, 0.1))
    _app, db = meter.since(before)
    stdout, stderr = process.communicate(timeout=seconds + 60)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", stdout)
    xacts = re.search(r"number of transactions actually processed: (\d+)", stdout)
    if match is None or xacts is None:
        raise RuntimeError(f"pgbench failed: {stdout}\n{stderr}")
    tps = float(match.group(1))  # pgbench's transactions per second: a rate, not money
    # CPU over the metered span, pages over the same span at the reported rate.
    return tps, 1000 * db / (tps * max(seconds - 0.6, 0.1))


def explain(database_url: str, statement: Statement) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement, as text."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True, cursor_factory=psycopg.ClientCursor) as c:
        rows = c.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.params).fetchall()
    return "\n".join(row[0] for row in rows)
