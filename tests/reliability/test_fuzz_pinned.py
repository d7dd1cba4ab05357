"""
Pinned fuzz cases on every operation of /api/schema/: the inputs that break servers.

For each operation the schema describes, as a member of both businesses (so every ID of the
world is a real one), requests carry:

- NUL bytes in each path parameter, each query parameter, each string of the JSON body (line
  items included) and in headers;
- numbers no column can hold (``1e400``, ``99999999999999999999999``, ``-0``, ``-1e400``,
  ``1e-400``) in each number of the body and the query;
- IDs of the wrong type (a ``usr_`` where a ``pay_`` belongs, in paths and bodies);
- malformed ``Idempotency-Key`` headers on every POST;
- every optional query parameter empty (``?status=``), which must read as absent.

None may answer 5xx, and every error has the API's one shape.
"""

import json
import re
from collections import Counter

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.services import token_create
from tests.reliability.report import figure

NUL = "a\x00b"
HUGE_NUMBERS = ["1e400", "99999999999999999999999", "-0", "-1e400", "1e-400", "-99999999999.999"]
BAD_KEYS = ["", " ", "x" * 256, "tab\tkey", "nul\x00key", "é", "\x7f"]
PATH_PARAM = re.compile(r"{(\w+)}")


def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def sample(schema: dict, node: dict, name: str = ""):
    """A plausible value for a schema node (IDs of the right prefix are not needed here)."""
    node = _resolve(schema, node)
    if "enum" in node:
        return next((v for v in node["enum"] if v not in ("", None)), None)
    if "oneOf" in node or "anyOf" in node:
        return sample(schema, (node.get("oneOf") or node.get("anyOf"))[0], name)
    kind = node.get("type")
    if kind == "object":
        return {key: sample(schema, sub, key) for key, sub in node.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema, node.get("items", {}), name)]
    if kind in ("number", "integer"):
        return 1
    if kind == "boolean":
        return False
    if node.get("format") == "date":
        return "2031-01-01"
    if node.get("format") == "email":
        return "fuzz@example.test"
    return "text"


