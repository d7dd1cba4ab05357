"""``cleopay.core.expressions.AnyOf``: the rows whose column is one of the values, on both databases."""

import pytest
from django.db import connection

from accounts.models import Business
from cleopay.core.expressions import AnyOf
from tests import factories

pytestmark = pytest.mark.django_db


def _names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


def test_the_rows_whose_column_is_one_of_the_values():
    acme, globex, _initech = (factories.BusinessFactory(name=n) for n in ("Acme", "Globex", "Ini"))
    chosen = Business.objects.filter(AnyOf("id", [acme.id, globex.id, "biz_not_there"]))
    assert _names(chosen) == ["Acme", "Globex"]
    assert _names(Business.objects.exclude(AnyOf("id", [acme.id]))) == ["Globex", "Ini"]


def test_no_values_match_nothing():
    factories.BusinessFactory(name="Acme")
    assert not Business.objects.filter(AnyOf("id", [])).exists()
    assert _names(Business.objects.exclude(AnyOf("id", []))) == ["Acme"]


def test_a_thousand_values_are_one_array_parameter_on_postgresql():
    ids = [f"biz_{i:022d}" for i in range(1000)]
    sql, params = Business.objects.filter(AnyOf("id", ids)).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert len(params) == 1 and "= ANY(" in sql
    else:
        assert len(params) == 1000 and " IN (" in sql
