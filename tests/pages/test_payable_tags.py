"""Each side labels a bill for itself from its page, and filters its list by those labels; the
other side never sees them."""

import pytest
from django.urls import reverse

from payables.models import PayableStatus as S
from payables.models import PayableTag
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


def tags_url(world, business, payable):
    return reverse("payable-tags-page", args=[business.id, payable.id])


def test_the_payer_tags_a_bill_from_its_page_and_the_payee_never_sees_it(world):
    payable = make_payable(world, S.SUBMITTED, invoice_number="TAG-1")
    urgent = factories.TagFactory(business=world.payer, name="Urgent")
    factories.TagFactory(business=world.payer, name="Marketing")
    client = world.client(world.payer_accountant)
    detail = reverse("payable-detail", args=[world.payer.id, payable.id])

    page = text(client.get(detail))
    assert "Edit tags" in page and "Marketing" in page

    response = client.post(tags_url(world, world.payer, payable), {"tagIds": [urgent.id]})
    assert response.status_code == 302
    page = text(client.get(detail))
    assert "Tags saved: 1 on this bill." in page
    assert '<span class="badge tag">Urgent</span>' in page
    assert PayableTag.objects.filter(payable=payable, tag=urgent).exists()

    payee_page = text(
        world.client(world.payee_owner).get(
            reverse("payable-detail", args=[world.payee.id, payable.id])
        )
    )
    assert "Urgent" not in payee_page
    payee_list = text(
        world.client(world.payee_owner).get(reverse("invoices", args=[world.payee.id]))
    )
    assert "Urgent" not in payee_list


def test_the_payees_own_tags_stay_when_the_payer_clears_its_own(world):
    payable = make_payable(world, S.SUBMITTED, invoice_number="TAG-2")
    theirs = factories.TagFactory(business=world.payee, name="Retainer")
    PayableTag.objects.create(payable=payable, tag=theirs)
    mine = factories.TagFactory(business=world.payer, name="Q3")
    PayableTag.objects.create(payable=payable, tag=mine)

    response = world.client(world.payer_owner).post(tags_url(world, world.payer, payable), {})

    assert response.status_code == 302
    assert list(PayableTag.objects.filter(payable=payable).values_list("tag_id", flat=True)) == [
        theirs.id
    ]


def test_another_sides_tag_is_refused_and_nothing_changes(world):
    payable = make_payable(world, S.SUBMITTED, invoice_number="TAG-3")
    theirs = factories.TagFactory(business=world.payee, name="Retainer")
    client = world.client(world.payer_owner)

    response = client.post(
        tags_url(world, world.payer, payable), {"tagIds": [theirs.id]}, follow=True
    )

    assert "Tags saved" not in text(response)
    assert not PayableTag.objects.filter(payable=payable).exists()


def test_who_may_not_tag_gets_no_editor_and_a_403(world):
    payable = make_payable(world, S.SUBMITTED, invoice_number="TAG-4")
    factories.TagFactory(business=world.payer, name="Urgent")
    client = world.client(world.payer_viewer)
    page = text(client.get(reverse("payable-detail", args=[world.payer.id, payable.id])))
    assert "Edit tags" not in page
    assert client.post(tags_url(world, world.payer, payable), {}).status_code == 403


def test_a_bill_of_another_business_is_not_found(world):
    payable = make_payable(world, S.SUBMITTED, invoice_number="TAG-5")
    client = world.client(world.outsider)
    business = world.outsider.memberships.first().business
    assert client.post(tags_url(world, business, payable), {}).status_code == 404


def test_the_list_filters_by_the_viewing_sides_tag(world):
    tagged = make_payable(world, S.SUBMITTED, invoice_number="TAG-6")
    make_payable(world, S.SUBMITTED, invoice_number="TAG-7")
    urgent = factories.TagFactory(business=world.payer, name="Urgent")
    world.client(world.payer_owner).post(
        tags_url(world, world.payer, tagged), {"tagIds": [urgent.id]}
    )

    page = text(
        world.client(world.payer_owner).get(
            reverse("inbox", args=[world.payer.id]) + f"?tab=all&tag={urgent.id}"
        )
    )
    assert "TAG-6" in page and "TAG-7" not in page