def leaf_paths(value, path=()):
    """Each scalar's path in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path, value


def replaced(value, path, new):
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return copy


MARK = "__RAW_NUMBER__"


def with_raw_number(body, path, raw: str) -> str:
    """The JSON text of ``body`` with ``raw`` (not valid Python floats) at ``path``."""
    return json.dumps(replaced(body, path, MARK)).replace(f'"{MARK}"', raw)


@pytest.fixture
def both(world):
    """The owner of both businesses: every world ID is real to them."""
    user = world.user("payee.owner")
    Membership.objects.create(business=world.payer, user=user, role="owner")
    return user


def real_ids(world) -> dict[str, str]:
    return {
        "businessId": world.payee.id,
        "connectionId": world.connection.id,
        "payableId": world.payables["submitted"].id,
        "tagId": world.tags["payee_tag"].id,
        "fileId": world.files["shared_file"].id,
        "workflowId": world.workflows["payer_workflow"].id,
        "customFieldId": world.custom_fields["shared_custom_field"].id,
        "notificationId": world.extra["payee_notification"].id,
        "userId": world.user("payee.viewer").id,
        "invitationId": world.invitations["payee_invitation"].id,
        "creditId": world.extra["shared_credit"].id,
        "bankAccountId": world.extra["payer_bank_account"].id,
        "runId": world.extra["payer_run"].id,
        "paymentId": world.extra["payer_run"].items.get().payment_id,
        "webhookId": world.extra["payer_webhook"].id,
        "deliveryId": world.extra["payer_delivery"].id,
        "commentId": world.extra["shared_comment"].id,
        "delegationId": world.extra["payer_delegation"].id,
        "importId": world.extra["payee_import"].id,
        "tokenKey": "abcdefgh",
    }


WRONG_PREFIX = {"userId": "pay_WrongPrefix0001", "tokenKey": "pay_WrongPrefix0001"}


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def _url(path: str, ids: dict, override: dict | None = None) -> str:
    values = {**ids, **(override or {})}
    return PATH_PARAM.sub(lambda m: values[m.group(1)], path)


@pytest.mark.django_db
def test_pinned_inputs_never_cause_a_server_error(world, both):
    schema = api_schema()
    client = APIClient(raise_request_exception=False)  # a 500 is counted, not raised
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=both)}")
    ids = real_ids(world)
    counts: Counter = Counter()
    failures = []

    def send(kind, method, url, *, body=None, raw=None, headers=None, content_type=None):
        headers = headers or {}
        with transaction.atomic():
            call = getattr(client, method.lower())
            if raw is not None:
                response = call(url, raw, content_type="application/json", headers=headers)
            elif body is not None and content_type == "multipart/form-data":
                response = call(url, body, format="multipart", headers=headers)
            elif body is not None:
                response = call(url, body, format="json", headers=headers)
            else:
                response = call(url, headers=headers)
            transaction.set_rollback(True)
        counts[kind] += 1
        if response.status_code >= 500:
            failures.append(f"{kind}: {method} {url} -> {response.status_code}")
        elif response.status_code >= 400 and response.get("Content-Type", "").startswith(
            "application/json"
        ):
            body = response.json()
            if not {"type", "message", "errors"} <= set(body):
                failures.append(f"{kind}: {method} {url} -> an error of another shape: {body}")
        return response

    for path, method, operation in operations(schema):
        url = _url(path, ids)
        params = operation.get("parameters", [])
        content = operation.get("requestBody", {}).get("content", {})
        media = next(iter(content), None)
        body = sample(schema, content[media]["schema"]) if media else None
        if media == "multipart/form-data":
            body = None  # the upload endpoint's multipart body is fuzzed by Schemathesis

        for name in PATH_PARAM.findall(path):
            send("nul-in-path", method, _url(path, ids, {name: "pay_%00"}), body=body)
            send("nul-in-path", method, _url(path, ids, {name: "%00"}), body=body)
            wrong = WRONG_PREFIX.get(name, "usr_WrongPrefix0001")
            send("wrong-prefix-in-path", method, _url(path, ids, {name: wrong}), body=body)
            send("overlong-id", method, _url(path, ids, {name: "pay_" + "A" * 300}), body=body)
        for param in params:
            if param["in"] != "query":
                continue
            name = param["name"]
            send("nul-in-query", method, f"{url}?{name}=%00", body=body)
            send("nul-in-query", method, f"{url}?{name}=a%00b", body=body)
            for number in HUGE_NUMBERS:
                send("huge-number-in-query", method, f"{url}?{name}={number}", body=body)
            send("wrong-prefix-in-query", method, f"{url}?{name}=usr_WrongPrefix0001", body=body)
        send("nul-in-header", method, url, body=body, headers={"X-Request-Id": NUL})
        if method == "POST":
            for key in BAD_KEYS:
                response = send(
                    "malformed-idempotency-key",
                    method,
                    url,
                    body=body,
                    headers={"Idempotency-Key": key},
                )
                if response.status_code != 400 and path not in (
                    "/api/auth/signup",
                    "/api/auth/token",
                ):
                    failures.append(f"Idempotency-Key {key!r} on {path}: {response.status_code}")
        if body is None or not isinstance(body, dict):
            continue
        for leaf, value in leaf_paths(body):
            if isinstance(value, str):
                send("nul-in-body", method, url, body=replaced(body, leaf, NUL))
                if str(leaf[-1]).lower().endswith(("id", "ids")) or isinstance(leaf[-1], int):
                    send(
                        "wrong-prefix-in-body",
                        method,
                        url,
                        body=replaced(body, leaf, "usr_WrongPrefix0001"),
                    )
            if isinstance(value, int | float) and not isinstance(value, bool):
                for number in HUGE_NUMBERS:
                    send(
                        "huge-number-in-body",
                        method,
                        url,
                        raw=with_raw_number(body, leaf, number),
                    )
            send("nul-as-key", method, url, body=replaced(body, leaf[:-1] or (), {NUL: 1}))

    figure(
        "pinned-fuzz",
        operations=sum(1 for _ in operations(schema)),
        requests=sum(counts.values()),
        **{kind.replace("-", "_"): n for kind, n in sorted(counts.items())},
        server_errors=sum(1 for f in failures if "-> 5" in f),
        failures=len(failures),
    )
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_an_empty_query_parameter_reads_as_absent(world, both):
    """``?status=`` is no filter, on every list (the schema says an empty value is valid)."""
    schema = api_schema()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=both)}")
    ids = real_ids(world)
    checked = 0
    for path, method, operation in operations(schema):
        if method != "GET":
            continue
        url = _url(path, ids)
        plain = client.get(url)
        if plain.status_code != 200 or not plain.get("Content-Type", "").startswith(
            "application/json"
        ):
            continue
        for param in operation.get("parameters", []):
            if param["in"] != "query" or param.get("required"):
                continue
            response = client.get(f"{url}?{param['name']}=")
            assert response.status_code == 200, (path, param["name"], response.content)
            assert response.json() == plain.json(), (path, param["name"])
            checked += 1
    assert checked >= 40
    figure("empty-query-parameters", checked=checked, refused=0)


# Regressions the pinned cases found on PostgreSQL (500s before): NUL bytes in path IDs reached
# queries PostgreSQL refuses, and an offset beyond 64 bits reached OFFSET.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/tags/%00",
        "/api/connections/conn_%00/events",
        "/api/approval-workflows/apwf_%00",
        "/api/custom-fields/%00",
        "/api/auth/tokens/%00",
        "/login%00",
    ],
)
def test_a_nul_byte_in_a_path_is_a_404(client_of, url):
    response = client_of("payee.owner").get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.json()["type"] == "not_found"


@pytest.mark.django_db
def test_an_offset_beyond_64_bits_is_a_400(client_of):
    response = client_of("payee.owner").get("/api/connections?offset=99999999999999999999999")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "offset"
    ok = client_of("payee.owner").get(f"/api/connections?offset={2**63 - 1}")
    assert ok.status_code == 200 and ok.json()["results"] == []
