"""
Which URLs a webhook may be sent to: checked when an endpoint is saved and again, on the
addresses actually resolved, before every delivery (a host that resolved to a public address
yesterday may resolve to 127.0.0.1 today: DNS rebinding).

Refused unless ``WEBHOOK_ALLOW_PRIVATE_URLS``: loopback, private, link-local (cloud metadata at
169.254.169.254), shared, multicast, reserved and unspecified addresses, IPv4 or IPv6 (an
IPv4-mapped IPv6 address is judged as the IPv4 it maps). ``http://`` is refused unless
``WEBHOOK_REQUIRE_HTTPS`` is off (development and tests).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class AddressRefused(Exception):
    """The URL or an address it resolves to may not receive webhooks; the message says why."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, if its form is acceptable; ``AddressRefused`` if not."""
    if len(url) > 2000:
        raise AddressRefused("At most 2000 characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("Not a valid URL.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused("Must be an https:// URL.")
    if parts.scheme == "http" and settings.WEBHOOK_REQUIRE_HTTPS:
        raise AddressRefused("Must be an https:// URL.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("Must not carry a user name or password.")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise AddressRefused("Not a valid URL.")
    port = port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, parts.hostname, port


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now, every one of them allowed; ``AddressRefused``
    if it does not resolve or any address is private (unless private URLs are allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressRefused(f"The host {host} does not resolve.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not is_public(address):
                raise AddressRefused(
                    f"The host {host} resolves to a private or loopback address ({address})."
                )
    return addresses


def check_host_now(host: str, port: int) -> None:
    """When an endpoint is saved: a literal private address, or a name that resolves to one,
    is refused; a name that does not resolve yet is accepted (deliveries check again)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            resolve(host, port)
        except AddressRefused as exc:
            if "does not resolve" in str(exc):
                return
            raise
        return
    resolve(host, port)
