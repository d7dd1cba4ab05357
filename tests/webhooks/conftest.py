"""A real HTTP receiver on loopback, and the settings that let webhooks reach it."""

import http.server
import threading
import time
from types import SimpleNamespace

import pytest


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        state = self.server.state
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        state.received.append(
            SimpleNamespace(path=self.path, headers=dict(self.headers.items()), body=body)
        )
        mode = state.mode
        if mode == "hang":
            time.sleep(state.hang_seconds)
            return
        if mode == "redirect":
            self.send_response(307)
            self.send_header("Location", state.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "huge":
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(800):
                    self.wfile.write(chunk)
            except OSError:
                state.huge_cut_off = True
            return
        status = state.status
        payload = b'{"ok": true}' if status < 300 else b"receiver error"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class Receiver:
    """``http.server`` in a thread: records what it receives; ``mode`` picks how it answers."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.state = self
        self.received = []
        self.mode = "status"
        self.status = 200
        self.hang_seconds = 5.0
        self.redirect_to = ""
        self.huge_cut_off = False
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def kill(self):
        """Stop listening: from now on a connection to its port is refused."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_REQUIRE_HTTPS = False


@pytest.fixture
def receiver(loopback):
    receiver = Receiver()
    yield receiver
    receiver.kill()
