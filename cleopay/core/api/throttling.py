"""Rate limits: per API token (or session user) everywhere, per client address on auth endpoints.

Rates come from THROTTLE_RATE_USER and THROTTLE_RATE_AUTH (e.g. ``6000/min``); a throttled
request is a 429 with ``Retry-After``.

Requests are counted per fixed window (one atomic increment of a small cache key). DRF's own
``SimpleRateThrottle`` keeps the timestamp of every request of the last window and reads and
writes that whole list on each request: at 6000/min that is tens of kilobytes through the
cache per call, growing with the traffic it is meant to limit. The price of a counter is that a
client may send up to twice the rate across a window boundary.

A cache that cannot count (Redis down or silent, ``cleopay.core.cache``) lets the request through:
the throttles fail open rather than turn every call into a 500. Client addresses come from
``cleopay.core.clientip`` (the configured trusted proxies), never from a raw ``X-Forwarded-For``.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cleopay.core.cache import CacheUnavailable
from cleopay.core.clientip import client_ip


class WindowRateThrottle(SimpleRateThrottle):
    """``SimpleRateThrottle``'s rates and keys, counted per fixed window."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        window = int(self.timer() // self.duration)
        self.window_ends = (window + 1) * self.duration
        try:
            return self._count(f"{key}:{window}") <= self.num_requests
        except CacheUnavailable:
            return True  # fail open: no count is better than no answer

    def _count(self, key: str) -> int:
        """This request's number in the window (the first one creates the counter)."""
        try:
            return self.cache.incr(key)
        except ValueError:  # no counter yet in this window
            if self.cache.add(key, 1, timeout=self.duration + 1):
                return 1
            return self.cache.incr(key)  # another request created it in between

    def get_ident(self, request):
        return client_ip(request)

    def wait(self):
        return max(self.window_ends - self.timer(), 1)


class TokenRateThrottle(WindowRateThrottle):
    scope = "user"

    def get_rate(self):
        return settings.THROTTLE_RATE_USER

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous calls are refused before they cost anything
        token = getattr(request.auth, "token_key", None)
        ident = f"token:{token}" if token else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthRateThrottle(WindowRateThrottle):
    """Sign-up and token exchange, keyed by client address: slows password guessing."""

    scope = "auth"

    def get_rate(self):
        return settings.THROTTLE_RATE_AUTH

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
