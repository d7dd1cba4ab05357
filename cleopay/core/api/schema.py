"""OpenAPI post-processing: the shared error shape, parameter names as the pages spell them,
operations grouped by resource, exact decimals, and the Idempotency-Key header."""

import re

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


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def camel_case_path_parameters(result, generator, request, public):
    """drf-spectacular hook: path parameters named as the product pages name them.

    The URL patterns say ``<business_id>`` (Python's spelling, the views' keyword arguments);
    the pages and every client say ``{businessId}``. Only the schema's names change: a path is
    matched by position, so the same URLs serve both.
    """
    paths = {}
    for path, operations in result.get("paths", {}).items():
        renamed = re.sub(r"\{(\w+)\}", lambda m: "{" + _camel(m.group(1)) + "}", path)
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    parameter["name"] = _camel(parameter["name"])
        paths[renamed] = operations
    result["paths"] = paths
    return result


_BUSINESS_COLLECTION = re.compile(r"^/api/businesses/\{\w+\}/([a-z-]+)")


def tags_by_resource(result, generator, request, public):
    """drf-spectacular hook: a business's collection is tagged with its resource.

    drf-spectacular tags an operation with the path's first segment, so creating a payable
    (``/api/businesses/{businessId}/payables``) sat under ``businesses`` while approving one sat
    under ``payables``; generated clients group their modules by tag (``api/payables/``) and the
    docs group their sections the same way. A collection whose resource has routes of its own
    (payables, webhooks, connections, tags...) takes that resource's tag; what only exists
    within a business (members, invitations, settings, the event feed) stays under
    ``businesses``.
    """
    paths = result.get("paths", {})
    resources = {
        tag
        for path, operations in paths.items()
        if not _BUSINESS_COLLECTION.match(path)
        for operation in operations.values()
        for tag in operation.get("tags", [])
    }
    for path, operations in paths.items():
        match = _BUSINESS_COLLECTION.match(path)
        if match and match.group(1) in resources:
            for operation in operations.values():
                operation["tags"] = [match.group(1)]
    return result


def decimal_not_double(result, generator, request, public):
    """drf-spectacular hook: no number of this API is binary floating point.

    Amounts and quantities are exact decimals (``cleopay.schema_fields`` declares the
    serializers' fields); this catches the rest, the query filters (``amountMin``...).
    """

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "number" and node.get("format") in ("double", "float"):
                node["format"] = "decimal"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": (
        "Makes a retry safe: a repeat with the same key and body returns the first response "
        "(header `Idempotent-Replayed: true`); with a different body it is a 409. "
        "1 to 255 printable ASCII characters; kept at least 24 hours."
    ),
    "example": "7f6c1c1e-2f4b-4f60-9d36-1f1f6a0a9a51",
}


def _honours_idempotency(path: str) -> bool:
    """Whether the view of ``path`` replays by Idempotency-Key (``ApiView.idempotent``)."""
    from django.urls import Resolver404, resolve

    try:
        view = resolve(re.sub(r"\{\w+\}", "x_1", path)).func.view_class
    except (Resolver404, AttributeError):
        return True
    return getattr(view, "idempotent", True)


def idempotency_key_header(result, generator, request, public):
    """drf-spectacular hook: every POST but those under /api/auth/ declares Idempotency-Key
    (``cleopay.api.views.ApiView`` honours it on each of them), save a view that says it does
    not (``idempotent = False``, e.g. where a refusal must be counted, not rolled back)."""
    for path, operations in result.get("paths", {}).items():
        operation = operations.get("post")
        if operation is None or path.startswith("/api/auth/") or not _honours_idempotency(path):
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == IDEMPOTENCY_KEY["name"] for p in parameters):
            parameters.append(dict(IDEMPOTENCY_KEY))
    return result
