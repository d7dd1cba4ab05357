"""What a new finance user trips over in the first hour: their own business ID, where they
land, what the pages say, and confirm steps for actions they can never take."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from payables.models import Payable
from payables.models import PayableStatus as S
from tests.pages.conftest import text
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["connections", "settings-members", "settings-tags"])
def test_the_own_business_id_is_shown_with_a_copy_button(world, page):
    html = text(world.client(world.payer_viewer).get(reverse(page, args=[world.payer.id])))

    assert f'<code id="own-business-id">{world.payer.id}</code>' in html
    assert 'data-copy="own-business-id"' in html
    assert world.payee.id not in html.split('id="own-business-id"')[1][:80]


# --- where each user lands --------------------------------------------------------------------


def landing(client):
    """Where ``/`` leads: the business's home."""
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response


def test_the_payee_lands_on_its_home_with_the_declined_invoice_to_fix(world):
    make_payable(world, S.DECLINED, invoice_number="INV-7")

    response = landing(world.client(world.payee_accountant))

    assert response.redirect_chain[-1][0] == reverse("business-home", args=[world.payee.id])
    html = text(response)
    assert "Declined, to fix" in html
    assert reverse("invoices", args=[world.payee.id]) + "?tab=declined" in html


def test_a_business_that_only_invoices_lands_on_getting_paid(world):
    make_payable(world, S.SUBMITTED)

    assert landing(world.client(world.payee_owner)).context["side"] == "payee"
    # The payer, whose bill it is, starts on what it has to pay.
    assert landing(world.client(world.payer_owner)).context["side"] == "payer"


def test_a_new_business_lands_on_its_home_with_its_next_step(world):
    response = landing(world.client(world.outsider))

    assert "Invite your first vendor" in text(response)


# --- confirm steps only for what the viewer may do -------------------------------------------


def action_url(world, business, payable, action):
    return reverse("payable-action", args=[business.id, payable.id, action])


def test_the_payee_cannot_open_the_payers_pay_confirmation(world):
    payable = make_payable(world, S.APPROVED, amount="468.00")

    for action in ("pay", "approve", "schedule"):
        response = world.client(world.payee_owner).get(
            action_url(world, world.payee, payable, action)
        )
        assert response.status_code == 404
        assert "goes to" not in text(response)


def test_a_role_without_the_capability_gets_no_confirmation(world):
    payable = make_payable(world, S.APPROVED)

    response = world.client(world.payer_viewer).get(action_url(world, world.payer, payable, "pay"))

    assert response.status_code == 404


