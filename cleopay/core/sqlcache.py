"""
Values queries compiled once and run again: the same SQL and parameters, no ORM on the way.

Building a queryset (filters, a filter set's form, lookups resolved against the models) and
compiling it to SQL costs a list's first page several times what running it does. Where a
request's parameters fully determine the SQL (no clock, no row read to build it), the compiled
statement is kept, keyed by those parameters, and the next identical request runs it directly:
the rows come back as ``values()`` would give them, through the same converters.

The cache is per thread (a compiled query holds its thread's connection) and small
(``MAX_ENTRIES``, least recently used first out). Only pure keys belong in it: whatever the SQL
depends on must be in the key.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

MAX_ENTRIES = 64
_local = threading.local()


class CompiledValues:
    """A ``values()`` queryset's SQL, run as often as wanted."""

    def __init__(self, queryset: QuerySet):
        query = queryset.query
        self.alias = queryset.db
        self.compiler = query.get_compiler(self.alias)
        self.sql, self.params = self.compiler.as_sql()
        # What ``ValuesIterable`` names each column, and the converters it applies.
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(fields)

    def rows(self) -> list[dict]:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            found = cursor.fetchall()
        if self.converters:
            found = self.compiler.apply_converters(found, self.converters)
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in found]


def compiled(key: Hashable, build: Callable[[], QuerySet]) -> CompiledValues | None:
    """The compiled ``build()`` for ``key`` (built and compiled on the first call); None when
    the query can match nothing (it is not kept: the caller runs its usual path)."""
    cache = getattr(_local, "entries", None)
    if cache is None:
        cache = _local.entries = OrderedDict()
    found = cache.get(key)
    if found is not None and found.compiler.connection is connections[found.alias]:
        cache.move_to_end(key)
        return found
    try:
        found = CompiledValues(build())
    except EmptyResultSet:
        return None
    cache[key] = found
    if len(cache) > MAX_ENTRIES:
        cache.popitem(last=False)
    return found


def clear() -> None:
    """Forget this thread's compiled queries."""
    _local.entries = OrderedDict()
