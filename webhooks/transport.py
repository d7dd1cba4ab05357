"""
One webhook POST, bounded in every direction: the network is the receiver's, not ours.

- The host is resolved and every address checked (``addresses``) right before connecting, and
  the connection goes to the address that was checked (no second lookup a rebinding DNS
  server could answer differently); TLS still verifies the certificate for the host name.
- The whole exchange (connect, TLS, request, headers, body) ends by ``timeout`` seconds: a
  watchdog shuts the socket down at the deadline, so a receiver that answers one byte at a time
  cannot stretch it.
- At most ``max_bytes`` of the response body are read; the rest is never downloaded.
- Redirects are not followed: a 3xx is an answer like any other non-2xx (a failure).
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from webhooks.addresses import AddressRefused, check_url, resolve


@dataclass
class Outcome:
    status: int | None  # the HTTP status, None when there was no answer
    duration_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _connect(addresses: list[str], port: int, timeout: float) -> socket.socket:
    last: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            last = exc
    raise last or OSError("no address to connect to")


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _host_header(host: str, port: int, scheme: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return shown if port == default else f"{shown}:{port}"


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, max_bytes: int):
    """POST ``body`` to ``url``; an ``Outcome``, never an exception."""
    started = time.monotonic()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port = check_url(url)
        addresses = resolve(host, port)
    except AddressRefused as exc:
        return Outcome(status=None, duration_ms=elapsed_ms(), error=str(exc))
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    raw = None
    watchdog = None
    try:
        raw = _connect(addresses, port, timeout)
        remaining = max(0.0, timeout - (time.monotonic() - started))
        watchdog = threading.Timer(remaining, _shut, args=(raw,))
        watchdog.daemon = True
        watchdog.start()
        sock = raw
        if scheme == "https":
            sock = ssl.create_default_context().wrap_socket(raw, server_hostname=host)
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        connection.sock = sock
        connection.putrequest("POST", target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", _host_header(host, port, scheme))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        content = response.read(max_bytes)
        return Outcome(
            status=response.status,
            duration_ms=elapsed_ms(),
            excerpt=content[:1000].decode("utf-8", "replace")[:1000],
        )
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if time.monotonic() - started >= timeout:
            error = f"No complete answer within {timeout:g} s."
        else:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Outcome(status=None, duration_ms=elapsed_ms(), error=error[:500])
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if raw is not None:
            _shut(raw)
            raw.close()