def test_an_action_the_status_no_longer_allows_leads_back_to_the_payable(world):
    payable = make_payable(world, S.PAID, invoice_number="INV-9")
    client = world.client(world.payer_owner)

    response = client.get(action_url(world, world.payer, payable, "pay"), follow=True)

    detail = reverse("payable-detail", args=[world.payer.id, payable.id])
    assert response.redirect_chain == [(detail, 302)]
    assert "This bill was paid, so it can no longer be paid." in text(response)
    htmx = client.get(action_url(world, world.payer, payable, "cancel"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == detail


def test_an_allowed_action_still_shows_its_confirmation(world):
    payable = make_payable(world, S.APPROVED, amount="468.00")

    response = world.client(world.payer_owner).get(action_url(world, world.payer, payable, "pay"))

    assert response.status_code == 200
    assert "$468.00 goes to Globex now." in text(response)


# --- what the pages say ------------------------------------------------------------------------


def test_a_refused_action_is_said_in_finance_words(world):
    payable = make_payable(world, S.SUBMITTED)
    client = world.client(world.payer_approver)
    url = action_url(world, world.payer, payable, "approve")
    assert client.get(url).status_code == 200  # the confirm step, opened before...
    make_cancelled = world.client(world.payee_owner).post(
        action_url(world, world.payee, payable, "cancel"), {"reason": "Sent twice"}
    )
    assert make_cancelled.status_code == 302  # ...the payee cancels the invoice

    response = client.post(url)

    assert response.status_code == 409
    assert "This bill was cancelled, so it can no longer be approved." in text(response)
    assert "CANCELLED" not in text(response)


def test_an_empty_or_odd_payment_date_says_what_to_enter(world):
    payable = make_payable(world, S.APPROVED)
    client = world.client(world.payer_owner)
    url = action_url(world, world.payer, payable, "schedule")

    empty = text(client.post(url, {"date": ""}))
    odd = text(client.post(url, {"date": "15/05/2026"}))

    assert "Enter a date." in empty
    assert "Enter a date like 2026-05-15." in odd
    assert "wrong format" not in empty + odd and "YYYY" not in empty + odd


def editor_body(world, *, quantity: str, unit_price: str) -> dict:
    return {
        "connectionId": world.connection.id,
        "invoiceNumber": "INV-100",
        "dueDate": "",
        "memo": "",
        "description": ["Licences"],
        "quantity": [quantity],
        "unitPrice": [unit_price],
        "accountingCategory": [""],
        "action": "save",
    }


def test_the_editor_takes_thousands_separators(world):
    client = world.client(world.payee_owner)

    response = client.post(
        reverse("invoice-new", args=[world.payee.id]),
        editor_body(world, quantity="1,000", unit_price="1,234.56"),
    )

    assert response.status_code == 302
    payable = Payable.objects.get(invoice_number="INV-100")
    assert payable.amount == Decimal("1234560.00")


def test_a_zero_quantity_says_so_in_words(world):
    response = world.client(world.payee_owner).post(
        reverse("invoice-new", args=[world.payee.id]),
        editor_body(world, quantity="0", unit_price="10"),
    )

    assert response.status_code == 400
    assert "Enter a quantity greater than 0." in text(response)
    assert "0.0001" not in text(response)


def test_the_api_still_refuses_grouped_numbers(world, api):
    body = {
        "connectionId": world.connection.id,
        "lineItems": [{"description": "x", "quantity": 1, "unitPrice": "1,234.56"}],
    }

    response = api(world.payee_owner).post(
        f"/api/businesses/{world.payee.id}/payables", body, format="json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("page", "tab", "says"),
    [
        ("inbox", "all", "No bills yet. Invoices your suppliers send you appear here."),
        ("inbox", "paid", "No paid bills yet."),
        ("inbox", "awaiting", "Nothing awaits your approval."),
        ("invoices", "all", "No invoices yet. Write one with New invoice."),
        ("invoices", "declined", "No declined invoices: nothing to correct."),
    ],
)
def test_each_empty_tab_says_what_it_lacks(world, page, tab, says):
    business = world.payer if page == "inbox" else world.payee

    html = text(
        world.client(world.payer_owner if page == "inbox" else world.payee_owner).get(
            reverse(page, args=[business.id]) + f"?tab={tab}"
        )
    )

    assert f'<p class="empty">{says}</p>' in html
    assert "No all payables" not in html


# --- each user's time zone ---------------------------------------------------------------------


def test_a_user_sets_a_time_zone_and_the_timeline_follows_it(world):
    payable = make_payable(world, S.SUBMITTED)
    payable.events.create(
        type="submitted",
        actor=world.payee_owner,
        business_id=world.payee.id,
        to_status=S.SUBMITTED,
        position=1,
        created_at=datetime.datetime(2026, 12, 3, 23, 30, tzinfo=datetime.UTC),
    )
    client = world.client(world.payer_viewer)
    profile = reverse("settings-profile", args=[world.payer.id])
    detail = reverse("payable-detail", args=[world.payer.id, payable.id])
    assert "Dec 3, 2026 23:30 UTC" in text(client.get(detail))

    assert 'value="UTC" selected' in text(client.get(profile))
    response = client.post(profile, {"timeZone": "Asia/Tokyo"})

    assert response.status_code == 302
    world.payer_viewer.refresh_from_db()
    assert world.payer_viewer.time_zone == "Asia/Tokyo"
    assert "Dec 4, 2026 08:30 JST" in text(client.get(detail))
    # Someone else's pages stay in their own zone.
    assert "Dec 3, 2026 23:30 UTC" in text(world.client(world.payer_owner).get(detail))


def test_an_unknown_time_zone_is_refused_beside_the_field(world):
    client = world.client(world.payer_viewer)

    response = client.post(
        reverse("settings-profile", args=[world.payer.id]), {"timeZone": "Mars/Olympus"}
    )

    assert response.status_code == 400
    assert 'id="f-timeZone-error">Choose a time zone from the list.' in text(response)
