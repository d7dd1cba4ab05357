"""
The migration linter (``manage.py lintmigrations``, run by CI and the test suite): a new migration
must not lock a big table while it builds an index.

On PostgreSQL, ``CREATE INDEX`` holds a lock that blocks every write to the table until the index
is built: minutes on a table of millions of payables, events or payments, during which nobody can
submit, approve or pay. ``CREATE INDEX CONCURRENTLY`` builds it without blocking writes. So a new
migration touching one of ``BIG_TABLES`` must use ``AddIndexConcurrently`` (and
``RemoveIndexConcurrently``) from ``django.contrib.postgres.operations``, in a migration with
``atomic = False``; these are refused:

- ``AddIndex`` / ``RemoveIndex`` on a big table;
- ``AddConstraint`` of a ``UniqueConstraint`` (it builds a unique index): build the index
  concurrently first, then attach it with ``RunSQL`` (``ALTER TABLE ... ADD CONSTRAINT ... USING
  INDEX``);
- ``AddField`` / ``AlterField`` with ``db_index=True`` or ``unique=True`` on a big table (a
  foreign key makes an index too: add it with ``db_index=False`` and index it concurrently);
- ``RunSQL`` with ``CREATE [UNIQUE] INDEX`` not followed by ``CONCURRENTLY``.

The migrations that existed when the linter arrived ran long ago on small tables: they are listed
in ``cleopay/migrationlint_grandfathered.txt`` and not checked. Never add a new one there.
"""

import re
from collections.abc import Iterable
from pathlib import Path

from django.db import migrations, models

# (app label, model name in lower case): the tables that grow with the business.
BIG_TABLES = frozenset(
    {
        ("payables", "payable"),
        ("payables", "payableevent"),
        ("payables", "payment"),
        ("payables", "lineitem"),
        ("payables", "payableattachment"),
        ("payables", "ledgertransfer"),
        ("notifications", "notification"),
    }
)
BIG_TABLE_NAMES = frozenset(f"{app}_{model}" for app, model in BIG_TABLES)

GRANDFATHERED_FILE = Path(__file__).with_name("migrationlint_grandfathered.txt")
CREATE_INDEX = re.compile(r"\bCREATE\s+(UNIQUE\s+)?INDEX\b(?!\s+CONCURRENTLY)", re.IGNORECASE)


def grandfathered() -> set[str]:
    lines = GRANDFATHERED_FILE.read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _field_indexed(field) -> bool:
    if getattr(field, "unique", False) and not getattr(field, "primary_key", False):
        return True
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return field.db_index
    return bool(getattr(field, "db_index", False))


def _sql_text(sql) -> str:
    if isinstance(sql, list | tuple):
        return " ".join(_sql_text(item) for item in sql)
    if isinstance(sql, dict | type(None)):
        return ""
    return str(sql)


def operation_problems(app_label: str, operation) -> list[str]:
    """What is wrong with one operation of ``app_label`` (empty when it is fine)."""
    from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently

    if isinstance(operation, AddIndexConcurrently | RemoveIndexConcurrently):
        return []
    model = getattr(operation, "model_name", None)
    big = (app_label, (model or "").lower()) in BIG_TABLES
    name = type(operation).__name__
    if big and isinstance(operation, migrations.AddIndex | migrations.RemoveIndex):
        return [f"{name} on {app_label}.{model} locks the table: use {name}Concurrently"]
    if (
        big
        and isinstance(operation, migrations.AddConstraint)
        and isinstance(operation.constraint, models.UniqueConstraint)
    ):
        return [f"a unique constraint on {app_label}.{model} builds its index under a lock"]
    if (
        big
        and isinstance(operation, migrations.AddField | migrations.AlterField)
        and _field_indexed(operation.field)
    ):
        return [
            f"{name} {app_label}.{model}.{operation.name} builds an index under a lock: "
            "add it without the index, then AddIndexConcurrently"
        ]
    if isinstance(operation, migrations.RunSQL) and CREATE_INDEX.search(_sql_text(operation.sql)):
        return ["RunSQL creates an index without CONCURRENTLY"]
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return [
            problem
            for inner in operation.database_operations
            for problem in operation_problems(app_label, inner)
        ]
    return []


def migration_problems(migration) -> list[str]:
    problems = []
    for operation in migration.operations:
        problems.extend(operation_problems(migration.app_label, operation))
    return problems


def lint(migrations_to_check: Iterable, skip: set[str] | None = None) -> list[str]:
    """``app.name: problem`` for each migration not in ``skip`` (default: the grandfathered)."""
    skip = grandfathered() if skip is None else skip
    found = []
    for migration in sorted(migrations_to_check, key=lambda m: (m.app_label, m.name)):
        label = f"{migration.app_label}.{migration.name}"
        if label in skip:
            continue
        found.extend(f"{label}: {problem}" for problem in migration_problems(migration))
    return found


def project_migrations() -> list:
    """Every migration of the project's own apps (not Django's or third parties')."""
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    root = Path(settings.BASE_DIR).resolve()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    own = []
    for migration in loader.disk_migrations.values():
        module = __import__(type(migration).__module__, fromlist=["_"])
        if Path(module.__file__).resolve().is_relative_to(root) and ".venv" not in module.__file__:
            own.append(migration)
    return own
