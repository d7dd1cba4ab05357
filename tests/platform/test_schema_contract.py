"""What client generators read in the OpenAPI schema (docs/api/conventions.md): path parameters named as the
product pages name them, money as exact decimals, Idempotency-Key on the POSTs that honour it,
examples on the main operations, and the schema as YAML or JSON."""

import json
import re

import pytest
import yaml
from django.urls import resolve

from cleopay.api.views import ApiView

pytestmark = pytest.mark.django_db

MONEY = {"amount", "unitPrice", "total", "minAmount", "maxAmount", "quantity"}
# Objects whose ``total`` counts rows, not money (an import: ``processed`` of ``total`` rows).
ROW_COUNTS = {"Import", "ImportDetail"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_path_parameters_are_named_as_the_product_pages_name_them(schema):
    paths = set(schema["paths"])
    assert "/api/businesses/{businessId}/payables" in paths  # seed 002
    assert "/api/connections/{connectionId}/alias" in paths  # seed 000
    assert "/api/payables/{payableId}/approve" in paths
    for path, _method, operation in operations(schema):
        in_path = re.findall(r"\{(\w+)\}", path)
        assert all("_" not in name for name in in_path), path
        declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        assert sorted(declared) == sorted(in_path), path


def test_the_renamed_paths_still_serve(api, owner):
    # The schema's names are the clients'; the URL is matched by position.
    response = api(owner).get(f"/api/businesses/{owner.business.id}/payables")
    assert response.status_code == 200


def _money_schemas(node, name=None):
    if isinstance(node, dict):
        if name in MONEY and ("type" in node or "oneOf" in node):
            yield name, node
        for key, value in node.items():
            yield from _money_schemas(value, key if name == "properties" else None)
            if key == "properties":
                for prop, sub in value.items():
                    yield from _money_schemas(sub, prop)
    elif isinstance(node, list):
        for value in node:
            yield from _money_schemas(value)


def test_money_is_declared_as_exact_decimals(schema):
    text = json.dumps(schema)
    assert '"double"' not in text and '"float"' not in text
    found = dict.fromkeys(MONEY, 0)
    components = schema["components"]["schemas"]
    money = {key: value for key, value in components.items() if key not in ROW_COUNTS}
    assert components["Import"]["properties"]["total"]["type"] == "integer"
    for name, node in _money_schemas(money):
        found[name] += 1
        branches = node.get("oneOf", [node])
        assert all(b["format"] == "decimal" for b in branches), (name, node)
    assert all(found.values()), found
    create = schema["components"]["schemas"]["PayableCreateInputRequest"]["properties"]["amount"]
    number, text_ = create["oneOf"]
    assert (number["type"], number["minimum"]) == ("number", 0.01)
    assert text_["type"] == "string" and re.fullmatch(text_["pattern"], "2500.00")
    assert not re.fullmatch(text_["pattern"], "12.345")
    out = schema["components"]["schemas"]["Payable"]["properties"]["amount"]
    assert (out["type"], out["format"]) == ("number", "decimal")
    filters = schema["paths"]["/api/businesses/{businessId}/payables"]["get"]["parameters"]
    amount_min = next(p for p in filters if p["name"] == "amountMin")
    assert "decimal" in json.dumps(amount_min["schema"])


# POSTs whose refusals are counted (committed), which no Idempotency-Key may undo.
COUNTS_REFUSALS = {"/api/bank-accounts/{bankAccountId}/verify"}


def test_every_post_but_sign_in_declares_idempotency_key_and_honours_it(schema):
    posts = 0
    for path, method, operation in operations(schema):
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        if method != "post" or path.startswith("/api/auth/"):
            assert "Idempotency-Key" not in headers, (method, path)
            continue
        url = re.sub(r"\{\w+\}", "x_1", path)
        view = resolve(url).func.view_class
        assert issubclass(view, ApiView), path
        if path in COUNTS_REFUSALS:
            # A wrong answer is counted and committed: a key must not roll it back.
            assert not view.idempotent and "Idempotency-Key" not in headers, path
            continue
        posts += 1
        assert "Idempotency-Key" in headers, path
        assert view.idempotent, path
    assert posts >= 15


def test_the_main_operations_carry_examples(schema):
    by_id = {op["operationId"]: (path, op) for path, _m, op in operations(schema)}
    for operation_id in ("payables_create", "payables_approve", "payables_pay"):
        _path, op = by_id[operation_id]
        assert op["responses"]["201" if operation_id == "payables_create" else "200"]["content"][
            "application/json"
        ]["examples"], operation_id
    _path, create = by_id["payables_create"]
    examples = create["requestBody"]["content"]["application/json"]["examples"]
    assert any(e["value"].get("invoiceNumber") == "INV-2026-0042" for e in examples.values())
    _path, invite = by_id["connections_invite"]
    assert invite["requestBody"]["content"]["application/json"]["examples"]


@pytest.mark.parametrize(
    ("query", "headers"),
    [("?format=json", {}), ("", {"HTTP_ACCEPT": "application/json"})],
)
def test_the_schema_is_served_as_json_too(client, query, headers):
    response = client.get(f"/api/schema/{query}", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/businesses/{businessId}/payables" in schema["paths"]


def test_the_schema_is_yaml_by_default(client):
    for accept in ("*/*", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = client.get("/api/schema/", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert "yaml" in response["Content-Type"] or "openapi" in response["Content-Type"]
        assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_operations_are_grouped_by_resource(schema):
    # Generated clients make a module per tag: creating a payable sits beside approving one.
    by_id = {op["operationId"]: op["tags"] for _p, _m, op in operations(schema)}
    for operation_id in ("payables_create", "payables_approve", "payables_list"):
        assert by_id[operation_id] == ["payables"], operation_id
    assert by_id["webhooks_create"] == by_id["webhooks_test"] == ["webhooks"]
    assert by_id["connections_invite"] == by_id["connections_accept"] == ["connections"]
    # What only exists within a business stays under it.
    assert by_id["members_add"] == by_id["events_list"] == ["businesses"]
