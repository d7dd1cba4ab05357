"""The payer's inbox and the payee's invoices: tabs, counts, filters, overdue marks, tenancy."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from payables.models import PayableStatus as S
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def inbox_url(world, **query):
    url = reverse("inbox", args=[world.payer.id])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_awaiting_my_approval_is_the_first_tab_with_its_count(world):
    make_payable(world, S.SUBMITTED, invoice_number="AWAIT-1")
    make_payable(world, S.SUBMITTED, invoice_number="AWAIT-2")
    make_payable(world, S.APPROVED, invoice_number="DONE-1")

    page = text(world.client(world.payer_approver).get(inbox_url(world)))

    tabs = page[page.index('aria-label="Status"') :]
    assert tabs.index("Awaiting my approval") < tabs.index("Submitted")
    assert 'aria-current="page">Awaiting my approval <span class="count">2</span>' in page
    assert "AWAIT-1" in page and "AWAIT-2" in page
    assert "DONE-1" not in page
    # The top bar's inbox badge says the same.
    assert 'id="nav-awaiting" class="count" title="Awaiting my approval">2' in page


def test_awaiting_leaves_out_what_the_user_cannot_approve(world):
    # The payer's approver also belongs to the payee and wrote this one: never theirs to approve.
    from accounts.models import Membership

    Membership.objects.create(business=world.payee, user=world.payer_approver, role="accountant")
    make_payable(world, S.SUBMITTED, invoice_number="MINE-1", created_by=world.payer_approver)
    make_payable(world, S.SUBMITTED, invoice_number="THEIRS-1")

    page = text(world.client(world.payer_approver).get(inbox_url(world, tab="awaiting")))

    assert "THEIRS-1" in page
    assert "MINE-1" not in page


def test_members_who_cannot_approve_start_on_all_and_get_no_awaiting_tab(world):
    make_payable(world, S.SUBMITTED, invoice_number="SUB-1")

    page = text(world.client(world.payer_viewer).get(inbox_url(world)))

    assert "Awaiting my approval" not in page
    assert 'aria-current="page">All' in page
    assert "SUB-1" in page
    assert "Approve…" not in page and "Pay now…" not in page


def test_status_tabs_show_their_payables_and_never_a_draft(world):
    make_payable(world, S.DRAFT, invoice_number="DRAFT-1")
    make_payable(world, S.PAID, invoice_number="PAID-1")
    make_payable(world, S.SCHEDULED, invoice_number="SCHED-1")

    client = world.client(world.payer_owner)
    paid = text(client.get(inbox_url(world, tab="paid")))
    everything = text(client.get(inbox_url(world, tab="all")))

    assert "PAID-1" in paid and "SCHED-1" not in paid
    assert "PAID-1" in everything and "SCHED-1" in everything
    assert "DRAFT-1" not in everything


def test_overdue_payables_are_marked(world):
    make_payable(
        world,
        S.APPROVED,
        invoice_number="LATE-1",
        issue_date=today() - datetime.timedelta(days=40),
        due_date=today() - datetime.timedelta(days=10),
    )
    make_payable(world, S.APPROVED, invoice_number="FINE-1")
    make_payable(
        world, S.PAID, invoice_number="PAIDLATE-1", due_date=today() - datetime.timedelta(days=3)
    )

    page = text(world.client(world.payer_owner).get(inbox_url(world, tab="all")))

    def row(number):
        start = page.index(f">{number}</a>")
        return page[start : page.index("</tr>", start)]

    assert "Overdue" in row("LATE-1")
    assert "Overdue" not in row("FINE-1")
    assert "Overdue" not in row("PAIDLATE-1")


def test_filters_narrow_the_list(world):
    tag = factories.TagFactory(business=world.payer, name="Hosting")
    other_payee = factories.BusinessFactory(name="Initech")
    other = factories.ConnectionFactory(payer=world.payer, payee=other_payee)
    cheap = make_payable(world, S.APPROVED, invoice_number="CHEAP-1", amount=Decimal("50.00"))
    make_payable(world, S.APPROVED, invoice_number="DEAR-1", amount=Decimal("5000.00"))
    make_payable(
        world,
        S.APPROVED,
        invoice_number="LATER-1",
        due_date=today() + datetime.timedelta(days=90),
        memo="Annual licence",
    )
    factories.PayableFactory(
        connection=other, status=S.APPROVED, invoice_number="INITECH-1", memo="Annual support"
    )
    from payables.models import PayableTag

    PayableTag.objects.create(payable=cheap, tag=tag)
    client = world.client(world.payer_owner)

    def numbers(**query):
        page = text(client.get(inbox_url(world, tab="all", **query)))
        return {n for n in ("CHEAP-1", "DEAR-1", "LATER-1", "INITECH-1") if f">{n}<" in page}

    assert numbers(amountMin="100.01", amountMax="6000") == {"DEAR-1"}
    assert numbers(tag=tag.id) == {"CHEAP-1"}
    assert numbers(connectionId=other.id) == {"INITECH-1"}
    assert numbers(search="annual") == {"LATER-1", "INITECH-1"}
    later = (today() + datetime.timedelta(days=60)).isoformat()
    assert numbers(dueAfter=later) == {"LATER-1"}
    assert numbers(dueBefore=later) == {"CHEAP-1", "DEAR-1", "INITECH-1"}


def test_tab_counts_follow_the_filters(world):
    for n in range(3):
        make_payable(world, S.SUBMITTED, invoice_number=f"HOST-{n}", memo="Hosting")
    for n in range(8):
        make_payable(world, S.APPROVED, invoice_number=f"RENT-{n}", memo="Rent")
    client = world.client(world.payer_approver)

    page = text(client.get(inbox_url(world, tab="all", search="hosting")))

    start = page.index('aria-label="Status"')
    tabs = page[start : page.index("</nav>", start)]
    assert 'aria-current="page">All <span class="count">3</span>' in tabs
    assert 'Awaiting my approval <span class="count">3</span>' in tabs
    assert 'Submitted <span class="count">3</span>' in tabs
    assert 'Approved <span class="count zero">0</span>' in tabs
    # The top bar's badge still counts everything awaiting the user, whatever the filters.
    assert 'id="nav-awaiting" class="count" title="Awaiting my approval">3' in page
    unfiltered = text(client.get(inbox_url(world, tab="all")))
    assert 'aria-current="page">All <span class="count">11</span>' in unfiltered


def test_a_bad_filter_is_named_beside_its_field(world):
    response = world.client(world.payer_owner).get(inbox_url(world, amountMin="lots"))

    assert response.status_code == 400
    page = text(response)
    assert (
        'id="f-amountMin" name="amountMin" value="lots" placeholder="0.00" aria-invalid="true"'
        in page
    )
    assert 'id="f-amountMin-error">Must be a number such as 2500.00.' in page


def test_invoices_list_the_payees_outgoing_payables_drafts_included(world):
    make_payable(world, S.DRAFT, invoice_number="DRAFT-9")
    make_payable(world, S.DECLINED, invoice_number="DECL-9", decline_reason="Wrong PO")

    client = world.client(world.payee_accountant)
    everything = text(client.get(reverse("invoices", args=[world.payee.id])))
    drafts = text(client.get(reverse("invoices", args=[world.payee.id]) + "?tab=draft"))

    assert "DRAFT-9" in everything and "DECL-9" in everything
    assert "DRAFT-9" in drafts and "DECL-9" not in drafts
    # Drafts and declined invoices can be edited from the list.
    assert reverse("payable-edit", args=[world.payee.id, _id(world, "DRAFT-9")]) in everything
    assert "New invoice" in everything


def _id(world, number):
    from payables.models import Payable

    return Payable.objects.get(invoice_number=number).id


def test_another_business_pages_are_not_found(world):
    client = world.client(world.outsider)

    for name in ("inbox", "invoices", "connections", "reports", "settings-members"):
        assert client.get(reverse(name, args=[world.payer.id])).status_code == 404


def test_pages_need_login(client, world):
    response = client.get(inbox_url(world))

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_the_switcher_lists_every_business_of_the_user_and_keeps_the_page(world):
    from accounts.models import Membership

    Membership.objects.create(business=world.payee, user=world.payer_owner, role="viewer")

    page = text(world.client(world.payer_owner).get(reverse("reports", args=[world.payer.id])))

    switcher = page[page.index("Your businesses") :]
    assert f'href="/b/{world.payer.id}/reports" aria-current="true">Acme' in switcher
    assert f'href="/b/{world.payee.id}/reports">Globex' in switcher
