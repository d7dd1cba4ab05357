"""
Publishing Celery tasks from requests: after the commit, bounded, never raising, nothing lost.

Every task a request starts (an e-mail, a notification) goes through ``publish_on_commit``:

- it is sent only once the transaction commits (a rolled-back change starts nothing);
- a broker that is down or silent costs one attempt, bounded by the broker settings
  (``CELERY_BROKER_CONNECTION_TIMEOUT``, the transport's socket timeouts, one publish retry), and
  the error is logged, never raised: the change is committed, the client gets its answer;
- after a failure, publishes in this process skip the broker for ``BROKER_RETRY_AFTER`` seconds
  (a circuit breaker), so a broker that hangs does not slow every request down;
- a task that could not be sent is kept in the ``PendingTask`` outbox, which the beat task
  ``cleopay.tasks.publish_pending_tasks`` sends once the broker answers again. Work that keeps
  its own record of what is left to do (a notification's e-mail: ``emailed_at`` stays null and
  its own sweep sends it) passes ``keep=False``.

Tasks are idempotent by convention (they take IDs and re-read), so a task sent twice, by the
request and again by the outbox after an unclear failure, is harmless.
"""

import logging
import threading
import time
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

# After a failed publish, skip the broker this long (seconds) before trying it again.
BROKER_RETRY_AFTER = 30.0

_lock = threading.Lock()
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def _mark_broker_down() -> None:
    global _broker_down_until
    with _lock:
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER


def reset() -> None:
    """Forget a past failure (tests; a process that knows the broker is back)."""
    global _broker_down_until
    with _lock:
        _broker_down_until = 0.0


def _keep(task, args: tuple, error: str) -> None:
    from cleopay.core.models import PendingTask

    try:
        PendingTask.objects.create(task=task.name, args=list(args), last_error=error[:1000])
    except Exception:  # the database too: nothing more can be done here, say so loudly
        logger.exception("could not keep task %s%r for later; it is lost", task.name, args)


def publish(task, *args, keep: bool = True) -> bool:
    """Send ``task(*args)`` to the broker now; True if it was sent.

    On failure (or while the broker is marked down) the task is kept in the outbox when
    ``keep`` is set, and False is returned. Never raises.
    """
    if broker_marked_down() and not task.app.conf.task_always_eager:
        if keep:
            _keep(task, args, "broker marked down after an earlier failure")
        logger.info("broker marked down: %s%r not sent now", task.name, args)
        return False
    try:
        task.apply_async(args)
    except Exception as exc:
        _mark_broker_down()
        logger.warning(
            "could not publish %s%r (%s); %s",
            task.name,
            args,
            exc,
            "kept for publish_pending_tasks" if keep else "its own sweep will do the work",
            exc_info=True,
        )
        if keep:
            _keep(task, args, f"{type(exc).__name__}: {exc}")
        return False
    return True


def publish_on_commit(task, *args, keep: bool = True) -> None:
    """``publish(task, *args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(publish, task, *args, keep=keep))


def publish_pending(*, limit: int = 500) -> int:
    """Send the tasks kept in the outbox, oldest first; stop at the first failure.

    Rows are locked with SKIP LOCKED, so two runs never send the same task; a row is deleted in
    the transaction that sent it. Returns how many were sent.
    """
    from celery import current_app

    from cleopay.core.models import PendingTask

    sent = 0
    with transaction.atomic():
        rows = list(PendingTask.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        for row in rows:
            task = current_app.tasks.get(row.task)
            if task is None:
                logger.error("pending task %s is unknown; dropped", row.task)
                row.delete()
                continue
            try:
                task.apply_async(tuple(row.args))
            except Exception as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                row.save(update_fields=["attempts", "last_error"])
                logger.warning("broker still unavailable; %d task(s) wait", len(rows) - sent)
                break
            row.delete()
            sent += 1
    if sent:
        reset()
    return sent
