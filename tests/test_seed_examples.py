"""The curl examples of the product pages, run as written against a live server.

Only the placeholders change: the host, ``<token>`` and the example IDs (``conn_def456``,
``biz_abc123``, ``tag_001``...) become real ones. The commands themselves are copied verbatim from
the pages (connections: 000_8199b33d09f0640a.txt, payables: 002_c78e602880a034e8.txt).
"""

import json
import subprocess

import pytest

from accounts.services import token_create
from connections.models import ConnectionTag
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

CONNECTION_EXAMPLES = {
    "list": """curl --request GET \\
  --url https://api.cleo-pay.com/api/connections \\
  --header "Authorization: Bearer <token>\"""",
    "get": """curl --request GET \\
  --url https://api.cleo-pay.com/api/connections/conn_def456 \\
  --header "Authorization: Bearer <token>\"""",
    "alias": """curl --request PATCH \\
  --url https://api.cleo-pay.com/api/connections/conn_def456/alias \\
  --header "Authorization: Bearer <token>" \\
  --header "Content-Type: application/json" \\
  --data '{ "alias": "Acme Vendor" }'""",
    "tags": """curl --request PATCH \\
  --url https://api.cleo-pay.com/api/connections/conn_def456/tags \\
  --header "Authorization: Bearer <token>" \\
  --header "Content-Type: application/json" \\
  --data '{ "tagIds": ["tag_001", "tag_002"] }'""",
    "settings": """curl --request PATCH \\
  --url https://api.cleo-pay.com/api/connections/conn_def456/settings \\
  --header "Authorization: Bearer <token>" \\
  --header "Content-Type: application/json" \\
  --data '{ "netTerms": 30 }'""",
    "invoices": """curl --request GET \\
  --url https://api.cleo-pay.com/api/connections/conn_def456/invoices \\
  --header "Authorization: Bearer <token>\"""",
    "export": """curl --request GET \\
  --url https://api.cleo-pay.com/api/connections/export-csv \\
  --header "Authorization: Bearer <token>\"""",
    "archive": """curl --request PATCH \\
  --url https://api.cleo-pay.com/api/connections/conn_def456/archive \\
  --header "Authorization: Bearer <token>\"""",
}

CREATE_PAYABLE_EXAMPLE = """curl --request POST \\
  --url https://api.cleo-pay.com/api/businesses/biz_abc123/payables \\
  --header "Authorization: Bearer <token>" \\
  --header "Content-Type: application/json" \\
  --data '{
    "connectionId": "conn_def456",
    "amount": 2500.00,
    "dueDate": "2026-05-15",
    "invoiceNumber": "INV-2026-0042",
    "memo": "Q1 consulting services",
    "lineItems": [
      {
        "description": "Strategy consulting",
        "quantity": 10,
        "unitPrice": 200.00
      },
      {
        "description": "Implementation support",
        "quantity": 5,
        "unitPrice": 100.00
      }
    ]
  }'"""


def run(command: str, live_server, replacements: dict[str, str]) -> tuple[int, str]:
    command = command.replace("https://api.cleo-pay.com", live_server.url)
    for placeholder, value in replacements.items():
        command = command.replace(placeholder, value)
    result = subprocess.run(
        ["bash", "-c", command + ' --silent --show-error --write-out "\\n%{http_code}"'],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, _, status = result.stdout.rpartition("\n")
    return int(status), body


@pytest.fixture
def world():
    payer, payer_owner = factories.business_with_owner("Acme Corp")
    payee, payee_owner = factories.business_with_owner("Vendor LLC")
    connection = factories.ConnectionFactory(payer=payer, payee=payee)
    tags = [factories.TagFactory(business=payer, name=name) for name in ("Vendors", "Q1")]
    return {
        "payer_token": token_create(user=payer_owner),
        "payee_token": token_create(user=payee_owner),
        "payee": payee,
        "connection": connection,
        "tags": tags,
    }


def test_connection_examples_answer_as_the_page_says(live_server, world):
    ids = {
        "<token>": world["payer_token"],
        "conn_def456": world["connection"].id,
        "tag_001": world["tags"][0].id,
        "tag_002": world["tags"][1].id,
    }

    status, body = run(CONNECTION_EXAMPLES["list"], live_server, ids)
    assert status == 200
    assert [c["id"] for c in json.loads(body)["results"]] == [world["connection"].id]

    status, body = run(CONNECTION_EXAMPLES["get"], live_server, ids)
    got = json.loads(body)
    assert status == 200
    assert {
        "id",
        "status",
        "alias",
        "tags",
        "settings",
        "businessName",
        "connectedBusinessName",
    } <= set(got)
    assert (got["businessName"], got["connectedBusinessName"]) == ("Acme Corp", "Vendor LLC")

    status, body = run(CONNECTION_EXAMPLES["alias"], live_server, ids)
    assert (status, json.loads(body)["alias"]) == (200, "Acme Vendor")

    status, body = run(CONNECTION_EXAMPLES["tags"], live_server, ids)
    assert status == 200
    assert sorted(t["id"] for t in json.loads(body)["tags"]) == sorted(
        [ids["tag_001"], ids["tag_002"]]
    )
    assert ConnectionTag.objects.filter(connection=world["connection"]).count() == 2

    status, body = run(CONNECTION_EXAMPLES["settings"], live_server, ids)
    assert (status, json.loads(body)["settings"]["netTerms"]) == (200, 30)

    status, body = run(CONNECTION_EXAMPLES["invoices"], live_server, ids)
    assert (status, json.loads(body)["results"]) == (200, [])

    status, body = run(CONNECTION_EXAMPLES["export"], live_server, ids)
    assert status == 200
    header, row = body.strip().splitlines()
    assert header.startswith("id,")
    assert row.startswith(world["connection"].id) and "Acme Vendor" in row

    status, body = run(CONNECTION_EXAMPLES["archive"], live_server, ids)
    assert (status, json.loads(body)["status"]) == (200, "archived")


def test_create_payable_example_creates_what_it_describes(live_server, world):
    ids = {
        "<token>": world["payee_token"],
        "biz_abc123": world["payee"].id,
        "conn_def456": world["connection"].id,
    }

    status, body = run(CREATE_PAYABLE_EXAMPLE, live_server, ids)

    assert status == 201, body
    assert '"amount":2500.00' in body
    payable = json.loads(body)
    assert payable["id"].startswith("pay_")
    assert payable["status"] == "DRAFT"
    assert payable["createdAt"].endswith("Z")
    assert (payable["invoiceNumber"], payable["dueDate"], payable["memo"]) == (
        "INV-2026-0042",
        "2026-05-15",
        "Q1 consulting services",
    )
    assert [(li["description"], li["total"]) for li in payable["lineItems"]] == [
        ("Strategy consulting", 2000),
        ("Implementation support", 500),
    ]

    submit = CREATE_PAYABLE_EXAMPLE.replace('"memo"', '"submit": true,\n    "memo"').replace(
        "0042", "0043"
    )
    status, body = run(submit, live_server, ids)
    assert (status, json.loads(body)["status"]) == (201, "SUBMITTED")
