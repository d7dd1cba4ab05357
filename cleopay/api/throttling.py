"""Rate limits: per API token (or session user) everywhere, per client address on auth endpoints.

Rates come from THROTTLE_RATE_USER and THROTTLE_RATE_AUTH (e.g. ``6000/min``); a throttled
request is a 429 with ``Retry-After``.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "user"

    def get_rate(self):
        return settings.THROTTLE_RATE_USER

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous calls are refused before they cost anything
        token = getattr(request.auth, "token_key", None)
        ident = f"token:{token}" if token else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthRateThrottle(SimpleRateThrottle):
    """Sign-up and token exchange, keyed by client address: slows password guessing."""

    scope = "auth"

    def get_rate(self):
        return settings.THROTTLE_RATE_AUTH

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
