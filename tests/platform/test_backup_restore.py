"""`manage.py backup` / `restore` (``make backup`` / ``make restore``): every payable, event and
payment, and the uploaded files, come back in a fresh database, with the invariants holding."""

import io
import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from payables.models import Payable, PayableEvent, Payment
from tests.reliability.world import build_world, payable_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

SNAPSHOT = """
import json, django
django.setup()
from payables.models import Payable, PayableEvent, Payment
from tests.reliability.invariants import violations
print(json.dumps({
    "payables": sorted([p.id, p.status, str(p.amount), str(p.amount_paid)] for p in Payable.objects.all()),
    "events": sorted([e.id, e.payable_id, e.type] for e in PayableEvent.objects.all()),
    "payments": sorted([p.id, p.payable_id, p.status, str(p.amount)] for p in Payment.objects.all()),
    "violations": violations(),
}))
"""


def snapshot_here() -> dict:
    return {
        "payables": sorted(
            [p.id, p.status, str(p.amount), str(p.amount_paid)] for p in Payable.objects.all()
        ),
        "events": sorted([e.id, e.payable_id, e.type] for e in PayableEvent.objects.all()),
        "payments": sorted(
            [p.id, p.payable_id, p.status, str(p.amount)] for p in Payment.objects.all()
        ),
        "violations": [],
    }


def url(params: dict, name: str) -> str:
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{params['USER']}{password}@{host}:{port}/{name}"


@pytest.fixture
def restore_database_url():
    params = connection.settings_dict
    # Named after the test database, so runs side by side (xdist workers, other checkouts on
    # the same server) each restore into a database of their own.
    name = f"{params['NAME']}_restore"
    with psycopg.connect(url(params, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield url(params, name)
    with psycopg.connect(url(params, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database(tmp_path, restore_database_url):
    world = build_world()
    for status in ("DRAFT", "CANCELLED", "DECLINED", "APPROVED", "SCHEDULED", "PAID", "PAID"):
        payable_in(world, status)
    upload = Path(settings.MEDIA_ROOT) / "backup-check" / "invoice.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"%PDF-1.4 invoice 42")
    before = snapshot_here()
    assert Payment.objects.filter(status="completed").count() >= 2
    assert len(before["events"]) > len(before["payables"])

    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    environment = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": str(tmp_path / "missing.env"),
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": restore_database_url,
        "MEDIA_ROOT": str(restored_media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DATABASE_STATEMENT_TIMEOUT_MS": "0",
    }
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr

    after = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "cleopay.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(json.dumps(before))
    assert (restored_media / "backup-check" / "invoice.pdf").read_bytes() == upload.read_bytes()


def test_restore_without_a_backup_says_so(tmp_path):
    with pytest.raises(Exception, match="No backup in"):
        call_command("restore", "--dir", str(tmp_path))
