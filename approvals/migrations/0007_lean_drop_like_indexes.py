"""Drop the ``varchar_pattern_ops`` twin ("_like") indexes PostgreSQL got for every ID column of
the approval tables. They serve only ``LIKE 'prefix%'`` on that column, which no query of the
product runs; for the equality lookups we do run, the planner picks them or their plain btree
twin (the primary key, the foreign key's index, the unique constraint) at the same cost: with
them dropped, EXPLAIN shows each lookup on its twin at an identical cost (BENCHMARKS.md, item 8),
while every insert and every non-HOT update pays for them. Dropped concurrently (no table lock);
the reverse builds them again, concurrently too. Nothing to do on SQLite (it never had them).
"""

from django.db import migrations

LIKE_INDEXED = [
    ("approvals_approvalrequest", "id"),
    ("approvals_approvalrequest", "payable_id"),
    ("approvals_approval", "request_id"),
    ("approvals_approval", "user_id"),
    ("approvals_approval", "on_behalf_of_id"),
]


def _names(schema_editor):
    for table, column in LIKE_INDEXED:
        yield table, column, schema_editor._create_index_name(table, [column], suffix="_like")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in _names(schema_editor):
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


def build_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, name in _names(schema_editor):
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" '
            f'ON "{table}" ("{column}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("approvals", "0006_reminders_step_settings"),
    ]

    operations = [migrations.RunPython(drop, build_again, elidable=False)]
