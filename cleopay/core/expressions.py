"""Query expressions the ORM lacks, for both databases."""

from django.db.models import BooleanField, F, Func


class AnyOf(Func):
    """``column`` is one of ``values``: ``column = ANY(%s)`` with the values as one array
    parameter on PostgreSQL, ``column IN (%s, ...)`` elsewhere.

    ``__in`` prepares and compiles one parameter per value: for a member of a thousand
    businesses, a filter on their IDs cost more to build than to run. Use as a filter:
    ``queryset.filter(AnyOf("payer_id", ids))``, or inside ``Q``, ``When`` and ``~``.
    """

    arity = 1
    output_field = BooleanField()

    def __init__(self, column: str, values):
        super().__init__(F(column))
        self.values = sorted(set(values))

    def _column(self, compiler):
        return compiler.compile(self.source_expressions[0])

    def as_sql(self, compiler, connection, **extra_context):
        column, params = self._column(compiler)
        if not self.values:
            return "1 = 0", ()
        placeholders = ", ".join(["%s"] * len(self.values))
        return f"{column} IN ({placeholders})", (*params, *self.values)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = self._column(compiler)
        return f"{column} = ANY(%s::varchar[])", (*params, self.values)
