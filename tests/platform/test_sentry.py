"""SENTRY_DSN turns on error reports: a loopback HTTP server standing in as the DSN's host
receives the event of an error raised in a request and of one raised in a Celery task."""

import gzip
import json
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path

import cleopay.urls
from cleopay.celery import app


def boom(request):
    raise RuntimeError("request went wrong 4711")


cleopay.urls.urlpatterns.append(path("boom-for-sentry", boom))


@app.task(name="cleopay.tests.failing_task")
def failing_task():
    raise ValueError("task went wrong 4712")


client = Client(raise_request_exception=False)
assert client.get("/boom-for-sentry", HTTP_HOST="localhost").status_code == 500
failing_task.apply()
sentry_sdk.flush(timeout=10)
print("done")
"""


class Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def events(received) -> list[dict]:
    """The event items of the envelopes (one JSON header line, then item header/payload pairs)."""
    found = []
    for _, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_errors_reach_the_sentry_dsn(tmp_path):
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/42"
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                "ENV_FILE": "",
                "DEBUG": "1",
                "LOG_LEVEL": "CRITICAL",
                "VAR_DIR": str(tmp_path / "var"),
                "DJANGO_SETTINGS_MODULE": "cleopay.settings",
                "SENTRY_DSN": dsn,
                "SENTRY_ENVIRONMENT": "ci",
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert all(path == "/api/42/envelope/" for path, _ in Receiver.received)
    found = events(Receiver.received)
    messages = {value["value"]: event for event in found for value in event["exception"]["values"]}
    request_event = messages["request went wrong 4711"]
    assert request_event["environment"] == "ci"
    assert request_event["transaction"] == "/boom-for-sentry"
    task_event = messages["task went wrong 4712"]
    assert task_event["extra"]["celery-job"]["task_name"] == "cleopay.tests.failing_task"
