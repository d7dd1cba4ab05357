"""Request parsing: JSON numbers become ``Decimal`` (never ``float``); NaN and Infinity are refused.

A JSON body may be at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond).
"""

import json
from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from cleopay.core.errors import PayloadTooLarge


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class DecimalJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"A JSON body may be at most {limit} bytes.")
        if not raw.strip():
            return {}
        try:
            return json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
