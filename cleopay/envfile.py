"""The ``.env`` file: settings for a checkout, kept out of the shell.

``ENV_FILE`` names it (default: ``.env`` beside ``manage.py``; empty: none). It only fills in
what the environment leaves unset: a variable set in the real environment always wins. Read by
the settings, and first thing by ``manage.py``, the WSGI entry point and the Celery app, so
even ``DJANGO_SETTINGS_MODULE`` may come from it.
"""

import os
from pathlib import Path

from dotenv import load_dotenv

DEFAULT = Path(__file__).resolve().parent.parent / ".env"


def load_env_file() -> Path | None:
    """Load the ``.env`` file into ``os.environ`` without overriding anything; its path, or
    None when there is none."""
    name = os.environ.get("ENV_FILE", str(DEFAULT))
    if not name:
        return None
    path = Path(name)
    if not path.is_file():
        return None
    load_dotenv(path, override=False)
    return path
