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
