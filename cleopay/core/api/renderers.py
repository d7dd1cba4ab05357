"""Response rendering with orjson; ``Decimal`` amounts go out as JSON numbers (``2500.00``)."""

import datetime
import uuid
from decimal import Decimal

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(value):
    if isinstance(value, Decimal):
        # A Fragment is written verbatim: the number keeps its two decimals and never
        # passes through binary floating point.
        return orjson.Fragment(str(value))
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, uuid.UUID | datetime.timedelta):
        return str(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=_OPTIONS)


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)
