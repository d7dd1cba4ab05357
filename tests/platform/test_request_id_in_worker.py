"""The request id travels with the task it publishes: request → task headers → the worker
process's JSON log lines (a real ``celery worker`` process on the Redis broker)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from cleopay.celery import app
from tests.conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASK = "accounts.tasks.send_member_invitation_email"


def _database_url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"


def _lines(path: Path) -> list[dict]:
    found = []
    for line in path.read_text().splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def test_the_request_id_reaches_the_worker_log(api, owner, tmp_path):
    # A queue of this test's own, so no other worker on the same Redis can take the task.
    queue = f"email-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "worker-log-test-" + uuid.uuid4().hex * 2,
        "LOG_FORMAT": "json",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "cleopay", "worker"),
            *("--pool", "solo", "-Q", queue, "--without-gossip", "--without-mingle"),
            *("--loglevel", "INFO", "-n", f"{queue}@%h"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    routes, eager = app.conf.task_routes, app.conf.task_always_eager
    app.conf.task_routes = {TASK: {"queue": queue}}
    app.conf.task_always_eager = False
    # The routing table is computed once per app (an earlier test may have read it): rebuild it.
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        wait_until(lambda: "ready" in log.read_text(), timeout=60)
        request_id = f"req-{uuid.uuid4().hex}"
        response = api(owner).post(
            f"/api/businesses/{owner.business.id}/members",
            {"email": "worker-log@example.com", "role": "viewer"},
            format="json",
            HTTP_X_REQUEST_ID=request_id,
        )
        assert response.status_code == 201, response.content
        assert response["X-Request-ID"] == request_id

        def task_lines():
            return [
                line
                for line in _lines(log)
                if line.get("task_name") == TASK and line.get("request_id") == request_id
            ]

        lines = wait_until(task_lines, timeout=30)
        assert all(line["level"] in {"INFO", "WARNING", "ERROR"} for line in lines)
        assert any("succeeded" in line["message"] for line in lines), lines
        assert lines[0]["task_id"]
        assert lines[0]["business_id"] == str(owner.business.id)
    finally:
        app.conf.task_routes, app.conf.task_always_eager = routes, eager
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
