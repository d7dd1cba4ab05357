"""Bank accounts (docs/api/banking.md): ABA checksum, encrypted numbers, micro-deposits, defaults."""

import logging

import pytest
from django.core.management import call_command
from django.test import override_settings

from banking import crypto
from banking.models import BankAccount, BankAccountEvent, BankAccountStatus
from banking.routing import routing_number_valid
from tests.banking.helpers import PAYER_ACCOUNT, add_account, verified_default
from tests.payables.helpers import error_fields

pytestmark = pytest.mark.django_db


def test_routing_checksum():
    for good in ("011000015", "021000021", "121000358"):
        assert routing_number_valid(good)
    for bad in ("021000022", "12345678", "0210000210", "02100002a", "\uff1021000021"):
        assert not routing_number_valid(bad)


class TestCreate:
    def test_an_owner_adds_an_account_and_only_the_last_four_digits_come_back(self, parties):
        response = add_account(parties, parties.payer)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["id"].startswith("bank_")
        assert body["accountNumberLast4"] == "6789"
        assert body["status"] == "pending_verification"
        assert body["defaultFor"] is None
        assert body["verificationAttemptsLeft"] == 3
        assert PAYER_ACCOUNT not in response.content.decode()
        account = BankAccount.objects.get(pk=body["id"])
        assert PAYER_ACCOUNT not in account.account_number_encrypted
        assert crypto.decrypt(account.account_number_encrypted) == PAYER_ACCOUNT
        assert list(BankAccountEvent.objects.values_list("type", flat=True)) == ["created"]

    @pytest.mark.parametrize(
        "field, value",
        [
            ("routingNumber", "021000022"),
            ("routingNumber", "2100002"),
            ("accountNumber", "12a4567"),
            ("accountNumber", "123"),
            ("accountNumber", "1" * 18),
            ("accountType", "brokerage"),
            ("name", "   "),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(self, parties, field, value):
        body = {
            "name": "Operating",
            "routingNumber": "021000021",
            "accountNumber": "12345678",
            "accountType": "checking",
            field: value,
        }
        response = parties.client(parties.payer_owner).post(
            f"/api/businesses/{parties.payer.id}/bank-accounts", body, format="json"
        )
        assert response.status_code == 400, response.content
        assert field in error_fields(response)
        assert not BankAccount.objects.exists()
        assert not BankAccountEvent.objects.exists()

    @pytest.mark.parametrize("role", ["payer_approver", "payer_accountant", "payer_viewer"])
    def test_owners_and_admins_only(self, parties, role):
        user = getattr(parties, role)
        assert add_account(parties, parties.payer, user=user).status_code == 403
        listed = parties.client(user).get(f"/api/businesses/{parties.payer.id}/bank-accounts")
        assert listed.status_code == 403
        assert add_account(parties, parties.payer, user=parties.payer_admin).status_code == 201

    def test_another_business_is_a_404(self, parties):
        account_id = add_account(parties, parties.payer).json()["id"]
        outsider = parties.client(parties.payee_owner)
        assert outsider.get(f"/api/businesses/{parties.payer.id}/bank-accounts").status_code == 404
        assert outsider.get(f"/api/bank-accounts/{account_id}").status_code == 404
        assert (
            outsider.patch(
                f"/api/bank-accounts/{account_id}", {"name": "Mine"}, format="json"
            ).status_code
            == 404
        )
        assert outsider.delete(f"/api/bank-accounts/{account_id}").status_code == 404
        assert (
            outsider.post(
                f"/api/bank-accounts/{account_id}/verify", {"amounts": [0.32, 0.45]}, format="json"
            ).status_code
            == 404
        )


class TestVerify:
    def verify(self, parties, account_id, amounts, user=None):
        return parties.client(user or parties.payer_owner).post(
            f"/api/bank-accounts/{account_id}/verify", {"amounts": amounts}, format="json"
        )

    def test_the_two_micro_deposits_verify_in_any_order(self, parties):
        account_id = add_account(parties, parties.payer).json()["id"]
        response = self.verify(parties, account_id, ["0.45", 0.32])
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "verified"
        assert self.verify(parties, account_id, [0.32, 0.45]).status_code == 409

    def test_wrong_amounts_are_counted_and_lock_the_account(self, parties):
        account_id = add_account(parties, parties.payer).json()["id"]
        first = self.verify(parties, account_id, [0.32, 0.46])
        assert first.status_code == 400
        assert "2 tries left" in error_fields(first)["amounts"]
        # An Idempotency-Key does not roll the count back.
        second = parties.client(parties.payer_owner).post(
            f"/api/bank-accounts/{account_id}/verify",
            {"amounts": [0.1, 0.2]},
            format="json",
            headers={"Idempotency-Key": "guess-2"},
        )
        assert second.status_code == 400
        assert "1 tries left" in error_fields(second)["amounts"]
        third = self.verify(parties, account_id, [0.2, 0.3])
        assert third.status_code == 409
        assert BankAccount.objects.get(pk=account_id).status == BankAccountStatus.LOCKED
        assert self.verify(parties, account_id, [0.32, 0.45]).status_code == 409
        assert list(BankAccountEvent.objects.order_by("id").values_list("type", flat=True)) == [
            "created",
            "verification_failed",
            "verification_failed",
            "verification_failed",
            "locked",
        ]

    @pytest.mark.parametrize("amounts", [[0.32], [0.32, 0.45, 0.1], ["0.321", 0.45], "0.32"])
    def test_malformed_amounts_are_400_and_not_counted(self, parties, amounts):
        account_id = add_account(parties, parties.payer).json()["id"]
        response = self.verify(parties, account_id, amounts)
        assert response.status_code == 400
        assert any(field.startswith("amounts") for field in error_fields(response))
        assert BankAccount.objects.get(pk=account_id).verification_attempts == 0


class TestDefaultsAndDelete:
    def test_one_default_per_purpose(self, parties):
        first = verified_default(parties, parties.payer, "paying")
        second = verified_default(
            parties, parties.payer, "paying", name="Reserve", routing="121000358"
        )
        first.refresh_from_db()
        assert (first.default_for, second.default_for) == (None, "paying")
        receiving = parties.client(parties.payer_owner).patch(
            f"/api/bank-accounts/{first.id}", {"defaultFor": "receiving"}, format="json"
        )
        assert receiving.json()["defaultFor"] == "receiving"

    def test_an_unverified_account_cannot_be_a_default(self, parties):
        account_id = add_account(parties, parties.payer).json()["id"]
        response = parties.client(parties.payer_owner).patch(
            f"/api/bank-accounts/{account_id}", {"defaultFor": "paying"}, format="json"
        )
        assert response.status_code == 400
        assert "defaultFor" in error_fields(response)

    def test_rename_and_delete_are_events(self, parties):
        account_id = add_account(parties, parties.payer).json()["id"]
        client = parties.client(parties.payer_admin)
        assert (
            client.patch(
                f"/api/bank-accounts/{account_id}", {"name": "Payroll"}, format="json"
            ).json()["name"]
            == "Payroll"
        )
        assert client.delete(f"/api/bank-accounts/{account_id}").status_code == 204
        assert client.get(f"/api/bank-accounts/{account_id}").status_code == 404
        assert (
            client.get(f"/api/businesses/{parties.payer.id}/bank-accounts").json()["results"] == []
        )
        events = client.get(f"/api/businesses/{parties.payer.id}/bank-accounts/events").json()
        assert [e["type"] for e in events["results"]] == ["deleted", "renamed", "created"]


def test_keys_rotate(parties, settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.BANK_ACCOUNT_KEYS = [old]
    account_id = add_account(parties, parties.payer).json()["id"]
    settings.BANK_ACCOUNT_KEYS = [new, old]
    call_command("bank_account_keys_rotate")
    settings.BANK_ACCOUNT_KEYS = [new]
    account = BankAccount.objects.get(pk=account_id)
    assert crypto.decrypt(account.account_number_encrypted) == PAYER_ACCOUNT


@override_settings(DEBUG=False, BANK_ACCOUNT_KEYS=[])
def test_the_deploy_check_requires_keys():
    from cleopay.checks import check_bank_account_keys

    assert [m.id for m in check_bank_account_keys()] == ["cleopay.E003"]
    with override_settings(BANK_ACCOUNT_KEYS=["not-a-key"]):
        assert [m.id for m in check_bank_account_keys()] == ["cleopay.E003"]
    with override_settings(BANK_ACCOUNT_KEYS=[crypto.generate_key()]):
        assert check_bank_account_keys() == []


def test_the_number_leaves_the_server_by_no_channel(parties, caplog, admin_client):
    """API, admin, logs, the business's events: the last four digits, never the number."""
    caplog.set_level(logging.DEBUG)
    account_id = add_account(parties, parties.payer).json()["id"]
    client = parties.client(parties.payer_owner)
    seen = [
        client.get(f"/api/businesses/{parties.payer.id}/bank-accounts").content,
        client.get(f"/api/bank-accounts/{account_id}").content,
        client.get(f"/api/businesses/{parties.payer.id}/bank-accounts/events").content,
        admin_client.get("/admin/banking/bankaccount/").content,
        admin_client.get(f"/admin/banking/bankaccount/{account_id}/change/").content,
    ]
    assert b"6789" in seen[0]
    for content in seen:
        assert PAYER_ACCOUNT.encode() not in content
        assert PAYER_ACCOUNT[:-4].encode() not in content
    assert PAYER_ACCOUNT not in caplog.text
