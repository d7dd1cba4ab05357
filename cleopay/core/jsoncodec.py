"""
JSON kept in the database with exact numbers, for ``JSONField``s that may hold ``Decimal``
(custom field values): ``models.JSONField(encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder)``.

Django's default encoder refuses ``Decimal`` and its ``DjangoJSONEncoder`` turns it into a
string; this pair writes it as a JSON number, digit for digit, and reads every JSON number
with a fraction back as ``Decimal`` (never ``float``).
"""

import json
from decimal import Decimal

from cleopay.core.api.renderers import dumps


class DecimalJSONEncoder(json.JSONEncoder):
    def encode(self, o) -> str:
        return dumps(o).decode()


class DecimalJSONDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)
