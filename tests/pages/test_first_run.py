"""What a new finance user trips over in the first hour: their own business ID, where they
land, what the pages say, and confirm steps for actions they can never take."""

import pytest
from django.urls import reverse

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


def landing(client) -> str:
    """Where ``/`` leads, through the business's home."""
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def test_the_payee_lands_on_its_declined_invoice_not_an_empty_inbox(world):
    make_payable(world, S.DECLINED, invoice_number="INV-7")

    response = world.client(world.payee_accountant).get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("invoices", args=[world.payee.id]) + (
        "?tab=declined"
    )
    assert ">INV-7<" in text(response)


def test_a_business_that_only_invoices_lands_on_its_invoices(world):
    make_payable(world, S.SUBMITTED)

    assert landing(world.client(world.payee_owner)) == reverse("invoices", args=[world.payee.id])
    # The payer, whose bill it is, starts on its inbox.
    assert landing(world.client(world.payer_owner)) == reverse("inbox", args=[world.payer.id])


def test_a_new_business_lands_on_its_inbox(world):
    assert landing(world.client(world.payee_owner)) == reverse("inbox", args=[world.payee.id])


def test_the_business_home_is_its_list_and_a_stranger_gets_a_404(world):
    home = reverse("business-home", args=[world.payer.id])

    assert home == f"/b/{world.payer.id}/"
    response = world.client(world.payer_viewer).get(home)
    assert response["Location"] == reverse("inbox", args=[world.payer.id])
    assert world.client(world.payee_owner).get(home).status_code == 404


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
    assert "INV-9 is paid, so it cannot be paid now." in text(response)
    htmx = client.get(action_url(world, world.payer, payable, "cancel"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == detail


def test_an_allowed_action_still_shows_its_confirmation(world):
    payable = make_payable(world, S.APPROVED, amount="468.00")

    response = world.client(world.payer_owner).get(action_url(world, world.payer, payable, "pay"))

    assert response.status_code == 200
    assert "$468.00 goes to Globex now." in text(response)
