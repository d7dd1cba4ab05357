"""The migration linter: new migrations build indexes on big tables concurrently; the migrations
written before it are grandfathered by name."""

import io

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently
from django.core.management import call_command
from django.db import migrations, models

from cleopay import migrationlint


def migration(app_label: str, *operations, name: str = "0099_new"):
    made = migrations.Migration(name, app_label)
    made.operations = list(operations)
    return made


INDEX = models.Index(fields=["created_at"], name="payment_created_idx")


def test_the_project_passes():
    out = io.StringIO()
    call_command("lintmigrations", stdout=out)
    assert "no index built under a lock" in out.getvalue()


def test_every_existing_migration_is_grandfathered_by_name():
    names = {f"{m.app_label}.{m.name}" for m in migrationlint.project_migrations()}
    assert migrationlint.grandfathered() <= names  # no stale entries
    assert "payables.0003_list_indexes" in migrationlint.grandfathered()


def test_without_the_list_old_index_migrations_would_be_refused():
    problems = migrationlint.lint(migrationlint.project_migrations(), skip=set())
    assert any(problem.startswith("payables.0003_list_indexes:") for problem in problems)


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddIndex("payment", INDEX),
        migrations.AddIndex("payableevent", INDEX),
        migrations.AddIndex("payable", INDEX),
        migrations.RemoveIndex("payable", "payable_list_idx"),
        migrations.AddConstraint(
            "payment", models.UniqueConstraint(fields=["reference"], name="payment_ref_uniq")
        ),
        migrations.AddField("payment", "reference", models.CharField(max_length=9, db_index=True)),
        migrations.AlterField("payable", "memo", models.CharField(max_length=9, unique=True)),
        migrations.RunSQL("CREATE INDEX payment_x ON payables_payment (amount)"),
        migrations.RunSQL(["create unique index payment_y on payables_payment (amount)"]),
    ],
)
def test_index_built_under_a_lock_on_a_big_table_is_refused(operation):
    problems = migrationlint.lint([migration("payables", operation)], skip=set())
    assert len(problems) == 1
    assert problems[0].startswith("payables.0099_new: ")


@pytest.mark.parametrize(
    ("app_label", "operation"),
    [
        ("payables", AddIndexConcurrently("payment", INDEX)),
        ("payables", migrations.RunSQL("CREATE INDEX CONCURRENTLY p ON payables_payment (id)")),
        ("payables", migrations.AddField("payment", "note", models.TextField(default=""))),
        ("payables", migrations.AddIndex("payabletag", INDEX)),  # a small table
        ("accounts", migrations.AddIndex("user", INDEX)),
    ],
)
def test_concurrent_or_small_is_accepted(app_label, operation):
    assert migrationlint.lint([migration(app_label, operation)], skip=set()) == []


def test_a_grandfathered_name_is_not_checked():
    bad = migration("payables", migrations.AddIndex("payment", INDEX), name="0003_list_indexes")
    assert migrationlint.lint([bad], skip={"payables.0003_list_indexes"}) == []
    assert migrationlint.lint([bad], skip=set()) != []
