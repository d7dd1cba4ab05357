"""How the API's own serializer fields read in the OpenAPI schema (loaded by ``cleopay.core.apps.CoreConfig``).

Amounts and quantities are exact decimals: declared ``format: decimal`` (never ``double``), so
that generated clients can map them to a decimal type. Responses carry JSON numbers with a fixed
number of decimals; requests take a number or a string of ASCII digits, both parsed straight to
``Decimal`` (``cleopay.core.money.ExactDecimalField``).
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class ExactDecimalFieldScheme(OpenApiSerializerFieldExtension):
    target_class = "cleopay.core.money.ExactDecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        number = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        places = self.target.decimal_places
        number["format"] = "decimal"
        number["description"] = f"An exact decimal with at most {places} decimal places" + (
            ": a JSON number, or a string of digits." if direction == "request" else "."
        )
        if direction != "request":
            return number
        meta = {key: number.pop(key) for key in ("description", "nullable") if key in number}
        text = {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^-?[0-9]+(\.[0-9]{{1,{places}}})?$",
        }
        return {"oneOf": [number, text], **meta}
