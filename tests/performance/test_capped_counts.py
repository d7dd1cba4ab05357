"""The pages' tab counts stop at COUNT_CAP: counting costs the same whatever the data's size."""

import pytest
from django.test import Client
from django.urls import reverse

from payables import selectors
from payables.models import PayableStatus as S
from tests import factories
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return factories.payee_and_payer()


def test_counts_stop_one_past_the_cap(world, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(5):
        make_payable(world, S.SUBMITTED)
    make_payable(world, S.APPROVED)

    counts = selectors.payable_tab_counts(
        business_id=world.payer.id,
        user=world.payer_approver,
        params={"direction": "incoming"},
        statuses=["SUBMITTED", "APPROVED", "PAID"],
        awaiting=True,
    )

    assert counts == {"SUBMITTED": 4, "APPROVED": 1, "all": 4, "awaiting": 4}
    assert selectors.awaiting_count(user=world.payer_approver, business_id=world.payer.id) == 4


def test_the_inbox_shows_a_capped_count_with_a_plus(world, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(5):
        make_payable(world, S.SUBMITTED)
    make_payable(world, S.APPROVED)
    client = Client()
    client.force_login(world.payer_approver)

    html = client.get(reverse("inbox", args=[world.payer.id]) + "?tab=all").content.decode()

    assert '<span class="count">3+</span>' in html
    assert '<span class="count">1</span>' in html
    assert 'title="Awaiting my approval">3+<span' in html
