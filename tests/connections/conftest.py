"""Two businesses on a connection, Acme paying Globex, each with an owner, and helpers."""

import pytest

from tests import factories


@pytest.fixture
def acme(db):
    business, owner = factories.business_with_owner("Acme Corp")
    business.owner = owner
    return business


@pytest.fixture
def globex(db):
    business, owner = factories.business_with_owner("Globex Ltd")
    business.owner = owner
    return business


@pytest.fixture
def connection(acme, globex):
    """Active: Acme pays Globex (Globex invited Acme)."""
    return factories.ConnectionFactory(payer=acme, payee=globex)


@pytest.fixture
def stranger(db):
    """The owner of a business that has nothing to do with Acme and Globex."""
    business, owner = factories.business_with_owner("Stranger Inc")
    owner.business = business
    return owner
