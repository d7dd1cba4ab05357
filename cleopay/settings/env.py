"""Reading the environment: the ``.env`` file, the checkout and VAR_DIR, DEBUG, and the helpers
the other settings modules parse variables with; every other settings module imports it."""

import os
from pathlib import Path

from cleopay.envfile import load_env_file

# The checkout: cleopay/settings/env.py is three levels below it.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
# ``.env`` fills in what the environment leaves unset (``cleopay.envfile``).
load_env_file()
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
