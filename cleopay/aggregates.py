"""Aggregates Django has only for PostgreSQL (``django.contrib.postgres``), for both databases."""

from django.db.models import Aggregate, JSONField


class JSONObjectAgg(Aggregate):
    """``{key: value, ...}`` of the rows, as a JSON object (``None`` for no rows).

    PostgreSQL's ``jsonb_object_agg`` (jsonb, which the driver hands over as text for
    ``JSONField`` to decode), SQLite's ``json_group_object``.
    """

    function = "JSONB_OBJECT_AGG"
    arity = 2
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_OBJECT", **extra_context)
