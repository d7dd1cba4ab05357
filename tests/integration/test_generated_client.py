"""A Python client generated from ``/api/schema/`` with openapi-python-client, run against a live
server: two businesses sign up and connect, a bill goes create → submit → approve → pay, and the
payer registers a webhook endpoint, all through the generated client and nothing else.

Money stays exact on the way: amounts go out as strings, and the responses are decoded with
``json.loads(..., parse_float=Decimal)`` (docs/api/clients.md), so every amount that comes back
is a ``Decimal`` with its two decimals and no ``float`` appears anywhere in what the client parses.
"""

import datetime
import importlib
import json
import subprocess
import sys
from decimal import Decimal

import httpx
import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "cleopay_generated_client"
PASSWORD = "a long enough password"

CONFIG = {
    "package_name_override": PACKAGE,
    "project_name_override": PACKAGE,
    # The generator would run `ruff` on its output; the client works the same without it.
    "post_hooks": [],
}


def decimal_json(response: httpx.Response) -> None:
    """httpx response hook: JSON numbers with a fraction decode as ``Decimal``, not ``float``."""
    response.json = lambda **kwargs: json.loads(response.content, parse_float=Decimal, **kwargs)


@pytest.fixture
def generated(live_server, tmp_path):
    """The client package generated from the live server's schema, imported."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps(CONFIG))
    # Fetched here, without any proxy of the environment; the generator then runs offline.
    served = httpx.get(f"{live_server.url}/api/schema/?format=json", trust_env=False, timeout=60)
    assert served.status_code == 200, served.text
    schema = tmp_path / "schema.json"
    schema.write_bytes(served.content)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every operation and model made it: the generator warns of each piece it had to skip.
    assert "Warning" not in output, output
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.invalidate_caches()
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def floats_in(value, path="$"):
    """Every ``float`` anywhere in a parsed object's ``to_dict()``, by path."""
    if isinstance(value, float):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from floats_in(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from floats_in(item, f"{path}[{index}]")


def exact(parsed) -> dict:
    data = parsed.to_dict()
    assert list(floats_in(data)) == []
    return data


def test_a_generated_client_runs_a_bill_from_sign_up_to_paid(live_server, generated):
    models = importlib.import_module(f"{PACKAGE}.models")

    signup = importlib.import_module(f"{PACKAGE}.api.auth.auth_signup")
    token = importlib.import_module(f"{PACKAGE}.api.auth.auth_token")
    invite = importlib.import_module(f"{PACKAGE}.api.connections.connections_invite")
    accept = importlib.import_module(f"{PACKAGE}.api.connections.connections_accept")
    create = importlib.import_module(f"{PACKAGE}.api.payables.payables_create")
    submit = importlib.import_module(f"{PACKAGE}.api.payables.payables_submit")
    approve = importlib.import_module(f"{PACKAGE}.api.payables.payables_approve")
    pay = importlib.import_module(f"{PACKAGE}.api.payables.payables_pay")
    retrieve = importlib.import_module(f"{PACKAGE}.api.payables.payables_retrieve")
    webhooks_create = importlib.import_module(f"{PACKAGE}.api.webhooks.webhooks_create")
    webhooks_list = importlib.import_module(f"{PACKAGE}.api.webhooks.webhooks_list")

    # Decimal decoding (docs/api/clients.md); no proxy of the environment for a loopback server.
    hooks = {"event_hooks": {"response": [decimal_json]}, "trust_env": False}
    anonymous = generated.Client(base_url=live_server.url, httpx_args=hooks)

    def as_user(secret: str):
        return generated.AuthenticatedClient(
            base_url=live_server.url, token=secret, httpx_args=hooks
        )

    # Sign up both sides; the payer then signs in for a token of its own.
    payee_signup = signup.sync(
        client=anonymous,
        body=models.SignupInputRequest(
            email="billing@vendor.test", password=PASSWORD, business_name="Vendor LLC"
        ),
    )
    assert isinstance(payee_signup, models.SignupOutput), payee_signup
    payer_signup = signup.sync(
        client=anonymous,
        body=models.SignupInputRequest(
            email="ap@acme.test", password=PASSWORD, business_name="Acme Corp"
        ),
    )
    assert isinstance(payer_signup, models.SignupOutput), payer_signup
    signed_in = token.sync(
        client=anonymous,
        body=models.TokenInputRequest(email="ap@acme.test", password=PASSWORD),
    )
    assert isinstance(signed_in, models.TokenOutput), signed_in
    assert signed_in.token.startswith("cleo_")
    payer, payee = as_user(signed_in.token), as_user(payee_signup.token)
    payer_id, payee_id = payer_signup.business.id, payee_signup.business.id

    # A wrong password is a 400 in the contract's error shape, parsed into the schema's Error model.
    refused = token.sync_detailed(
        client=anonymous,
        body=models.TokenInputRequest(email="ap@acme.test", password="not the password"),
    )
    assert isinstance(refused.parsed, models.Error), refused
    assert refused.parsed.type_ == models.ErrorType.VALIDATION_ERROR

    # The payer invites the payee by its ID; the payee accepts.
    invited = invite.sync(
        payer_id,
        client=payer,
        body=models.ConnectionInviteInputRequest(
            my_role=models.ConnectionRoleEnum.PAYER, counterparty_business_id=payee_id
        ),
        idempotency_key="invite-vendor-1",
    )
    assert isinstance(invited, models.Connection), invited
    accepted = accept.sync(invited.id, client=payee, idempotency_key="accept-acme-1")
    assert isinstance(accepted, models.Connection), accepted
    assert accepted.status == models.ConnectionStatusEnum.ACTIVE

    # The payee bills 2500.00 in two lines; amounts go out as strings, never floats.
    body = models.PayableCreateInputRequest(
        connection_id=invited.id,
        amount="2500.00",
        due_date=datetime.date(2026, 5, 15),
        invoice_number="INV-2026-0042",
        memo="Q1 consulting services",
        line_items=[
            models.LineItemInputRequest(
                description="Strategy consulting", quantity="10", unit_price="200.00"
            ),
            models.LineItemInputRequest(
                description="Implementation support", quantity="5", unit_price="100.00"
            ),
        ],
    )
    created = create.sync_detailed(payee_id, client=payee, body=body, idempotency_key="inv-42")
    assert created.status_code == 201, created.content
    payable = created.parsed
    assert isinstance(payable, models.Payable), payable
    data = exact(payable)
    assert (type(payable.amount), str(payable.amount)) == (Decimal, "2500.00")
    assert [str(line.unit_price) for line in payable.line_items] == ["200.00", "100.00"]
    assert [str(line.total) for line in payable.line_items] == ["2000.00", "500.00"]
    assert data["amountDue"] == Decimal("2500.00")

    # The same Idempotency-Key and body replay the first answer: one bill, not two.
    replay = create.sync_detailed(payee_id, client=payee, body=body, idempotency_key="inv-42")
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.parsed.id == payable.id

    submitted = submit.sync(payable.id, client=payee, idempotency_key="submit-42")
    assert isinstance(submitted, models.Payable), submitted
    assert submitted.status == models.PayableStatusEnum.SUBMITTED

    # Only the payer approves: the payee gets the contract's error, parsed.
    wrong_side = approve.sync_detailed(payable.id, client=payee, idempotency_key="approve-x")
    assert wrong_side.status_code in (403, 404)
    assert isinstance(wrong_side.parsed, models.Error)

    approved = approve.sync(payable.id, client=payer, idempotency_key="approve-42")
    assert isinstance(approved, models.Payable), approved
    assert approved.status == models.PayableStatusEnum.APPROVED

    paid = pay.sync(payable.id, client=payer, idempotency_key="pay-42")
    assert isinstance(paid, models.Payable), paid
    exact(paid)
    assert paid.status == models.PayableStatusEnum.PAID
    assert (str(paid.amount_paid), str(paid.amount_due)) == ("2500.00", "0.00")
    [payment] = paid.payments
    assert (type(payment.amount), str(payment.amount)) == (Decimal, "2500.00")

    # Both sides read the paid bill with the same exact amounts.
    for side in (payer, payee):
        seen = retrieve.sync(payable.id, client=side)
        exact(seen)
        assert (seen.status, str(seen.amount), str(seen.amount_paid)) == (
            models.PayableStatusEnum.PAID,
            "2500.00",
            "2500.00",
        )

    # The payer's ERP subscribes to what happens to its bills.
    endpoint = webhooks_create.sync(
        payer_id,
        client=payer,
        body=models.WebhookCreateInputRequest(
            url="https://erp.acme.example/cleopay/webhooks",
            events=["payable.approved", "payable.paid"],
            description="ERP",
        ),
        idempotency_key="webhook-erp-1",
    )
    assert isinstance(endpoint, models.WebhookWithSecret), endpoint
    assert endpoint.id.startswith("whk_") and endpoint.secret.startswith("whsec_")
    assert endpoint.events == ["payable.approved", "payable.paid"]
    listed = webhooks_list.sync(payer_id, client=payer)
    assert [w.id for w in listed.results] == [endpoint.id]

    # A loopback URL is refused with a 400 naming the field.
    loopback = webhooks_create.sync_detailed(
        payer_id,
        client=payer,
        body=models.WebhookCreateInputRequest(url="https://127.0.0.1/hook", events=["*"]),
    )
    assert loopback.status_code == 400, loopback.content
    assert isinstance(loopback.parsed, models.Error)
    assert [e.field for e in loopback.parsed.errors] == ["url"]
