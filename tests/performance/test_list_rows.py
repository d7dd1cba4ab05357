"""The lists' plain-row read path answers exactly what PayableListItemSerializer documents."""

import datetime
from decimal import Decimal

import orjson
import pytest
from django.utils import timezone

from cleopay.core.api.renderers import dumps
from payables import listing, selectors
from payables.models import Payable, PayableStatus, PayableTag
from payables.serializers import PayableListItemSerializer
from tests import factories

pytestmark = pytest.mark.django_db


def _json(data):
    return orjson.loads(dumps(data))


@pytest.mark.parametrize("side", ["payee", "payer"])
def test_rows_render_as_the_serializer_does(side):
    payee, payer = factories.BusinessFactory(name="Globex"), factories.BusinessFactory(name="Acme")
    connection = factories.ConnectionFactory(payer=payer, payee=payee)
    business = payee if side == "payee" else payer
    tags = [factories.TagFactory(business=business, name=n) for n in ("b-tag", "a-tag")]
    other = factories.TagFactory(business=payer if side == "payee" else payee, name="theirs")
    made = [
        factories.PayableFactory(
            connection=connection, status=PayableStatus.SUBMITTED, amount=Decimal("1234.50"),
            memo="March", due_date=datetime.date(2026, 5, 15),
        ),
        factories.PayableFactory(
            connection=connection, status=PayableStatus.APPROVED, amount=Decimal("0.01")
        ),
    ]  # fmt: skip
    # A timestamp without microseconds renders without a fraction either way.
    Payable.objects.filter(pk=made[1].pk).update(created_at=timezone.now().replace(microsecond=0))
    for tag in [*tags, other]:
        PayableTag.objects.create(payable=made[0], tag=tag)

    queryset = selectors.payable_list(business_id=business.id, user=None, params={})
    expected = PayableListItemSerializer(
        list(queryset), many=True, context={"business_id": business.id}
    ).data
    rows = listing.list_items(list(listing.payable_rows(queryset)), business_id=business.id)

    assert _json(rows) == _json(expected)
    assert [list(row) for row in rows] == [list(row) for row in expected]  # same key order
    tagged = next(row for row in rows if row["id"] == made[0].id)
    assert [t["name"] for t in tagged["tags"]] == ["a-tag", "b-tag"]
