"""POST /api/businesses/{businessId}/payables: the seed's example and every rule of docs/api/payables.md."""

import datetime
import json
from decimal import Decimal

import pytest

from payables.models import LineItem, Payable, PayableEvent
from tests import factories

SEED_EXAMPLE = {
    "connectionId": None,  # filled in per test with the real connection's ID
    "amount": Decimal("2500.00"),
    "dueDate": "2026-05-15",
    "invoiceNumber": "INV-2026-0042",
    "memo": "Q1 consulting services",
    "lineItems": [
        {"description": "Strategy consulting", "quantity": 10, "unitPrice": Decimal("200.00")},
        {"description": "Implementation support", "quantity": 5, "unitPrice": Decimal("100.00")},
    ],
}

SEED_EXAMPLE_RAW = """{
    "connectionId": "CONN",
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
  }"""


# Text Decimal() would read as a number: digits of other scripts, underscores, spaces, signs.
OTHER_TEXT = ["\u0665", "\uff15", "1_000", "\u0661\u0662.\u0664", " 12", "12.", ".5", "+5", [], {}]


def url(business) -> str:
    return f"/api/businesses/{business.id}/payables"


def post(parties, body, user=None, business=None):
    client = parties.client(user or parties.payee_owner)
    return client.post(url(business or parties.payee), body, format="json")


