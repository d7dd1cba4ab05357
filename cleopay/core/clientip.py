"""The client's address, as the configured number of trusted proxies gives it.

``TRUSTED_PROXY_COUNT`` (environment, default 0) says how many proxies in front of the app
append to ``X-Forwarded-For``. With 0 the header is ignored and ``REMOTE_ADDR`` is the client;
with N the client is the N-th address from the right of the header (what the outermost trusted
proxy saw), so addresses a client writes into the header itself are never believed. DRF's
``NUM_PROXIES`` is set from the same value, so its throttles agree.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address throttles and logs key on (never the raw ``X-Forwarded-For``)."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or ""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    chosen = hops[-min(count, len(hops))]
    try:
        return str(ipaddress.ip_address(chosen))
    except ValueError:  # not an address ("unknown", a port, garbage): the peer, then
        return remote
