"""How far a running pass got, through the cache: a pass is one transaction, so the import's
own counter is invisible to readers until it commits. The cache failing open only costs the
progress bar its steps."""

from django.core.cache import cache

PROGRESS_TTL = 3600


def _key(job) -> str:
    # Per pass: the import pass starts from zero again.
    return f"imports:progress:{job.pk}:{job.status}"


def progress_set(job, processed: int) -> None:
    cache.set(_key(job), processed, PROGRESS_TTL)


def progress_get(job) -> int | None:
    return cache.get(_key(job))
