"""On PostgreSQL, a trigger makes the timeline append-only: UPDATE and DELETE are refused.

TRUNCATE (how the test runner empties tables) fires no row trigger and stays possible for the
database owner. SQLite has no equivalent worth the cost; the services never edit an event.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payables_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'payable events are append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payables_event_append_only
    BEFORE UPDATE OR DELETE ON payables_payableevent
    FOR EACH ROW EXECUTE FUNCTION payables_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS payables_event_append_only ON payables_payableevent;
DROP FUNCTION IF EXISTS payables_event_append_only();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("payables", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
