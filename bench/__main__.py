"""
``python -m bench --scale 1m`` (``make bench SCALE=1m``): build the dataset on a fresh PostgreSQL
database, serve the app with gunicorn on 127.0.0.1, measure, print the table and write it into
BENCHMARKS.md. Every load is bounded in time; the servers are always stopped.

See BENCHMARKS.md for what each figure means and its target.
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import scales
from bench.cpu import CpuMeter
from bench.env import (
    ROOT,
    BenchEnv,
    collectstatic,
    ensure_wrk,
    recreate_database,
    redis_reachable,
    setup_django,
)
from bench.load import CONNECTIONS, LoadGenerator
from bench.server import THREADS, WORKERS, gunicorn

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/cleopay_bench"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1m", help="tiny, 10k, 100k or 1m (payables)")
    parser.add_argument("--seconds", type=float, default=10, help="length of one load round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure (median)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="the benchmark's own database (dropped and created again)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
        help="broker the server publishes tasks to (flushed at the end); '' for none",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database as it is")
    parser.add_argument("--no-scaling", action="store_true", help="skip the smaller scales")
    parser.add_argument("--python-client", action="store_true", help="never use wrk")
    parser.add_argument(
        "--no-install", action="store_true", help="do not apt-get install wrk when missing"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated items: inbox,deep,create,lifecycle,csv,page,lean",
    )
    parser.add_argument(
        "--ops", type=int, default=200, help="operations per round of the CPU figures (lean)"
    )
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="'' to skip")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    scale = scales.scale_named(args.scale)
    redis_url = args.redis_url if redis_reachable(args.redis_url) else ""
    env = BenchEnv(database_url=args.database_url, redis_url=redis_url)
    setup_django(env)

    from bench import report

    only = {x.strip() for x in args.only.split(",") if x.strip()}
    lean_only = only == {"lean"}
    wrk = None if args.python_client or lean_only else ensure_wrk(install=not args.no_install)
    results: dict = {
        "scale": scale.name,
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "commit": report.git_commit(),
        "load_before": report.load_average(),
        "generator": "wrk" if wrk else "python client",
        "connections": CONNECTIONS,
        "workers": WORKERS,
        "threads": THREADS,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "scaling": {},
    }
    ctx = Context(args, scale, env)
    # The pages, at every scale, are served with DEBUG off: from the static manifest.
    collectstatic(env)
    try:
        steps = [] if args.no_scaling or args.reuse else _smaller_steps(scale)
        for step in steps:
            small = scales.scale_named(step)
            print(f"== scaling step {small.name}: building", flush=True)
            small_loaded, _stats = build(env, small)
            results["scaling"][small.name] = _measure_scaling(
                env, Context(args, small, env), wrk, small_loaded
            )
        if args.reuse:
            from bench.dataset import describe

            loaded = describe()
            results["load"] = {"counts": {}, "seconds": {}, "total_seconds": 0.0}
            results["load"].update(copy_seconds=0.0, migrate_seconds=0.0, vacuum_seconds=0.0)
        else:
            print(f"== scale {scale.name}: building", flush=True)
            loaded, results["load"] = build(env, scale)
        results["machine"] = report.machine(env.database_url)
        measure_all(env, ctx, loaded, wrk, only, results)
    finally:
        _flush_redis(redis_url)
    results["load_after"] = report.load_average()
    if report.rows(results):
        print()
        print(report.table(results))
    if args.output:
        report.write(results, Path(args.output))
        print(f"\nwritten to {args.output}")
    return 0


class Context:
    def __init__(self, args, scale, env):
        self.seconds = args.seconds
        self.rounds = args.rounds
        self.scale = scale
        self.database_url = env.database_url
        self.ops = args.ops


def _smaller_steps(scale) -> list[str]:
    order = list(scales.SCALES)
    return [
        s
        for s in scales.SCALING_STEPS
        if order.index(s) < order.index(scale.name) and s != scale.name
    ]


def build(env: BenchEnv, scale):
    """A fresh database at ``scale``: migrate, COPY, VACUUM ANALYZE. Returns what was loaded."""
    import psycopg
    from django.db import connections

    from bench import dataset
    from bench.env import migrate

    connections.close_all()
    started = time.perf_counter()
    recreate_database(env)
    migrate()
    migrated = time.perf_counter()
    with psycopg.connect(env.database_url) as conn:
        loaded = dataset.load(conn, scale)
        conn.commit()
    copied = time.perf_counter()
    with psycopg.connect(env.database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    finished = time.perf_counter()
    stats = {
        "counts": loaded.counts,
        "seconds": loaded.seconds,
        "migrate_seconds": migrated - started,
        "copy_seconds": copied - migrated,
        "vacuum_seconds": finished - copied,
        "total_seconds": finished - started,
    }
    print(
        f"   loaded {loaded.counts.get('payables_payable', 0):,} payables in "
        f"{stats['total_seconds']:.0f} s (COPY {stats['copy_seconds']:.0f} s)",
        flush=True,
    )
    return loaded, stats


def _measure_scaling(env, ctx, wrk, loaded) -> dict:
    from bench import measures

    actors = measures.prepare_actors(loaded)
    with gunicorn(env.server_environ()) as server:
        gen = LoadGenerator(wrk, server.base, CpuMeter(env.database_name, server.worker_pids))
        inbox = measures.measure_inbox(gen, actors, ctx)
        page = measures.measure_page(gen, actors, ctx)
    return {"inbox": inbox["api"], "page": page["api"] if page else None}


def measure_all(env, ctx, loaded, wrk, only, results) -> None:
    from bench import measures

    def wanted(item: str) -> bool:
        return not only or item in only

    actors = measures.prepare_actors(loaded)
    if only == {"lean"}:
        _lean(env, ctx, loaded, actors, results)
        return
    with gunicorn(env.server_environ()) as server:
        gen = LoadGenerator(wrk, server.base, CpuMeter(env.database_name, server.worker_pids))
        print("== 1. inbox API", flush=True)
        results["inbox"] = measures.measure_inbox(gen, actors, ctx)
        results["plans"] = measures.inbox_plans(actors, ctx)
        if wanted("deep"):
            print("== 2. deep pages", flush=True)
            results["deep"] = measures.measure_deep(gen, actors, ctx, results["inbox"])
        if wanted("page"):
            print("== 6. inbox page", flush=True)
            results["page"] = measures.measure_page(gen, actors, ctx)
        results["scaling"][ctx.scale.name] = {
            "inbox": results["inbox"]["api"],
            "page": results["page"]["api"] if results.get("page") else None,
        }
        if wanted("create"):
            print("== 3. create + submit", flush=True)
            results["create"] = measures.measure_create(gen, actors, ctx)
    if wanted("lifecycle"):
        print("== 4. lifecycle", flush=True)
        results["lifecycle"] = measures.measure_lifecycle(env, loaded, ctx)
    if wanted("csv"):
        print("== 5. CSV exports", flush=True)
        results["exports"] = _exports(env, actors, ctx)
    if wanted("lean"):
        _lean(env, ctx, loaded, actors, results)


def _lean(env, ctx, loaded, actors, results) -> None:
    from bench import lean

    print(f"== 8. CPU per operation against the lean floors ({ctx.ops} per round)", flush=True)
    results["lean"] = lean.run(
        env.database_url, loaded, actors, ops=ctx.ops, rounds=max(ctx.rounds, 1)
    )
    print(lean.table(results["lean"]), flush=True)


def _exports(env, actors, ctx) -> list[dict]:
    """Each export on a fresh single-worker server, so its peak RSS is that export's alone; its
    time is the median of the run's rounds."""
    from bench import measures
    from bench.dataset import export_window

    after, before = export_window(ctx.scale)
    cases = [
        ("connections (all)", "/api/connections/export-csv", actors.bookkeeper_token),
        (
            "payables (10% window)",
            f"/api/businesses/{actors.hub_id}/payables/export-csv?dueAfter={after}&dueBefore={before}",
            actors.owner_token,
        ),
        (
            "payables (all)",
            f"/api/businesses/{actors.hub_id}/payables/export-csv",
            actors.owner_token,
        ),
    ]
    exports = []
    for name, path, token in cases:
        with gunicorn(env.server_environ(), workers=1, threads=1) as server:
            figures = measures.measure_export(
                server.base, path, actors.bearer(token), server, rounds=ctx.rounds
            )
        figures["name"] = name
        exports.append(figures)
    return exports


def _flush_redis(url: str) -> None:
    if not url:
        return
    try:
        import redis

        redis.Redis.from_url(url).flushdb()
    except Exception as exc:  # the results matter more than the cleanup
        print(f"could not flush {url}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
