"""The indexes of possible duplicates, built without locking the payables table."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain CREATE INDEX on SQLite (tests, the
    demo), which has no such thing."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("payables", "0009_comments_possible_duplicates"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="payable",
            index=models.Index(
                condition=models.Q(("submitted_at__isnull", False)),
                fields=["connection", "duplicate_key"],
                name="payable_duplicate_key_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="payable",
            index=models.Index(
                condition=models.Q(("submitted_at__isnull", False)),
                fields=["connection", "due_date", "amount"],
                name="payable_duplicate_amount_idx",
            ),
        ),
    ]
