"""The layers hold: apps import downward only, and cleopay.core imports no app (the contracts in
pyproject.toml, also run by ``make lint`` and CI). The outbox models kept their app label."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_linter_contract_is_kept():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.django_db
def test_the_core_models_keep_their_tables_and_migrations():
    """``cleopay.core`` carries the ``cleopay`` label: same tables, same migration history."""
    config = apps.get_app_config("cleopay")
    assert config.name == "cleopay.core"
    assert {model._meta.db_table for model in config.get_models()} == {
        "cleopay_idempotencykey",
        "cleopay_pendingtask",
    }
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
