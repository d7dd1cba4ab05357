"""
The Redis cache, failing open and bounded: a cache that is down never turns a request into a 500.

Django's ``RedisCache`` raises whatever redis-py raises (connection refused, a read that timed
out), so with Redis down every request that touches the cache (the throttles: every API call)
would fail. ``FailOpenRedisCache`` answers as an empty cache instead:

- reads return their default (``get`` → ``default``, ``get_many`` → ``{}``, ``has_key`` → False);
- writes report that nothing was stored (``set``/``add``/``touch``/``delete`` → False);
- ``incr``/``decr`` raise ``CacheUnavailable`` (there is no honest number to return), which the
  throttles treat as "allow" (``cleopay.core.api.throttling``, ``accounts.loginguard``).

Each call is bounded by short socket timeouts (``OPTIONS`` in settings: ``socket_connect_timeout``,
``socket_timeout``), and after one failure the process skips Redis for ``RETRY_AFTER`` seconds
(a circuit breaker, like ``cleopay.core.publish``'s for the broker), so a Redis that accepts and
never answers costs one bounded wait, not one per request.

Written here rather than taken from a library: django-redis has an ``IGNORE_EXCEPTIONS`` option
but no circuit breaker (each call waits its timeout again), and it would replace Django's own
backend for this one behaviour.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# After a failed call, skip Redis this long (seconds) before trying it again.
RETRY_AFTER = 15.0

_lock = threading.Lock()
_down_until = 0.0


class CacheUnavailable(Exception):
    """The cache could not answer (down, silent, or skipped by the circuit breaker)."""


def marked_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down() -> None:
    global _down_until
    with _lock:
        _down_until = time.monotonic() + RETRY_AFTER


def reset() -> None:
    """Forget a past failure (tests; a process that knows Redis is back)."""
    global _down_until
    with _lock:
        _down_until = 0.0


def _guarded(name: str, fallback):
    """``RedisCache.<name>``, answering ``fallback(*args, **kwargs)`` when Redis cannot."""
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        if marked_down():
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except ValueError:  # incr of a missing key: the cache answered, pass it on
            raise
        except Exception as exc:  # redis-py's ConnectionError, TimeoutError, OSError, ...
            _mark_down()
            logger.warning("cache unavailable (%s: %s); failing open", type(exc).__name__, exc)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


def _default(key, default=None, *args, **kwargs):
    return default


def _false(*args, **kwargs):
    return False


def _none(*args, **kwargs):
    return None


def _empty(*args, **kwargs):
    return {}


def _failed_keys(data, *args, **kwargs):
    return list(data)


def _unavailable(*args, **kwargs):
    raise CacheUnavailable("the cache is unavailable")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache that answers as an empty cache while Redis is down (see module)."""

    get = _guarded("get", _default)
    get_many = _guarded("get_many", _empty)
    has_key = _guarded("has_key", _false)
    set = _guarded("set", _false)
    add = _guarded("add", _false)
    touch = _guarded("touch", _false)
    delete = _guarded("delete", _false)
    delete_many = _guarded("delete_many", _none)
    set_many = _guarded("set_many", _failed_keys)
    clear = _guarded("clear", _false)
    incr = _guarded("incr", _unavailable)
    decr = _guarded("decr", _unavailable)
