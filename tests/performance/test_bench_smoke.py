"""The benchmark runs end to end at a tiny scale (so its code cannot rot unnoticed)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_benchmark_runs_end_to_end(tmp_path):
    db = settings.DATABASES["default"]
    name = f"{db['TEST']['NAME']}_bench"
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    report = tmp_path / "BENCHMARKS.md"
    env = {**os.environ, "BENCH_OUT": str(tmp_path / "out")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    command = [
        sys.executable, "-m", "bench", "--scale", "tiny", "--seconds", "1", "--rounds", "1",
        "--only", "inbox,deep,create,lifecycle,csv,page",
        "--database-url", url, "--redis-url", "", "--output", str(report), "--no-install",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
    finally:
        _drop(url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = report.read_text()
    for item in (
        "1. Inbox API (first page)",
        "1. Inbox API / floor",
        "2. Deep page, offset",
        "2. Deep pages, next",
        "3. Create + submit",
        "4. Lifecycle via services",
        "5. CSV connections",
        "5. CSV payables (all)",
        "6. Inbox page",
        "payables_payable",
        "EXPLAIN",
    ):
        assert item in text, item
    assert "MISS" in text or "PASS" in text


def _drop(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_item_8_runs_alone_and_prints_each_ratio(tmp_path):
    """``--only lean``: CPU per operation against the lean floors, a few operations each."""
    db = settings.DATABASES["default"]
    name = f"{db['TEST']['NAME']}_bench_lean"
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    report = tmp_path / "BENCHMARKS.md"
    env = {**os.environ, "BENCH_OUT": str(tmp_path / "out")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    command = [
        sys.executable, "-m", "bench", "--scale", "tiny", "--only", "lean", "--ops", "3",
        "--rounds", "1", "--database-url", url, "--redis-url", "", "--output", str(report),
        "--no-install",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
        )
    finally:
        _drop(url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = report.read_text()
    for item in (
        "Latest item 8 run",
        "create + submit, API",
        "lifecycle, services",
        "approve, API",
        "schedule, API",
        "pay, API",
        "inbox API",
        "drf_create",
    ):
        assert item in text, item
    assert "MISS" in text or "PASS" in text
