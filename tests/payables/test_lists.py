"""GET /api/businesses/{businessId}/payables and /api/connections/{id}/invoices."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from payables.models import Payable, PayableStatus, PayableTag
from tests import factories
from tests.payables.helpers import error_fields, make_payable

S = PayableStatus


def list_url(business, query: str = "") -> str:
    return f"/api/businesses/{business.id}/payables" + (f"?{query}" if query else "")


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def book(parties):
    """A few payables both ways: Globex → Acme (outgoing for Globex) and Acme → Globex."""
    reverse = factories.ConnectionFactory(payer=parties.payee, payee=parties.payer)
    made = {
        "draft": make_payable(parties, S.DRAFT, invoice_number="G-1", memo="draft work"),
        "submitted": make_payable(
            parties, S.SUBMITTED, invoice_number="G-2", memo="Consulting March",
            amount=Decimal("500.00"), due_date=datetime.date(2026, 5, 1),
        ),
        "approved": make_payable(
            parties, S.APPROVED, invoice_number="G-3", amount=Decimal("1500.00"),
            due_date=datetime.date(2026, 5, 31),
        ),
        "cancelled_draft": make_payable(parties, S.CANCELLED, invoice_number="G-4", submitted_at=None),
        "incoming": factories.PayableFactory(
            connection=reverse, status=S.SUBMITTED, invoice_number="A-1", amount=Decimal("75.00"),
            due_date=datetime.date(2026, 6, 15),
        ),
        "incoming_draft": factories.PayableFactory(connection=reverse, status=S.DRAFT, invoice_number="A-2"),
    }  # fmt: skip
    return made


@pytest.mark.django_db
class TestVisibility:
    def test_the_payee_sees_all_its_invoices_and_its_incoming_bills(self, parties, book):
        seen = ids(parties.client(parties.payee_owner).get(list_url(parties.payee)))
        expected = {"draft", "submitted", "approved", "cancelled_draft", "incoming"}
        assert set(seen) == {book[k].id for k in expected}

    def test_the_payer_never_sees_drafts_nor_drafts_cancelled_before_sending(self, parties, book):
        seen = ids(parties.client(parties.payer_owner).get(list_url(parties.payer)))
        # Acme pays G-2 and G-3; on the reverse connection it is the payee of A-1 and its draft A-2.
        expected = {"submitted", "approved", "incoming", "incoming_draft"}
        assert set(seen) == {book[k].id for k in expected}
        assert book["draft"].id not in seen
        for hidden in ("draft", "cancelled_draft"):
            url = f"/api/payables/{book[hidden].id}"
            assert parties.client(parties.payer_owner).get(url).status_code == 404
            assert parties.client(parties.payer_owner).get(url + "/events").status_code == 404

    def test_newest_first(self, parties, book):
        rows = parties.client(parties.payee_owner).get(list_url(parties.payee)).json()["results"]
        created = [row["createdAt"] for row in rows]
        assert created == sorted(created, reverse=True)

    def test_another_business_list_is_404(self, parties, book):
        assert parties.client(parties.outsider).get(list_url(parties.payee)).status_code == 404

    def test_rows_carry_what_a_list_needs(self, parties, book):
        tag = factories.TagFactory(business=parties.payer, name="ops")
        PayableTag.objects.create(payable=book["submitted"], tag=tag)
        rows = (
            parties.client(parties.payer_owner)
            .get(list_url(parties.payer, "direction=incoming"))
            .json()["results"]
        )
        row = next(r for r in rows if r["id"] == book["submitted"].id)
        assert row["direction"] == "incoming"
        assert row["payeeBusinessName"] == "Globex" and row["payerBusinessName"] == "Acme"
        assert row["amount"] == 500.00 and row["invoiceNumber"] == "G-2"
        assert row["tags"] == [{"id": tag.id, "name": "ops"}]
        assert {"status", "currency", "dueDate", "memo", "connectionId", "payeeBusinessId",
                "payerBusinessId", "createdAt", "submittedAt", "updatedAt"} <= set(row)  # fmt: skip


@pytest.mark.django_db
class TestFilters:
    def q(self, parties, query, user=None, business=None):
        client = parties.client(user or parties.payee_owner)
        return ids(client.get(list_url(business or parties.payee, query)))

    def test_direction(self, parties, book):
        assert set(self.q(parties, "direction=incoming")) == {book["incoming"].id}
        outgoing = set(self.q(parties, "direction=outgoing"))
        assert book["incoming"].id not in outgoing and book["draft"].id in outgoing

    def test_status_one_or_several_case_insensitive(self, parties, book):
        assert set(self.q(parties, "status=SUBMITTED")) == {
            book["submitted"].id,
            book["incoming"].id,
        }
        assert set(self.q(parties, "status=approved,draft")) == {
            book["approved"].id,
            book["draft"].id,
        }

    def test_connection(self, parties, book):
        seen = set(self.q(parties, f"connectionId={parties.connection.id}"))
        assert seen == {book[k].id for k in ("draft", "submitted", "approved", "cancelled_draft")}

    def test_due_range_is_inclusive(self, parties, book):
        seen = set(self.q(parties, "dueAfter=2026-05-01&dueBefore=2026-05-31"))
        assert seen == {book["submitted"].id, book["approved"].id}

    def test_open_means_still_to_be_paid(self, parties, book):
        assert set(self.q(parties, "open=true")) == {
            book["submitted"].id,
            book["approved"].id,
            book["incoming"].id,
        }
        assert book["draft"].id in set(self.q(parties, "open=false"))

    def test_amount_range_is_inclusive(self, parties, book):
        assert set(self.q(parties, "amountMin=500&amountMax=1500.00")) == {
            book["submitted"].id,
            book["approved"].id,
        }
        assert set(self.q(parties, "amountMax=75")) == {book["incoming"].id}

    def test_tag_by_id_or_name_of_the_listing_business_only(self, parties, book):
        mine = factories.TagFactory(business=parties.payee, name="Priority")
        theirs = factories.TagFactory(business=parties.payer, name="Priority")
        PayableTag.objects.create(payable=book["approved"], tag=mine)
        PayableTag.objects.create(payable=book["submitted"], tag=theirs)
        assert self.q(parties, f"tag={mine.id}") == [book["approved"].id]
        assert self.q(parties, "tag=priority") == [book["approved"].id]
        assert self.q(parties, f"tag={theirs.id}") == []

    def test_search_in_invoice_number_and_memo(self, parties, book):
        assert self.q(parties, "search=consulting") == [book["submitted"].id]
        assert self.q(parties, "search=g-3") == [book["approved"].id]

    def test_awaiting_my_approval(self, parties, book):
        assert self.q(
            parties, "awaitingMyApproval=true", user=parties.payer_approver, business=parties.payer
        ) == [book["submitted"].id]
        assert (
            self.q(
                parties,
                "awaitingMyApproval=true",
                user=parties.payer_viewer,
                business=parties.payer,
            )
            == []
        )
        assert (
            len(
                self.q(
                    parties,
                    "awaitingMyApproval=false",
                    user=parties.payer_viewer,
                    business=parties.payer,
                )
            )
            == 4
        )

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("direction=sideways", "direction"),
            ("status=PENDING", "status"),
            ("dueBefore=yesterday", "dueBefore"),
            ("dueAfter=2026-13-01", "dueAfter"),
            ("amountMin=abc", "amountMin"),
            ("amountMax=1.234", "amountMax"),
            ("amountMin=NaN", "amountMin"),
            ("amountMin=%D9%A5", "amountMin"),  # an Arabic-Indic five
            ("amountMax=1_000", "amountMax"),
            ("awaitingMyApproval=maybe", "awaitingMyApproval"),
            ("limit=0", "limit"),
        ],
    )
    def test_invalid_filter_values_are_400_naming_the_parameter(self, parties, book, query, field):
        response = parties.client(parties.payee_owner).get(list_url(parties.payee, query))
        assert response.status_code == 400, response.content
        assert response.json()["type"] == "validation_error"
        assert field in error_fields(response)


@pytest.mark.django_db
class TestConnectionInvoices:
    def url(self, parties):
        return f"/api/connections/{parties.connection.id}/invoices"

    def test_the_payee_sees_the_connection_drafts_included(self, parties, book):
        seen = set(ids(parties.client(parties.payee_owner).get(self.url(parties))))
        assert seen == {book[k].id for k in ("draft", "submitted", "approved", "cancelled_draft")}

    def test_the_payer_sees_it_without_drafts(self, parties, book):
        seen = set(ids(parties.client(parties.payer_owner).get(self.url(parties))))
        assert seen == {book["submitted"].id, book["approved"].id}

    def test_filters_apply(self, parties, book):
        seen = ids(parties.client(parties.payer_owner).get(self.url(parties) + "?status=APPROVED"))
        assert seen == [book["approved"].id]

    def test_an_outsider_gets_404(self, parties, book):
        assert parties.client(parties.outsider).get(self.url(parties)).status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(db_connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["payee", "payer"])
def test_a_page_costs_the_same_queries_for_1_row_or_25(parties, side, django_assert_num_queries):
    user = parties.payee_owner if side == "payee" else parties.payer_owner
    business = parties.payee if side == "payee" else parties.payer
    tag = factories.TagFactory(business=business)
    client = parties.client(user)
    url = list_url(business, "limit=25&status=SUBMITTED&tag=" + tag.id)

    def add_payable():
        payable = make_payable(parties, S.SUBMITTED)
        PayableTag.objects.create(payable=payable, tag=tag)

    add_payable()
    one = _count(client, url)
    for _ in range(24):
        add_payable()
    assert len(client.get(url).json()["results"]) == 25
    assert _count(client, url) == one
    # the token with its user and roles, the first keys of each side (both directions are
    # listed), the page's rows, their tags
    with django_assert_num_queries(5):
        client.get(url)


@pytest.mark.django_db
def test_both_directions_are_merged_newest_first_by_offset_next_and_previous(parties):
    """Without a direction each side is read on its own and the two merged: the pages are
    those of the one list, ties in time broken by ID, the payer's drafts left out."""
    acme = parties.payer
    reverse = factories.ConnectionFactory(payer=parties.payee, payee=acme)
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    for i in range(11):
        at = start + datetime.timedelta(minutes=i // 2)  # pairs share a time
        for made in (
            make_payable(parties, S.DRAFT if i % 4 == 0 else S.SUBMITTED),  # Acme pays
            factories.PayableFactory(  # Acme is paid, drafts included
                connection=reverse, status=S.DRAFT if i % 3 == 0 else S.APPROVED
            ),
        ):
            Payable.objects.filter(pk=made.pk).update(created_at=at)
    expected = list(
        Payable.objects.seen_by(acme.id).order_by("-created_at", "-id").values_list("id", flat=True)
    )
    client = parties.client(parties.payer_owner)

    by_offset = [ids(client.get(list_url(acme, f"limit=4&offset={o}"))) for o in range(0, 20, 4)]
    url, pages = list_url(acme, "limit=4"), []
    while url:
        page = client.get(url).json()
        pages.append([row["id"] for row in page["results"]])
        last, url = page, page["next"]
    url, back = last["previous"], []
    while url:
        page = client.get(url).json()
        back.insert(0, [row["id"] for row in page["results"]])
        url = page["previous"]

    assert len(expected) == 19  # 11 paid by Acme less 3 drafts, 11 sent by Acme
    assert [row for page in by_offset for row in page] == expected
    assert pages == by_offset
    assert back == pages[:-1]


@pytest.mark.django_db
def test_following_next_walks_every_row_once(parties):
    made = {make_payable(parties, S.SUBMITTED).id for _ in range(7)}
    client = parties.client(parties.payer_owner)
    url, seen = list_url(parties.payer, "limit=3"), []
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made) and len(seen) == 7
