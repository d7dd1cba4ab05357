"""Cleo Pay: the project package (settings, URLs, the Celery app and the shared API pieces)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
