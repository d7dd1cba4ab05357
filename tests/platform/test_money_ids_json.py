"""Exact money in and out, public IDs, and JSON rendering."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from cleopay.core import ids
from cleopay.core.api.parsers import DecimalJSONParser
from cleopay.core.api.renderers import dumps
from cleopay.core.money import MoneySerializerField, quantize


class AmountInput(serializers.Serializer):
    amount = MoneySerializerField()


def test_json_numbers_arrive_as_decimals():
    import io

    data = DecimalJSONParser().parse(io.BytesIO(b'{"amount": 0.1, "n": 3}'))
    assert data == {"amount": Decimal("0.1"), "n": 3}
    assert isinstance(data["amount"], Decimal)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Decimal("2500.00"), Decimal("2500.00")),
        ("19.99", Decimal("19.99")),
        (7, Decimal("7")),
        ("0.1", Decimal("0.1")),
    ],
)
def test_amounts_accept_numbers_and_strings(given, expected):
    data = AmountInput(data={"amount": given})
    assert data.is_valid(), data.errors
    assert data.validated_data["amount"] == expected


@pytest.mark.parametrize(
    "given", ["1.005", Decimal("0.001"), "abc", True, None, "1e400", "NaN", "12345678901.00"]
)
def test_amounts_refuse_what_is_not_money(given):
    assert not AmountInput(data={"amount": given}).is_valid()


def test_amounts_render_as_numbers_with_two_decimals():
    rendered = AmountInput({"amount": Decimal("2500")}).data
    assert dumps(rendered) == b'{"amount":2500.00}'
    assert dumps({"a": Decimal("0.30")}) == b'{"a":0.30}'


def test_quantize_rounds_half_up_to_the_cent():
    assert quantize(Decimal("0.125")) == Decimal("0.13")
    assert quantize("2.675") == Decimal("2.68")
    with pytest.raises(ValueError):
        quantize("not money")


def test_public_ids_are_prefixed_random_and_url_safe():
    values = {ids.new_public_id("pay") for _ in range(1000)}
    assert len(values) == 1000
    for value in values:
        assert value.startswith("pay_")
        assert value[4:].isalnum()
        assert ids.is_public_id(value, "pay")
        assert not ids.is_public_id(value, "conn")
    assert not ids.is_public_id("pay_../../etc", "pay")
    assert not ids.is_public_id(123, "pay")


@pytest.mark.django_db
def test_models_get_prefixed_ids(owner):
    assert owner.id.startswith("usr_")
    assert owner.business.id.startswith("biz_")
