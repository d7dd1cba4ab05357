"""PATCH /api/payables/{id}: edits in DRAFT or DECLINED, line items as a set, totals consistent."""

from decimal import Decimal

import pytest

from payables.models import LineItem, Payable, PayableStatus
from tests import factories
from tests.payables.helpers import error_fields, make_payable, snapshot

S = PayableStatus


def patch(parties, payable, body, user=None):
    client = parties.client(user or parties.payee_owner)
    return client.patch(f"/api/payables/{payable.id}", body, format="json")


@pytest.fixture
def draft(parties):
    payable = make_payable(parties, S.DRAFT, amount=Decimal("300.00"))
    factories.LineItemFactory(payable=payable, position=1, quantity=3, unit_price=Decimal("100.00"))
    return payable


@pytest.mark.django_db
class TestLineItems:
    def test_line_items_are_replaced_as_a_set_and_the_amount_follows(self, parties, draft):
        old_ids = set(draft.line_items.values_list("id", flat=True))
        response = patch(
            parties,
            draft,
            {
                "lineItems": [
                    {"description": "Design", "quantity": 2, "unitPrice": "75.50"},
                    {"description": "Review", "quantity": "0.5", "unitPrice": "99.99"},
                ]
            },
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert [li["total"] for li in data["lineItems"]] == [151.00, 50.00]  # 49.995 → 50.00
        assert data["amount"] == 201.00
        assert not old_ids & set(LineItem.objects.values_list("id", flat=True))
        assert Payable.objects.get(pk=draft.pk).amount == Decimal("201.00")

    def test_new_lines_with_a_mismatching_amount_are_refused(self, parties, draft):
        before = snapshot(draft)
        response = patch(
            parties,
            draft,
            {
                "amount": "10.00",
                "lineItems": [{"description": "x", "quantity": 1, "unitPrice": "9"}],
            },
        )
        assert response.status_code == 400
        assert "amount" in error_fields(response)
        assert snapshot(draft) == before
        assert draft.line_items.count() == 1

    def test_the_amount_alone_cannot_disagree_with_existing_lines(self, parties, draft):
        response = patch(parties, draft, {"amount": "250.00"})
        assert response.status_code == 400
        assert "300.00" in error_fields(response)["amount"]
        assert patch(parties, draft, {"amount": "300.00"}).status_code == 200

    def test_without_lines_the_amount_is_free(self, parties):
        payable = make_payable(parties, S.DRAFT, amount=Decimal("10.00"))
        assert patch(parties, payable, {"amount": "12.34"}).json()["amount"] == 12.34

    def test_an_empty_list_removes_the_lines_and_keeps_the_amount(self, parties, draft):
        data = patch(parties, draft, {"lineItems": []}).json()
        assert data["lineItems"] == [] and data["amount"] == 300.00
        assert patch(parties, draft, {"amount": "5.00"}).json()["amount"] == 5.00


@pytest.mark.django_db
class TestFields:
    def test_fields_change_and_the_event_names_them(self, parties, draft):
        factories.CustomFieldDefinitionFactory(business=parties.payer, key="po")
        tag = factories.TagFactory(business=parties.payee, name="q1")
        file = factories.FileFactory(business=parties.payee)
        response = patch(
            parties,
            draft,
            {
                "memo": "New memo",
                "dueDate": "2027-01-31",
                "invoiceNumber": "INV-NEW",
                "customFields": {"po": "PO-9"},
                "tagIds": [tag.id],
                "attachments": [file.id],
            },
        )
        data = response.json()
        assert (data["memo"], data["dueDate"], data["invoiceNumber"]) == (
            "New memo",
            "2027-01-31",
            "INV-NEW",
        )
        assert data["customFields"] == {"po": "PO-9"}
        assert data["tags"] == [{"id": tag.id, "name": "q1"}]
        assert [a["id"] for a in data["attachments"]] == [file.id]
        event = draft.events.get(type="payable.updated")
        assert (
            event.note == "Changed: attachments, customFields, dueDate, invoiceNumber, memo, tagIds"
        )
        assert (event.from_status, event.to_status) == (S.DRAFT, S.DRAFT)

    def test_a_duplicate_invoice_number_is_409(self, parties, draft):
        make_payable(parties, S.SUBMITTED, invoice_number="TAKEN-1")
        before = snapshot(draft)
        response = patch(parties, draft, {"invoiceNumber": "taken-1", "memo": "changed"})
        assert response.status_code == 409
        assert response.json()["code"] == "duplicate"
        assert snapshot(draft) == before

    def test_the_connection_cannot_change(self, parties, draft):
        other = factories.ConnectionFactory(payee=parties.payee)
        response = patch(parties, draft, {"connectionId": other.id})
        assert response.status_code == 400
        assert "connectionId" in error_fields(response)
        assert patch(parties, draft, {"connectionId": parties.connection.id}).status_code == 200

    def test_server_owned_fields_are_ignored(self, parties, draft):
        data = patch(parties, draft, {"status": "PAID", "payerBusinessId": "biz_x"}).json()
        assert data["status"] == S.DRAFT and data["payerBusinessId"] == parties.payer.id
        assert not draft.events.filter(type="payable.updated").exists()  # nothing changed

    def test_edit_keeps_the_payers_own_tags(self, parties):
        payable = make_payable(parties, S.DECLINED)
        payer_tag = factories.TagFactory(business=parties.payer, name="vendor-x")
        parties.client(parties.payer_owner).patch(
            f"/api/payables/{payable.id}/tags", {"tagIds": [payer_tag.id]}, format="json"
        )
        patch(parties, payable, {"tagIds": []})
        seen = parties.client(parties.payer_owner).get(f"/api/payables/{payable.id}").json()
        assert seen["tags"] == [{"id": payer_tag.id, "name": "vendor-x"}]

    @pytest.mark.parametrize(
        "body",
        [
            {"amount": 0},
            {"memo": None},
            {"dueDate": "nope"},
            {"lineItems": {}},
            {"tagIds": "tag_x"},
        ],
    )
    def test_invalid_input_is_400(self, parties, draft, body):
        assert patch(parties, draft, body).status_code == 400


@pytest.mark.django_db
class TestPayableTags:
    def test_each_side_tags_with_its_own_tags_in_any_status(self, parties):
        payable = make_payable(parties, S.PAID)
        payer_tag = factories.TagFactory(business=parties.payer, name="paid-vendors")
        payee_tag = factories.TagFactory(business=parties.payee, name="acme")
        payer = parties.client(parties.payer_owner)
        assert (
            payer.patch(
                f"/api/payables/{payable.id}/tags", {"tagIds": [payee_tag.id]}, format="json"
            ).status_code
            == 400
        )
        data = payer.patch(
            f"/api/payables/{payable.id}/tags", {"tagIds": [payer_tag.id]}, format="json"
        ).json()
        assert data["tags"] == [{"id": payer_tag.id, "name": "paid-vendors"}]
        assert (
            parties.client(parties.payee_owner).get(f"/api/payables/{payable.id}").json()["tags"]
            == []
        )

    def test_a_viewer_may_not_tag(self, parties):
        payable = make_payable(parties, S.SUBMITTED)
        response = parties.client(parties.payer_viewer).patch(
            f"/api/payables/{payable.id}/tags", {"tagIds": []}, format="json"
        )
        assert response.status_code == 403
