"""Drop the ``varchar_pattern_ops`` twin ("_like") indexes PostgreSQL got for every ID column of
the payables tables. They serve only ``LIKE 'prefix%'`` on that column, which no query of the
product runs; for the equality lookups we do run, the planner picks them or their plain btree
twin (the primary key, the foreign key's index, the unique constraint) at the same cost: with
them dropped, EXPLAIN shows each lookup on its twin at an identical cost (BENCHMARKS.md, item 8),
while every insert and every non-HOT update pays for them. Dropped concurrently (no table lock);
the reverse builds them again, concurrently too. Nothing to do on SQLite (it never had them).
"""

from django.db import migrations

LIKE_INDEXED = [
    ("payables_payable", "id"),
    ("payables_payable", "created_by_id"),
    ("payables_payable", "submitted_by_id"),
    ("payables_lineitem", "id"),
    ("payables_payableevent", "id"),
    ("payables_payableevent", "actor_id"),
    ("payables_payableevent", "business_id"),
    ("payables_payment", "id"),
    ("payables_payment", "payable_id"),
    ("payables_payment", "created_by_id"),
    ("payables_ledgertransfer", "payment_id"),
    ("payables_ledgertransfer", "payer_id"),
    ("payables_ledgertransfer", "payee_id"),
    ("payables_ledgertransfer", "reference"),
    ("payables_payableattachment", "payable_id"),
    ("payables_payableattachment", "file_id"),
    ("payables_payabletag", "tag_id"),
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
        ("payables", "0011_reminders_event_type"),
    ]

    operations = [migrations.RunPython(drop, build_again, elidable=False)]
