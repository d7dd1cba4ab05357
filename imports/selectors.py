"""Reads of imports, scoped to the caller's businesses."""

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import roles_of
from cleopay.core import ids
from imports.models import FINISHED, Import, ImportProblem
from imports.progress import progress_get

# Problems shown with an import (the error report has all of them).
SHOWN_PROBLEMS = 100


def import_list(*, business_id: str) -> QuerySet[Import]:
    return Import.objects.filter(business_id=business_id).order_by("-created_at", "-id")


def import_get(*, user, import_id: str) -> Import:
    """An import of one of the caller's businesses (any member may read it); 404 otherwise."""
    job = None
    if ids.is_public_id(import_id, "imp"):
        job = Import.objects.filter(pk=import_id, business_id__in=list(roles_of(user))).first()
    if job is None:
        raise NotFound("Not found.")
    return job


def import_progress(job: Import) -> int:
    """Rows processed in the current pass: the cache's figure while a pass runs (its
    transaction has not committed the row's), the row's own otherwise."""
    if job.status in FINISHED:
        return job.processed
    running = progress_get(job)
    return min(max(job.processed, running or 0), job.total)


def import_problems(job: Import) -> QuerySet[ImportProblem]:
    """Every problem of the import, in the file's order."""
    return ImportProblem.objects.filter(batch=job).order_by("row", "id")


def import_of_business(*, business_id: str, import_id: str) -> Import | None:
    """An import of this business (the page's, its membership already checked), or None."""
    if not ids.is_public_id(import_id, "imp"):
        return None
    return Import.objects.filter(pk=import_id, business_id=business_id).first()
