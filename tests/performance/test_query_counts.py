"""Every list endpoint, export and page costs the same queries for 1 row as for 50.

Each case makes ``n`` rows the caller sees, then the request is counted: the count is pinned,
and must not move when 49 more rows are added (no query per row, and nothing counts a table).
An API request's first query reads the token, its user and the user's roles together.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken

from accounts.models import Business, MemberInvitation, Membership, Role
from connections.models import Connection, ConnectionEvent, ConnectionTag
from payables.models import PayableEvent, PayableStatus, PayableTag
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    """Acme (the caller's business, owned by ``owner``) and Globex, which invoices Acme."""

    def __init__(self, api):
        self.acme, self.owner = factories.business_with_owner("Acme")
        self.globex = factories.BusinessFactory(name="Globex")
        self.connection = factories.ConnectionFactory(payer=self.acme, payee=self.globex)
        self.tag = factories.TagFactory(business=self.acme, name="ops")
        self.client = api(self.owner)
        self.payable = None

    # --- row makers: each adds ``n`` rows the caller sees ----------------------------------
    def payables(self, n: int, **fields) -> None:
        for _ in range(n):
            payable = factories.PayableFactory(
                connection=self.connection, status=PayableStatus.SUBMITTED, **fields
            )
            PayableTag.objects.create(payable=payable, tag=self.tag)

    def outgoing(self, n: int) -> None:
        """Invoices Acme sends (to a customer), with Acme's tag."""
        if not hasattr(self, "customer_connection"):
            customer = factories.BusinessFactory(name="Initech")
            self.customer_connection = factories.ConnectionFactory(payer=customer, payee=self.acme)
        for _ in range(n):
            payable = factories.PayableFactory(
                connection=self.customer_connection, status=PayableStatus.SUBMITTED
            )
            PayableTag.objects.create(payable=payable, tag=self.tag)

    def connections(self, n: int) -> None:
        others = Business.objects.bulk_create([Business(name=f"Vendor {i}") for i in range(n)])
        made = Connection.objects.bulk_create(
            Connection(payer=self.acme, payee=other, invited_by_business=self.acme, status="active")
            for other in others
        )
        ConnectionTag.objects.bulk_create(ConnectionTag(connection=c, tag=self.tag) for c in made)

    def customers(self, n: int) -> list[Connection]:
        """Active connections on which Acme is paid, under names long enough to see on a page."""
        others = Business.objects.bulk_create(
            [
                Business(name=f"Customer {i:03d} Stationery and Office Supplies Ltd")
                for i in range(n)
            ]
        )
        return Connection.objects.bulk_create(
            Connection(payer=other, payee=self.acme, invited_by_business=self.acme, status="active")
            for other in others
        )

    def tags(self, n: int) -> None:
        for _ in range(n):
            factories.TagFactory(business=self.acme)

    def members(self, n: int) -> None:
        for _ in range(n):
            factories.member(self.acme, Role.VIEWER)

    def invitations(self, n: int) -> None:
        MemberInvitation.objects.bulk_create(
            MemberInvitation(business=self.acme, email=f"new{i}-{n}@acme.test", role=Role.VIEWER)
            for i in range(n)
        )

    def businesses(self, n: int) -> None:
        for business in Business.objects.bulk_create(
            [Business(name=f"Branch {i}") for i in range(n)]
        ):
            Membership.objects.create(business=business, user=self.owner, role=Role.VIEWER)

    def tokens(self, n: int) -> None:
        for _ in range(n):
            AuthToken.objects.create(user=self.owner)

    def payable_events(self, n: int) -> None:
        if self.payable is None:
            self.payable = factories.PayableFactory(
                connection=self.connection, status=PayableStatus.SUBMITTED
            )
        start = PayableEvent.objects.filter(payable=self.payable).count()
        PayableEvent.objects.bulk_create(
            PayableEvent(
                payable=self.payable,
                position=start + i + 1,
                type="payable.updated",
                actor=self.owner,
                business=self.globex,
                from_status="SUBMITTED",
                to_status="SUBMITTED",
            )
            for i in range(n)
        )

    def connection_events(self, n: int) -> None:
        ConnectionEvent.objects.bulk_create(
            ConnectionEvent(
                connection=self.connection, type="settings_changed", actor=self.owner,
                business=self.acme, changes={"netTerms": [None, 30]},
            )
            for _ in range(n)
        )  # fmt: skip

    def workflows(self, n: int) -> None:
        for _ in range(n):
            factories.approval_workflow(self.acme, steps=[{"roles": ["approver"]}])

    def notifications(self, n: int) -> None:
        from notifications.models import Notification

        if self.payable is None:
            self.payable = factories.PayableFactory(
                connection=self.connection, status=PayableStatus.SUBMITTED
            )
        Notification.objects.bulk_create(
            Notification(
                user=self.owner, business=self.acme, payable=self.payable,
                type="payable_submitted", message="Globex sent an invoice",
            )
            for _ in range(n)
        )  # fmt: skip

    def custom_fields(self, n: int) -> None:
        for _ in range(n):
            factories.CustomFieldDefinitionFactory(business=self.acme)


# (name, row maker, URL (``{...}`` filled in from the world), the pinned query count)
CASES = [
    # Both directions: each side's first keys, then the page's rows.
    ("payables", "payables", "/api/businesses/{acme}/payables?limit=50", 5),
    (
        "payables, one direction",
        "payables",
        "/api/businesses/{acme}/payables?direction=incoming&limit=50",
        3,
    ),
    (
        "payables inbox",
        "payables",
        "/api/businesses/{acme}/payables?direction=incoming&status=SUBMITTED&tag=ops&limit=50",
        3,
    ),
    ("connection invoices", "payables", "/api/connections/{connection}/invoices?limit=50", 4),
    ("connections", "connections", "/api/connections?limit=51", 3),
    ("business connections", "connections", "/api/businesses/{acme}/connections?limit=51", 3),
    ("tags", "tags", "/api/businesses/{acme}/tags?limit=51", 2),
    ("members", "members", "/api/businesses/{acme}/members?limit=51", 2),
    ("invitations", "invitations", "/api/businesses/{acme}/invitations?limit=50", 2),
    ("businesses", "businesses", "/api/businesses?limit=51", 2),
    ("tokens", "tokens", "/api/auth/tokens?limit=51", 2),
    ("payable events", "payable_events", "/api/payables/{payable}/events?limit=50", 3),
    ("connection events", "connection_events", "/api/connections/{connection}/events?limit=50", 3),
    ("approval workflows", "workflows", "/api/businesses/{acme}/approval-workflows?limit=50", 6),
    ("notifications", "notifications", "/api/notifications?limit=50", 2),
    ("custom fields", "custom_fields", "/api/businesses/{acme}/custom-fields?limit=50", 2),
    (
        "connection custom fields",
        "custom_fields",
        "/api/connections/{connection}/custom-fields?limit=50",
        3,
    ),
]
# Exports: the token with its user and roles, then on PostgreSQL one COPY of the whole CSV;
# elsewhere the rows and their tags (one query each per chunk).
EXPORT_ROWS = 1 if db_connection.vendor == "postgresql" else 2
EXPORTS = [
    ("connections export", "connections", "/api/connections/export-csv", 1 + EXPORT_ROWS),
    ("payables export", "payables", "/api/businesses/{acme}/payables/export-csv", 1 + EXPORT_ROWS),
]


def _url(world: World, template: str) -> str:
    return template.format(
        acme=world.acme.id,
        connection=world.connection.id,
        payable=world.payable.id if world.payable else "",
    )


def _count(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(db_connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body[:500]
    return len(queries.captured_queries), body


@pytest.mark.parametrize(("name", "maker", "url", "queries"), CASES, ids=[c[0] for c in CASES])
def test_a_list_page_costs_the_same_for_1_row_as_for_50(api, name, maker, url, queries):
    world = World(api)
    make = getattr(world, maker)
    make(1)
    one, body = _count(world.client, _url(world, url))
    rows_before = len(json.loads(body)["results"])
    make(49)
    fifty, body = _count(world.client, _url(world, url))
    rows_after = len(json.loads(body)["results"])
    assert rows_after - rows_before == 49, (rows_before, rows_after)
    assert (one, fifty) == (queries, queries)


@pytest.mark.parametrize(("name", "maker", "url", "queries"), EXPORTS, ids=[c[0] for c in EXPORTS])
def test_an_export_costs_the_same_for_1_row_as_for_50(api, name, maker, url, queries):
    world = World(api)
    make = getattr(world, maker)
    make(1)
    one, body = _count(world.client, _url(world, url))
    lines_before = body.count(b"\n")
    make(49)
    fifty, body = _count(world.client, _url(world, url))
    assert body.count(b"\n") - lines_before == 49
    assert (one, fifty) == (queries, queries)


# The pages (session login): (name, row maker, URL name, query string, the pinned count).
# The lists read every tab's count in one query.
PAGES = [
    ("inbox", "payables", "inbox", "?tab=all", 14),
    ("inbox awaiting my approval", "payables", "inbox", "", 14),
    ("invoices", "outgoing", "invoices", "?tab=all", 12),
    ("connections", "connections", "connections", "", 10),  # with the balances total line
    ("notifications", "notifications", "notifications", "", 7),
    ("tags", "tags", "settings-tags", "", 7),
    ("members", "members", "settings-members", "", 8),
]


@pytest.mark.parametrize(
    ("name", "maker", "page", "query", "queries"), PAGES, ids=[p[0] for p in PAGES]
)
def test_a_page_costs_the_same_for_1_row_as_for_50(api, client, name, maker, page, query, queries):
    world = World(api)
    client.force_login(world.owner)
    url = reverse(page, args=[world.acme.id]) + query
    make = getattr(world, maker)
    make(1)
    client.get(url)  # the session's first read
    one, small = _count(client, url)
    make(49)
    fifty, large = _count(client, url)
    assert len(large) > len(small) + 49 * 100  # the 49 new rows are on the page
    assert (one, fifty) == (queries, queries)


# The new-invoice page with a customer chosen: the customer list is one query of plain rows.
EDITOR_QUERIES = 13


def test_the_new_invoice_page_costs_the_same_for_1_customer_as_for_50(api, client):
    world = World(api)
    client.force_login(world.owner)
    (chosen,) = world.customers(1)
    url = reverse("invoice-new", args=[world.acme.id]) + f"?connectionId={chosen.id}"
    client.get(url)  # the session's first read
    one, small = _count(client, url)
    world.customers(49)
    fifty, large = _count(client, url)
    assert large.count(b"<option") == small.count(b"<option") + 49 + 1  # and "Choose a customer"
    assert f'value="{chosen.id}" selected'.encode() in large
    assert (one, fifty) == (EDITOR_QUERIES, EDITOR_QUERIES)


def test_payables_due_dates_and_amounts_do_not_change_the_cost(api):
    world = World(api)
    world.payables(1, amount=Decimal("5.00"), due_date=datetime.date(2026, 1, 1))
    base, _ = _count(world.client, _url(world, CASES[0][2]))
    world.payables(49, amount=Decimal("9999.99"), due_date=datetime.date(2027, 1, 1))
    url = "/api/businesses/{acme}/payables?dueAfter=2026-01-01&amountMin=1&limit=50"
    assert _count(world.client, _url(world, url))[0] == base


def test_an_offset_page_reads_its_keys_then_only_its_rows(api):
    world = World(api)
    world.payables(30)
    url = "/api/businesses/{acme}/payables?direction=incoming&limit=5"
    first, _ = _count(world.client, _url(world, url))
    deep, body = _count(world.client, _url(world, url + "&offset=20"))
    assert len(json.loads(body)["results"]) == 5
    assert deep == first + 1  # the page's keys, then its rows
    past, body = _count(world.client, _url(world, url + "&offset=99"))
    assert json.loads(body)["results"] == []
    assert past == first - 1  # no rows to read, nor their tags