def body(parties, **overrides):
    data = {"connectionId": parties.connection.id, "amount": "100.00"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.mark.django_db
class TestSeedExample:
    def test_the_seed_body_byte_for_byte_creates_the_draft_it_describes(self, parties):
        client = parties.client(parties.payee_owner)
        response = client.generic(
            "POST",
            url(parties.payee),
            SEED_EXAMPLE_RAW.replace("CONN", parties.connection.id),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["id"].startswith("pay_")
        assert data["status"] == "DRAFT"
        assert data["createdAt"].endswith("Z")
        assert data["connectionId"] == parties.connection.id
        assert data["payeeBusinessId"] == parties.payee.id
        assert data["payerBusinessId"] == parties.payer.id
        assert data["amount"] == 2500.00
        assert b'"amount":2500.00' in response.content  # two decimals, a JSON number
        assert data["currency"] == "USD"
        assert data["dueDate"] == "2026-05-15"
        assert data["invoiceNumber"] == "INV-2026-0042"
        assert data["memo"] == "Q1 consulting services"
        lines = data["lineItems"]
        assert [
            (li["description"], li["quantity"], li["unitPrice"], li["total"]) for li in lines
        ] == [
            ("Strategy consulting", 10, 200.00, 2000.00),
            ("Implementation support", 5, 100.00, 500.00),
        ]
        assert all(li["id"].startswith("li_") for li in lines)
        assert data["attachments"] == [] and data["tags"] == [] and data["customFields"] == {}
        assert data["payments"] == []
        assert data["approval"] is None  # the payee does not see the payer's review
        assert data["submittedAt"] is None
        stored = Payable.objects.get(pk=data["id"])
        assert stored.amount == Decimal("2500.00")
        assert list(stored.line_items.values_list("total", flat=True)) == [
            Decimal("2000.00"),
            Decimal("500.00"),
        ]

    def test_submit_true_creates_it_submitted(self, parties):
        response = post(
            parties, {**SEED_EXAMPLE, "connectionId": parties.connection.id, "submit": True}
        )
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["status"] == "SUBMITTED"
        assert data["submittedAt"] is not None
        types = list(
            PayableEvent.objects.filter(payable_id=data["id"])
            .order_by("position")
            .values_list("type", flat=True)
        )
        assert types == ["payable.created", "payable.submitted"]
        # and the payer sees it now, with its review
        seen = parties.client(parties.payer_owner).get(f"/api/payables/{data['id']}").json()
        assert seen["status"] == "SUBMITTED"
        approval = seen["approval"]
        assert (approval["status"], approval["outcome"], approval["workflow"]) == (
            "manual_review",
            "manual_review",
            None,
        )
        [step] = approval["steps"]
        assert {a["email"] for a in step["approvers"]} == {
            "owner@acme.test",
            "admin@acme.test",
            "approver@acme.test",
        }

    def test_the_response_is_the_whole_payable(self, parties):
        response = post(parties, body(parties))
        assert set(response.json()) >= {
            "id", "status", "createdAt", "connectionId", "payeeBusinessId", "payerBusinessId",
            "amount", "currency", "dueDate", "invoiceNumber", "memo", "lineItems", "attachments",
            "tags", "customFields", "approval", "payments", "submittedAt", "updatedAt",
        }  # fmt: skip


@pytest.mark.django_db
class TestAmountAndLineItems:
    def test_amount_is_computed_from_line_items_when_left_out(self, parties):
        response = post(parties, body(parties, amount=..., lineItems=SEED_EXAMPLE["lineItems"]))
        assert response.status_code == 201, response.content
        assert response.json()["amount"] == 2500.00

    def test_amount_must_match_the_line_items_to_the_cent(self, parties):
        response = post(
            parties, body(parties, amount="2500.01", lineItems=SEED_EXAMPLE["lineItems"])
        )
        assert response.status_code == 400
        assert "2500.00" in errors(response)["amount"]
        assert not Payable.objects.exists()

    def test_decimals_are_exact_point_one_plus_point_two(self, parties):
        lines = [
            {"description": "a", "quantity": 1, "unitPrice": Decimal("0.1")},
            {"description": "b", "quantity": 1, "unitPrice": Decimal("0.2")},
        ]
        response = post(parties, body(parties, amount=Decimal("0.3"), lineItems=lines))
        assert response.status_code == 201, response.content
        assert b'"amount":0.30' in response.content
        assert Payable.objects.get().amount == Decimal("0.30")

    def test_line_totals_round_half_up_to_the_cent(self, parties):
        lines = [
            {"description": "third", "quantity": Decimal("0.3333"), "unitPrice": "10.00"},
            {"description": "half", "quantity": Decimal("1.5"), "unitPrice": "0.01"},
        ]
        response = post(parties, body(parties, amount=..., lineItems=lines))
        assert response.status_code == 201, response.content
        data = response.json()
        # 3.333 → 3.33 ; 0.015 → 0.02 (half-up, not banker's 0.02/0.01)
        assert [li["total"] for li in data["lineItems"]] == [3.33, 0.02]
        assert [li["quantity"] for li in data["lineItems"]] == [0.3333, 1.5]
        assert data["amount"] == 3.35

    def test_amounts_as_strings_are_accepted(self, parties):
        response = post(parties, body(parties, amount="1234.50"))
        assert response.status_code == 201
        assert response.json()["amount"] == 1234.50

    @pytest.mark.parametrize(
        "amount",
        [0, "0.00", -5, "-0.01", "12.345", "abc", True, None, "NaN", "1e20", "1e3", *OTHER_TEXT],
    )
    def test_bad_amounts_are_400(self, parties, amount):
        response = post(parties, body(parties, amount=amount))
        assert response.status_code == 400, response.content
        assert "amount" in errors(response)
        assert not Payable.objects.exists()

    def test_three_decimals_say_at_most_two_decimal_places(self, parties):
        for amount in ("12.345", "9999999999.999", 12.345):
            response = post(parties, body(parties, amount=amount))
            assert errors(response) == {"amount": "Must have at most 2 decimal places."}
        too_big = post(parties, body(parties, amount="10000000000"))
        assert errors(too_big) == {"amount": "Must be at most 9999999999.99."}

    def test_numbers_in_json_stay_exact(self, parties):
        raw = json.dumps(body(parties)).replace('"100.00"', "100.10")
        client = parties.client(parties.payee_owner)
        response = client.post(url(parties.payee), raw, content_type="application/json")
        assert response.status_code == 201, response.content
        assert Payable.objects.get().amount == Decimal("100.10")

    def test_unicode_digits_in_a_line_item_are_refused(self, parties):
        line = {"description": "Work", "quantity": "\u0663", "unitPrice": "1_0"}
        response = post(parties, body(parties, amount=..., lineItems=[line]))
        assert response.status_code == 400
        assert set(errors(response)) == {"lineItems[0].quantity", "lineItems[0].unitPrice"}

    def test_amount_is_required_without_line_items(self, parties):
        response = post(parties, body(parties, amount=...))
        assert response.status_code == 400
        assert "amount" in errors(response)

    @pytest.mark.parametrize(
        ("line", "field"),
        [
            ({"quantity": 1, "unitPrice": 5}, "lineItems[0].description"),
            ({"description": "x", "unitPrice": 5}, "lineItems[0].quantity"),
            ({"description": "x", "quantity": 1}, "lineItems[0].unitPrice"),
            ({"description": "x", "quantity": 0, "unitPrice": 5}, "lineItems[0].quantity"),
            ({"description": "x", "quantity": "1.00001", "unitPrice": 5}, "lineItems[0].quantity"),
            ({"description": "x", "quantity": True, "unitPrice": 5}, "lineItems[0].quantity"),
            ({"description": "x", "quantity": 1, "unitPrice": -1}, "lineItems[0].unitPrice"),
            ({"description": 7, "quantity": 1, "unitPrice": 5}, "lineItems[0].description"),
            (
                {"description": "x", "quantity": 1, "unitPrice": 5, "customFields": []},
                "lineItems[0].customFields",
            ),
        ],
    )
    def test_bad_line_items_are_400_naming_the_field(self, parties, line, field):
        response = post(parties, body(parties, amount=..., lineItems=[line]))
        assert response.status_code == 400, response.content
        assert field in errors(response)

    def test_line_items_adding_up_to_zero_are_refused(self, parties):
        lines = [{"description": "free", "quantity": 1, "unitPrice": 0}]
        response = post(parties, body(parties, amount=..., lineItems=lines))
        assert response.status_code == 400
        assert "lineItems" in errors(response)

    def test_a_sum_beyond_the_largest_amount_is_400_not_500(self, parties):
        lines = [{"description": "big", "quantity": 9999999, "unitPrice": "9999999999.99"}]
        response = post(parties, body(parties, amount=..., lineItems=lines))
        assert response.status_code == 400

    def test_accounting_category_and_custom_fields_are_kept(self, parties):
        for key, field_type in (("project", "text"), ("hours", "number")):
            factories.CustomFieldDefinitionFactory(
                business=parties.payer, key=key, type=field_type, scope="line_item"
            )
        raw = (
            '{"connectionId": "CONN", "lineItems": [{"description": "Hosting", "quantity": 1, '
            '"unitPrice": 50.00, "accountingCategory": "6100 Software", '
            '"customFields": {"project": "P-7", "hours": 1.50}}]}'
        ).replace("CONN", parties.connection.id)
        client = parties.client(parties.payee_owner)
        response = client.generic("POST", url(parties.payee), raw, content_type="application/json")
        assert response.status_code == 201, response.content
        line = response.json()["lineItems"][0]
        assert line["accountingCategory"] == "6100 Software"
        assert line["customFields"] == {"project": "P-7", "hours": 1.50}
        assert b'"hours":1.50' in response.content  # the number keeps its digits


@pytest.mark.django_db
class TestConnection:
    def test_unknown_connection_is_a_400_on_connection_id(self, parties):
        response = post(parties, body(parties, connectionId="conn_doesnotexist"))
        assert response.status_code == 400
        assert "payee" in errors(response)["connectionId"]

    def test_a_connection_where_the_business_pays_is_refused(self, parties):
        reverse = factories.ConnectionFactory(payer=parties.payee, payee=parties.payer)
        response = post(parties, body(parties, connectionId=reverse.id))
        assert response.status_code == 400
        assert "connectionId" in errors(response)

    def test_another_business_connection_is_refused(self, parties):
        foreign = factories.ConnectionFactory()
        response = post(parties, body(parties, connectionId=foreign.id))
        assert response.status_code == 400
        assert "connectionId" in errors(response)

    @pytest.mark.parametrize("status", ["archived", "pending"])
    def test_archived_or_pending_connection_is_refused_with_a_clear_message(self, parties, status):
        other = factories.BusinessFactory()
        connection = factories.ConnectionFactory(payer=other, payee=parties.payee, status=status)
        response = post(parties, body(parties, connectionId=connection.id))
        assert response.status_code == 400
        assert status in errors(response)["connectionId"]

    def test_malformed_connection_id_is_400(self, parties):
        response = post(parties, body(parties, connectionId="pay_123"))
        assert response.status_code == 400
        assert "connectionId" in errors(response)


@pytest.mark.django_db
class TestInvoiceNumber:
    def test_duplicate_in_the_connection_is_409_whatever_the_case(self, parties):
        assert post(parties, body(parties, invoiceNumber="INV-7")).status_code == 201
        response = post(parties, body(parties, invoiceNumber="inv-7"))
        assert response.status_code == 409
        assert response.json()["code"] == "duplicate"
        assert Payable.objects.count() == 1

    def test_the_same_number_on_another_connection_is_fine(self, parties):
        other = factories.ConnectionFactory(payee=parties.payee)
        assert post(parties, body(parties, invoiceNumber="INV-7")).status_code == 201
        assert (
            post(parties, body(parties, connectionId=other.id, invoiceNumber="INV-7")).status_code
            == 201
        )

    def test_generated_sequentially_per_connection_skipping_taken_numbers(self, parties):
        first = post(parties, body(parties)).json()["invoiceNumber"]
        assert first == "INV-000001"
        assert post(parties, body(parties, invoiceNumber="inv-000003")).status_code == 201
        assert post(parties, body(parties)).json()["invoiceNumber"] == "INV-000004"
        other = factories.ConnectionFactory(payee=parties.payee)
        assert (
            post(parties, body(parties, connectionId=other.id)).json()["invoiceNumber"]
            == "INV-000001"
        )

    @pytest.mark.parametrize("number", ["", "   ", 42, "x" * 65])
    def test_bad_invoice_numbers_are_400(self, parties, number):
        response = post(parties, body(parties, invoiceNumber=number))
        assert response.status_code == 400
        assert "invoiceNumber" in errors(response)


@pytest.mark.django_db
class TestDates:
    def test_due_date_defaults_to_today_plus_net_terms(self, parties):
        today = datetime.datetime.now(datetime.UTC).date()
        data = post(parties, body(parties)).json()
        assert data["issueDate"] == today.isoformat()
        assert data["dueDate"] == (today + datetime.timedelta(days=30)).isoformat()

    def test_without_net_terms_it_is_the_issue_date(self, parties):
        parties.connection.net_terms = None
        parties.connection.save()
        data = post(parties, body(parties, issueDate="2026-03-01")).json()
        assert data["dueDate"] == "2026-03-01"

    def test_a_past_due_date_is_accepted_as_the_seed_example_needs(self, parties):
        # The seed's dueDate (2026-05-15) may well be in the past when its curl is run: with
        # the issue date left to default (today), a past due date is accepted.
        response = post(parties, body(parties, dueDate="2020-01-01"))
        assert response.status_code == 201, response.content
        assert response.json()["dueDate"] == "2020-01-01"
        response = post(parties, body(parties, issueDate="2019-12-01", dueDate="2020-01-01"))
        assert response.status_code == 201, response.content

    def test_a_due_date_before_the_issue_date_is_400_naming_due_date(self, parties):
        response = post(parties, body(parties, issueDate="2026-03-02", dueDate="2026-03-01"))
        assert response.status_code == 400
        assert errors(response) == {"dueDate": "Must be on or after the issue date."}
        same_day = post(parties, body(parties, issueDate="2026-03-02", dueDate="2026-03-02"))
        assert same_day.status_code == 201

    def test_editing_the_dates_keeps_the_due_date_on_or_after_the_issue_date(self, parties):
        created = post(parties, body(parties, issueDate="2026-03-02", dueDate="2026-04-01"))
        client = parties.client(parties.payee_owner)
        path = f"/api/payables/{created.json()['id']}"
        later = client.patch(path, {"issueDate": "2026-05-01"}, format="json")
        assert later.status_code == 400
        assert "issueDate" in errors(later)
        both = client.patch(
            path, {"issueDate": "2026-05-01", "dueDate": "2026-04-30"}, format="json"
        )
        assert both.status_code == 400
        assert "dueDate" in errors(both)
        fine = client.patch(path, {"issueDate": "2026-03-15"}, format="json")
        assert fine.status_code == 200, fine.content

    @pytest.mark.parametrize(
        "value",
        ["15/05/2026", "2026-02-30", 20260515, "", "0001-01-01", "9999-12-31", "1999-12-31"],
    )
    def test_bad_dates_are_400(self, parties, value):
        response = post(parties, body(parties, dueDate=value))
        assert response.status_code == 400
        assert "dueDate" in errors(response)
        response = post(parties, body(parties, issueDate=value))
        assert response.status_code == 400
        assert "issueDate" in errors(response)

    def test_out_of_range_dates_say_the_range(self, parties):
        response = post(parties, body(parties, issueDate="0001-01-01", dueDate="9999-12-31"))
        assert errors(response) == {
            "issueDate": "Must be between 2000-01-01 and 2100-12-31.",
            "dueDate": "Must be between 2000-01-01 and 2100-12-31.",
        }


@pytest.mark.django_db
class TestOtherFields:
    def test_submit_must_be_a_json_boolean(self, parties):
        for value in ["true", 1, None]:
            response = post(parties, body(parties, submit=value))
            assert response.status_code == 400, value
            assert "submit" in errors(response)
        assert not Payable.objects.exists()

    def test_server_owned_fields_in_the_body_are_ignored(self, parties):
        response = post(
            parties,
            body(
                parties,
                status="PAID",
                payerBusinessId=parties.payee.id,
                id="pay_mine",
                currency="EUR",
            ),
        )
        data = response.json()
        assert response.status_code == 201
        assert data["status"] == "DRAFT"
        assert data["payerBusinessId"] == parties.payer.id
        assert data["id"] != "pay_mine"
        assert data["currency"] == "USD"

    def test_custom_fields_take_scalars_only(self, parties):
        for key, field_type in (("po", "text"), ("n", "number"), ("flag", "boolean")):
            factories.CustomFieldDefinitionFactory(business=parties.payer, key=key, type=field_type)
        ok = post(parties, body(parties, customFields={"po": "PO-1", "n": 3, "flag": True}))
        assert ok.status_code == 201
        assert ok.json()["customFields"] == {"po": "PO-1", "n": 3, "flag": True}
        unknown = post(parties, body(parties, customFields={"po": "PO-2", "none": None}))
        assert unknown.status_code == 400
        assert errors(unknown) == {"customFields.none": "Unknown custom field."}
        for bad in [{"nested": {"a": 1}}, {"list": [1]}, ["po"], "po", {"": "x"}, {"n": 10**30}]:
            response = post(parties, body(parties, customFields=bad))
            assert response.status_code == 400, bad
            assert "customFields" in errors(response)

    def test_tags_must_be_the_callers_own(self, parties):
        mine = factories.TagFactory(business=parties.payee, name="consulting")
        theirs = factories.TagFactory(business=parties.payer, name="vendors")
        response = post(parties, body(parties, tagIds=[theirs.id]))
        assert response.status_code == 400
        assert theirs.id in errors(response)["tagIds"]
        ok = post(parties, body(parties, tagIds=[mine.id, mine.id]))
        assert ok.status_code == 201
        assert ok.json()["tags"] == [{"id": mine.id, "name": "consulting"}]

    def test_attachments_must_be_files_of_the_business(self, parties):
        mine = factories.FileFactory(business=parties.payee, original_filename="q1.pdf")
        theirs = factories.FileFactory(business=parties.payer)
        response = post(parties, body(parties, attachments=[theirs.id]))
        assert response.status_code == 400
        assert theirs.id in errors(response)["attachments"]
        ok = post(parties, body(parties, attachments=[mine.id]))
        assert ok.status_code == 201
        assert ok.json()["attachments"] == [
            {
                "id": mine.id,
                "filename": "q1.pdf",
                "size": mine.size,
                "contentType": "application/pdf",
            }
        ]

    def test_memo_must_be_text(self, parties):
        response = post(parties, body(parties, memo=12))
        assert response.status_code == 400
        assert "memo" in errors(response)

    def test_malformed_json_is_400(self, parties):
        client = parties.client(parties.payee_owner)
        response = client.generic(
            "POST", url(parties.payee), "{nope", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["type"] == "validation_error"

    def test_a_body_that_is_not_an_object_is_400(self, parties):
        client = parties.client(parties.payee_owner)
        response = client.generic(
            "POST", url(parties.payee), "[1, 2]", content_type="application/json"
        )
        assert response.status_code == 400


@pytest.mark.django_db
class TestWhoMayCreate:
    @pytest.mark.parametrize("role", ["owner", "admin", "accountant"])
    def test_payee_roles_with_invoice_capability_may(self, parties, role):
        user = factories.member(parties.payee, role)
        assert post(parties, body(parties), user=user).status_code == 201

    @pytest.mark.parametrize("role", ["approver", "viewer"])
    def test_other_payee_roles_get_403(self, parties, role):
        user = factories.member(parties.payee, role)
        assert post(parties, body(parties), user=user).status_code == 403
        assert not Payable.objects.exists()

    def test_a_non_member_gets_404(self, parties):
        assert post(parties, body(parties), user=parties.outsider).status_code == 404

    def test_the_payer_cannot_invoice_itself_through_the_connection(self, parties):
        response = post(parties, body(parties), user=parties.payer_owner, business=parties.payer)
        assert response.status_code == 400
        assert "connectionId" in errors(response)

    def test_no_token_is_401(self, parties, api):
        assert api().post(url(parties.payee), body(parties), format="json").status_code == 401


@pytest.mark.django_db
def test_idempotency_key_replays_the_creation(parties):
    client = parties.client(parties.payee_owner)
    first = client.post(url(parties.payee), body(parties), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(url(parties.payee), body(parties), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Payable.objects.count() == 1
    assert LineItem.objects.count() == 0


@pytest.mark.django_db
class TestTheResponseIsWhatWasStored:
    """The create response is built from what was written, not read back: it must be exactly
    what a later GET returns, whatever the payable holds and however its review starts."""

    @pytest.fixture
    def full_body(self, parties):
        make = factories.CustomFieldDefinitionFactory
        make(business=parties.payer, key="po", type="text")
        make(business=parties.payer, key="budget", type="number")
        make(business=parties.payer, key="needed_by", type="date")
        make(business=parties.payer, key="region", type="select", options=["EU", "US"])
        make(business=parties.payer, key="capex", type="boolean")
        make(business=parties.payer, key="hours", type="number", scope="line_item")
        # Named so that the order the business lists them differs from the order given.
        tags = [
            factories.TagFactory(business=parties.payee, name=name)
            for name in ("zeta", "Alpha", "mid")
        ]
        files = [
            factories.FileFactory(business=parties.payee, original_filename=name)
            for name in ("b.pdf", "a.pdf")
        ]
        return {
            "connectionId": parties.connection.id,
            "memo": "Q3 work",
            "lineItems": [
                {"description": "Design", "quantity": "2.5", "unitPrice": "120.10"},
                {"description": "Build", "quantity": 3, "unitPrice": "99.99",
                 "customFields": {"hours": "12.25"}},
                {"description": "Support", "quantity": "1.0000", "unitPrice": "0.10"},
            ],
            "attachments": [f.id for f in files],
            "tagIds": [t.id for t in tags],
            "customFields": {
                "po": "PO-7", "budget": "1500.5", "needed_by": "2026-12-01",
                "region": "EU", "capex": True,
            },
        }  # fmt: skip

    def _created_and_read(self, parties, body):
        response = post(parties, body)
        assert response.status_code == 201, response.content
        created = response.json()
        read = parties.client(parties.payee_owner).get(f"/api/payables/{created['id']}")
        return created, read.json()

    def test_a_draft_with_everything(self, parties, full_body):
        created, read = self._created_and_read(parties, full_body)
        assert created == read
        assert [t["name"] for t in created["tags"]] == ["Alpha", "mid", "zeta"]
        assert [a["filename"] for a in created["attachments"]] == ["b.pdf", "a.pdf"]
        assert [line["quantity"] for line in created["lineItems"]] == [2.5, 3, 1]

    @pytest.mark.parametrize("review", ["manual", "auto", "workflow"])
    def test_submitted_at_once(self, parties, full_body, review):
        if review == "auto":
            parties.connection.auto_approve = True
            parties.connection.save(update_fields=["auto_approve"])
        if review == "workflow":
            factories.approval_workflow(
                parties.payer, steps=[{"approvers": [parties.payer_approver], "required": 1}]
            )
        created, read = self._created_and_read(parties, {**full_body, "submit": True})
        assert created == read
        assert created["status"] == ("APPROVED" if review == "auto" else "SUBMITTED")
        assert created["approval"] is None  # the payee does not see the payer's review
