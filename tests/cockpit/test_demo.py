"""The demo gives the home and the reports something to show: bills overdue and due this week,
and the aging filled beyond its current bucket."""

import pytest
from django.utils import timezone

from cleopay.demo import seed_all
from cockpit.reports import PAYABLES, RECEIVABLES, aging
from cockpit.selectors import payee_needs

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_aging_of_both_sides_and_the_homes():
    businesses, _users = seed_all()
    today = timezone.now().date()
    acme, globex = businesses["acme"], businesses["globex"]

    payables = aging(business_id=acme.id, side=PAYABLES, as_of=today, today=today)
    receivables = aging(business_id=globex.id, side=RECEIVABLES, as_of=today, today=today)

    assert sum(1 for bucket in payables.buckets if bucket.count) >= 4
    assert {b.key for b in receivables.buckets if b.count} >= {"current", "1-30", "31-60"}
    overdue = next(n for n in payee_needs(business_id=globex.id, today=today) if n.key == "overdue")
    assert overdue.count >= 2
