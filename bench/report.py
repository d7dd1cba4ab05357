"""The results table (printed, and written into BENCHMARKS.md between two markers)."""

import json
import os
import platform
import re
import subprocess
from pathlib import Path

from bench.env import OUT, ROOT

BEGIN = "<!-- bench:begin (written by `python -m bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"


def machine(database_url: str) -> dict:
    import psycopg

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    with psycopg.connect(database_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "postgres": version,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


def _ok(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "MISS")


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(what, measured, target, verdict) for every figure of the run."""
    out = []
    if "inbox" in results:
        out.extend(_inbox_rows(results["inbox"]))
    deep = results.get("deep")
    if deep:
        for key, label, ratio in (
            ("offset_api", f"2. Deep page, offset {deep['offset']}", "offset_vs_first_p50"),
            ("next_api", f"2. Deep pages, next x{deep['next_pages']}", "next_vs_first_p50"),
        ):
            run = deep[key]
            out.append(
                (
                    label,
                    f"{run['rps']:.0f} req/s, p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms"
                    f" ({deep[ratio]:.2f}x first page p50)",
                    "<= 2x first page",
                    _ok(deep[ratio] <= 2 and run["bad"] == 0),
                )
            )
    create = results.get("create")
    if create:
        api = create["api"]
        out.append(
            (
                "3. Create + submit (3 lines)",
                f"{api['rps']:.0f} req/s, p50 {api['p50_ms']:.1f} ms, p99 {api['p99_ms']:.1f} ms;"
                f" raw SQL {create['floor_sql']:.0f}/s",
                ">= 600 req/s",
                _ok(api["rps"] >= 600 and api["bad"] == 0),
            )
        )
    life = results.get("lifecycle")
    if life:
        out.append(
            (
                "4. Lifecycle via services",
                f"{life['single']:.0f}/s single thread; {life['two_workers']:.0f}/s 2 workers",
                ">= 200/s single",
                _ok(life["single"] >= 200),
            )
        )
    for export in results.get("exports", []):
        out.append(
            (
                f"5. CSV {export['name']} ({export['rows']:,} rows)",
                f"{export['rows_per_s']:,.0f} rows/s, peak RSS {export['peak_rss_mb']:.0f} MB",
                ">= 100,000 rows/s, RSS < 100 MB",
                _ok(export["rows_per_s"] >= 100_000 and export["peak_rss_mb"] < 100),
            )
        )
    page = results.get("page")
    if page:
        api = page["api"]
        out.append(
            (
                "6. Inbox page (HTML)",
                f"{api['rps']:.0f} req/s, p50 {api['p50_ms']:.1f} ms, p99 {api['p99_ms']:.1f} ms"
                f" ({page['queries']} queries)",
                "",
                _ok(api["bad"] == 0),
            )
        )
    elif "inbox" in results:
        out.append(("6. Inbox page (HTML)", "not in this build", "", "n/a"))
    scaling = results.get("scaling", {})
    if len(scaling) > 1:
        names = list(scaling)
        small, large = scaling[names[0]], scaling[names[-1]]
        for key, label in (("inbox", "API"), ("page", "page")):
            if not small.get(key) or not large.get(key):
                continue
            cells = ", ".join(
                f"{name}: p50 {scaling[name][key]['p50_ms']:.1f} / p99 "
                f"{scaling[name][key]['p99_ms']:.1f} ms"
                for name in names
                if scaling[name].get(key)
            )
            ratio = large[key]["p50_ms"] / small[key]["p50_ms"]
            out.append(
                (
                    f"7. Scaling, inbox {label}",
                    f"{cells} ({ratio:.2f}x)",
                    f"{names[-1]} <= 1.5x {names[0]}",
                    _ok(ratio <= 1.5),
                )
            )
    return out


def _inbox_rows(inbox: dict) -> list[tuple[str, str, str, str]]:
    out = []
    api = inbox["api"]
    out.append(
        (
            "1. Inbox API (first page)",
            f"{api['rps']:.0f} req/s, p50 {api['p50_ms']:.1f} ms, p99 {api['p99_ms']:.1f} ms"
            f" ({inbox['queries']} queries)",
            "p99 <= 25 ms",
            _ok(api["p99_ms"] <= 25 and api["bad"] == 0),
        )
    )
    out.append(
        (
            "1. Floor: the page's SQL",
            f"pgbench -c2 {inbox['floor_pgbench']:.0f} pages/s; psycopg 1 conn "
            f"{inbox['floor_psycopg']:.0f} pages/s",
            "",
            "",
        )
    )
    out.append(
        (
            "1. CPU per page (load-independent)",
            f"API {api['app_cpu_ms'] + api['db_cpu_ms']:.2f} ms (app {api['app_cpu_ms']:.2f} +"
            f" db {api['db_cpu_ms']:.2f}); floor {inbox['floor_db_cpu_ms']:.2f} ms"
            f" ({inbox['ratio_cpu']:.2f})",
            ">= 0.33",
            _ok(inbox["ratio_cpu"] >= 1 / 3),
        )
    )
    out.append(
        (
            "1. Inbox API / floor",
            f"{inbox['ratio_pgbench']:.2f} of pgbench; {inbox['ratio_psycopg']:.2f} of psycopg",
            ">= 0.33",
            _ok(inbox["ratio_pgbench"] >= 1 / 3),
        )
    )
    return out


def table(results: dict) -> str:
    lines = ["| item | measured | target | |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(results)]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    m = results["machine"]
    load_lines = [
        f"| {table_name} | {count:,} | {results['load']['seconds'][table_name]:.1f} s |"
        for table_name, count in results["load"]["counts"].items()
    ]
    plans = "\n\n".join(
        f"**{name}**\n\n```\n{plan}\n```" for name, plan in results.get("plans", {}).items()
    )
    return "\n".join(
        [
            BEGIN,
            f"## Latest run: scale {results['scale']} ({results['started']})",
            "",
            f"- Command: `{results['command']}` at commit `{results['commit']}`",
            f"- Machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, PostgreSQL "
            f"{m['postgres']}, Python {m['python']}, Linux {m['kernel']}",
            f"- Load average before / after: {results['load_before']} / {results['load_after']}",
            f"- Load generator: {results['generator']} ({results['connections']} connections); "
            f"gunicorn gthread, {results['workers']} workers x {results['threads']} threads; "
            f"{results['rounds']} rounds of {results['seconds']} s, medians",
            f"- Dataset: {results['load']['total_seconds']:.0f} s to load "
            f"(COPY {results['load']['copy_seconds']:.0f} s, migrations "
            f"{results['load']['migrate_seconds']:.0f} s, VACUUM ANALYZE "
            f"{results['load']['vacuum_seconds']:.0f} s)",
            "",
            table(results),
            "",
            "<details><summary>Rows loaded per table</summary>",
            "",
            "| table | rows | COPY time |",
            "| --- | --- | --- |",
            *load_lines,
            "",
            "</details>",
            "",
            "### Plans of the inbox page query (EXPLAIN ANALYZE, BUFFERS)",
            "",
            plans,
            END,
        ]
    )


LEAN_BEGIN = "<!-- bench:lean:begin (written by `python -m bench`; edit outside these markers) -->"
LEAN_END = "<!-- bench:lean:end -->"


def lean_markdown(results: dict) -> str:
    from bench.lean import table as lean_table

    lean, m = results["lean"], results["machine"]
    return "\n".join(
        [
            LEAN_BEGIN,
            f"### Latest item 8 run: scale {results['scale']} ({results['started']})",
            "",
            f"- Command: `{results['command']}` at commit `{results['commit']}`",
            f"- Machine: {m['cpus']} CPUs ({m['cpu']}), PostgreSQL {m['postgres']}, Python "
            f"{m['python']}; load average before / after: {results['load_before']} / "
            f"{results['load_after']}",
            f"- {lean['ops']} operations per round, {lean['rounds']} rounds, medians; app = the "
            "benchmark process, db = its PostgreSQL backend; CPU ms per operation",
            "",
            lean_table(lean),
            LEAN_END,
        ]
    )


def _replace(text: str, begin: str, end: str, block: str) -> str:
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _old, tail = rest.split(end, 1)
        return head + block + tail
    return text.rstrip() + "\n\n" + block + "\n"


def write(results: dict, path: Path) -> None:
    """The run into ``path``: the load figures between the bench markers, item 8 between its
    own (a run of item 8 alone leaves the other figures as they were)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"results-{results['scale']}.json").write_text(json.dumps(results, indent=2))
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if "inbox" in results:
        text = _replace(text, BEGIN, END, markdown(results))
    if results.get("lean"):
        text = _replace(text, LEAN_BEGIN, LEAN_END, lean_markdown(results))
    path.write_text(text)
