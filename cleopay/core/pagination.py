"""
List pagination: ``limit`` (default 20, at most 200) and ``offset``, answering
``{"results": [...], "next": url | null, "previous": url | null}``.

No page counts the table. One extra row is fetched to know whether a next page exists, and the
``next`` link carries a keyset ``cursor`` (the ordering values of the page's last row), so
following it costs an index seek however deep the client goes, where a large ``offset`` would
make the database walk and discard every row before it. The queryset must be ordered by fields
that end in a unique one (e.g. ``-created_at, -id``).

A list whose rows are the union of disjoint parts, each of which an index serves in the list's
order where their OR is served by none (a business's payables: those it sends, and those it
receives), can name them: each part's first keys are read in order and merged here, then only
the page's rows are read.
"""

import base64
import binascii
import json
from operator import itemgetter

from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
# The largest OFFSET a database takes (a 64-bit integer); beyond it PostgreSQL fails the query.
MAX_OFFSET = 2**63 - 1


def _parse_non_negative(
    request, name: str, default: int, minimum: int, maximum: int | None = None
) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Must be a whole number of at least {minimum}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be a whole number of at least {minimum}."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Must be at most {maximum}."]})
    return value


class LimitOffsetPagination(BasePagination):
    limit_query_param = "limit"
    offset_query_param = "offset"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None, parts=None):
        """The page's rows of ``queryset``; ``parts``: disjoint querysets, ordered like it, whose
        union it is (see the module's docstring), or None."""
        self.request = request
        self.limit = min(_parse_non_negative(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        self.offset = _parse_non_negative(request, "offset", 0, 0, MAX_OFFSET)
        self.ordering = self._ordering(queryset)
        self.model = queryset.model
        cursor = self._decode_cursor(request.query_params.get(self.cursor_query_param))

        self.direction = "n"
        skip, seek = self.offset, None
        if cursor is not None:
            self.direction, values = cursor
            skip, seek = 0, self._seek(values, forward=self.direction == "n")

        def narrow(rows):
            if seek is None:
                return rows
            rows = rows.filter(seek)
            return rows.reverse() if self.direction == "p" else rows

        if parts:
            keys = self._merged_keys([narrow(part) for part in parts], skip)
            rows = list(narrow(queryset).filter(pk__in=keys)) if keys else []
        elif skip:
            rows = list(self._deep_page(queryset))
        else:
            rows = list(narrow(queryset)[: self.limit + 1])

        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        if self.direction == "p":
            rows.reverse()
        self.had_cursor = cursor is not None
        self.page = rows
        return rows

    def first_page(self, request, *, ordering: list[str], model, fetch) -> list:
        """``paginate_queryset`` for a first page (no ``offset``, no ``cursor``) whose rows
        ``fetch(limit)`` reads, ordered by ``ordering``, the page's rows and one more."""
        self.request = request
        self.limit = min(_parse_non_negative(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        self.offset, self.ordering, self.model = 0, ordering, model
        self.direction, self.had_cursor = "n", False
        rows = fetch(self.limit)
        self.has_more = len(rows) > self.limit
        self.page = rows[: self.limit]
        return self.page

    def _deep_page(self, queryset):
        """The page at ``offset``, reading only the rows it shows.

        The keys of the page are found first (a query on the filter and ordering columns, which
        an index-only scan can count past without visiting the rows it skips), then only those
        rows are read, instead of the database reading every row before the offset. Two plain
        queries: as one (the keys as a subquery), PostgreSQL spent longer planning it than
        running it.
        """
        keys = list(
            queryset.values_list("pk", flat=True)[self.offset : self.offset + self.limit + 1]
        )
        return queryset.filter(pk__in=keys) if keys else []

    def _merged_keys(self, parts, skip: int) -> list:
        """The keys of the page's rows (and one more) in the union of ``parts``: the first
        ``skip + limit + 1`` keys of each, read in the list's order, merged and cut here."""
        end = min(skip + self.limit + 1, MAX_OFFSET)  # a LIMIT past 2**63 - 1 fails the query
        names = [field.lstrip("-") for field in self.ordering]
        found = []
        for part in parts:
            found += part.values_list(*names, "pk")[:end]
        # A stable sort per field, the last first: the list's order, reversed for a "previous"
        # page, whose parts were read reversed.
        for index in reversed(range(len(names))):
            descending = self.ordering[index].startswith("-") != (self.direction == "p")
            found.sort(key=itemgetter(index), reverse=descending)
        return [row[-1] for row in found[skip:end]]

    def get_paginated_response(self, data):
        return Response(self.get_paginated_data(data))

    def get_paginated_data(self, data) -> dict:
        return {"results": data, "next": self.get_next_link(), "previous": self.get_previous_link()}

    # --- links -----------------------------------------------------------------------------------
    def _base_url(self) -> str:
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, self.offset_query_param)
        # An empty parameter is no parameter (``?status=``): the links do not carry it either.
        for name, value in self.request.query_params.items():
            if value == "":
                url = remove_query_param(url, name)
        return replace_query_param(url, self.limit_query_param, self.limit)

    def get_next_link(self):
        more_after = self.has_more if self.direction == "n" else self.had_cursor
        if not self.page or not more_after:
            return None
        return replace_query_param(
            self._base_url(), self.cursor_query_param, self._encode_cursor("n", self.page[-1])
        )

    def get_previous_link(self):
        if self.had_cursor:
            more_before = True if self.direction == "n" else self.has_more
            if not self.page or not more_before:
                return None
            return replace_query_param(
                self._base_url(), self.cursor_query_param, self._encode_cursor("p", self.page[0])
            )
        if self.offset <= 0:
            return None
        url = remove_query_param(self._base_url(), self.cursor_query_param)
        previous = max(self.offset - self.limit, 0)
        if previous == 0:
            return url
        return replace_query_param(url, self.offset_query_param, previous)

    def get_schema_operation_parameters(self, view):
        def param(name, description, **schema):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string" if name == "cursor" else "integer", **schema},
            }

        return [
            param("limit", f"Rows per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})."),
            param("offset", "Rows to skip.", minimum=0, maximum=MAX_OFFSET),
            param("cursor", "Opaque position taken from a `next` or `previous` link."),
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next", "previous"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
            },
        }

    # --- keyset ----------------------------------------------------------------------------------
    @staticmethod
    def _ordering(queryset) -> list[str]:
        ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        if not ordering:
            ordering = ["pk"]
        return [str(field) for field in ordering]

    def _value_of(self, row, field: str):
        name = field.lstrip("-")
        if name == "pk":
            name = self.model._meta.pk.attname
        if isinstance(row, dict):
            return row[name]
        return getattr(row, self.model._meta.get_field(name).attname)

    def _encode_cursor(self, direction: str, row) -> str:
        values = []
        for field in self.ordering:
            value = self._value_of(row, field)
            values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        raw = json.dumps([direction, values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode_cursor(self, raw: str | None):
        if not raw:  # ``?cursor=`` is no cursor, like every empty query parameter
            return None
        invalid = ValidationError(
            {"cursor": ["Invalid cursor: use the next or previous link as given."]}
        )
        try:
            padded = raw + "=" * (-len(raw) % 4)
            direction, values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            raise invalid from None
        if direction not in ("n", "p") or not isinstance(values, list):
            raise invalid
        if len(values) != len(self.ordering):
            raise invalid
        parsed = []
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            model_field = self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)
            try:
                parsed.append(model_field.to_python(value))
            except Exception:
                raise invalid from None
        return direction, parsed

    def _seek(self, values, *, forward: bool) -> Q:
        """Rows strictly after (forward) or before the row whose ordering values are given."""
        condition = Q()
        for index, field in enumerate(self.ordering):
            name = field.lstrip("-")
            descending = field.startswith("-")
            lookup = "lt" if descending == forward else "gt"
            step = Q(**{f"{name}__{lookup}": values[index]})
            for previous_field, previous_value in zip(self.ordering[:index], values, strict=False):
                step &= Q(**{previous_field.lstrip("-"): previous_value})
            condition |= step
        # The same bound on the first field alone (``created_at <= x``) is redundant for the
        # result, but unlike the OR above the database can start an index scan there, so a page
        # a thousand rows deep costs what the first one does.
        first = self.ordering[0]
        lookup = "lte" if first.startswith("-") == forward else "gte"
        return Q(**{f"{first.lstrip('-')}__{lookup}": values[0]}) & condition
