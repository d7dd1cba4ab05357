"""OpenAPI post-processing: every operation documents the shared error shape."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["type", "message", "errors"],
    "properties": {
        "type": {
            "type": "string",
            "enum": [
                "validation_error",
                "authentication_error",
                "permission_denied",
                "not_found",
                "method_not_allowed",
                "not_acceptable",
                "conflict",
                "payload_too_large",
                "unsupported_media_type",
                "throttled",
                "server_error",
            ],
        },
        "message": {"type": "string"},
        "code": {"type": "string"},
        "currentStatus": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_DESCRIPTIONS = {
    "400": "Invalid input (including malformed JSON).",
    "401": "Missing or invalid token.",
    "403": "The caller's role does not allow this.",
    "404": "Not found, or belongs to a business the caller is not a member of.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state (status, duplicate, idempotency key).",
    "413": "Payload too large.",
    "415": "Unsupported media type.",
    "429": "Throttled; see Retry-After.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: add the error responses any operation can give."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "404", "405", "429"]
            if operation.get("security") != [] and not path.startswith("/api/auth/"):
                codes += ["401", "403"]
            elif path.startswith("/api/auth/"):
                codes += ["401"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "413", "415"]
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result


EMPTY = {"type": "string", "maxLength": 0}


def empty_query_values(result, generator, request, public):
    """drf-spectacular hook: an empty query parameter (``?status=``) is accepted as absent.

    Every list and filter of the API reads ``?name=`` the way HTML forms send an untouched
    field: as if the parameter were not there (DRF's and django-filter's reading of query
    strings). The schema says so, so that clients and fuzzers know an empty value is valid: an
    enum gains ``""``, any other optional query parameter may also be the empty string.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter.get("required"):
                    continue
                schema = parameter.get("schema", {})
                if "enum" in schema:
                    if "" not in schema["enum"]:
                        schema["enum"] = [*schema["enum"], ""]
                elif schema and not (schema.get("type") == "string" and "format" not in schema):
                    parameter["schema"] = {"anyOf": [schema, EMPTY]}
    return result
