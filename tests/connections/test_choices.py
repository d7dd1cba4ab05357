"""A business's connections as a form's choices: one side, newest first, the label it knows."""

import pytest

from connections.models import Connection
from connections.selectors import connection_choices
from tests import factories

pytestmark = pytest.mark.django_db


def test_one_side_newest_first_labelled_by_alias_then_name_then_invited_email():
    acme = factories.BusinessFactory(name="Acme")
    named = factories.ConnectionFactory(payer=acme, payee=factories.BusinessFactory(name="Globex"))
    aliased = factories.ConnectionFactory(
        payer=acme,
        payee=factories.BusinessFactory(name="Initech"),
        payer_alias="Initech (IT)",
        payee_alias="Not Acme's alias",
    )
    invited = Connection.objects.create(
        payer=acme, invited_email="ap@umbrella.test", invited_by_business=acme, status="pending"
    )
    customer = factories.ConnectionFactory(payer=factories.BusinessFactory(), payee=acme)
    factories.ConnectionFactory()  # between two other businesses

    vendors = connection_choices(business_id=acme.id, side="payer")
    active = connection_choices(business_id=acme.id, side="payer", status="active")
    customers = connection_choices(business_id=acme.id, side="payee")

    assert vendors == [
        (invited.id, "ap@umbrella.test"),
        (aliased.id, "Initech (IT)"),
        (named.id, "Globex"),
    ]
    assert active == [(aliased.id, "Initech (IT)"), (named.id, "Globex")]
    assert customers == [(customer.id, customer.payer.name)]
