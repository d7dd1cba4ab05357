"""
JSON columns that keep numbers exact.

``customFields`` values arrive from the JSON parser as ``Decimal`` (never ``float``). The standard
library encoder refuses ``Decimal``, and ``DjangoJSONEncoder`` would turn ``1.10`` into the string
``"1.10"``. These classes write the number with all its digits and read it back as ``Decimal``.
"""

import json
from decimal import Decimal

from cleopay.core.api.renderers import dumps


class ExactJSONEncoder(json.JSONEncoder):
    """Encodes through orjson, writing each ``Decimal`` verbatim as a JSON number."""

    def encode(self, o) -> str:
        return dumps(o).decode()

    def iterencode(self, o, _one_shot=False):
        yield self.encode(o)


class ExactJSONDecoder(json.JSONDecoder):
    """Reads JSON numbers with a fraction or exponent as ``Decimal``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)
