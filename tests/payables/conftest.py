"""Fixtures of the payables tests: two connected businesses and their people."""

from types import SimpleNamespace

import pytest

from tests import factories


@pytest.fixture
def parties(db, api):
    """Globex (payee, sends invoices) and Acme (payer) on an active connection, with people.

    ``payee_owner``/``payer_owner`` own their business; ``payee_accountant``,
    ``payer_approver``, ``payer_admin`` and ``payer_viewer`` hold those roles.
    """
    payee = factories.BusinessFactory(name="Globex")
    payer = factories.BusinessFactory(name="Acme")
    connection = factories.ConnectionFactory(payer=payer, payee=payee, net_terms=30)
    people = SimpleNamespace(
        payee=payee,
        payer=payer,
        connection=connection,
        payee_owner=factories.member(payee, "owner", email="owner@globex.test"),
        payee_accountant=factories.member(payee, "accountant", email="books@globex.test"),
        payee_viewer=factories.member(payee, "viewer", email="viewer@globex.test"),
        payer_owner=factories.member(payer, "owner", email="owner@acme.test"),
        payer_admin=factories.member(payer, "admin", email="admin@acme.test"),
        payer_approver=factories.member(payer, "approver", email="approver@acme.test"),
        payer_accountant=factories.member(payer, "accountant", email="books@acme.test"),
        payer_viewer=factories.member(payer, "viewer", email="viewer@acme.test"),
        outsider=factories.MembershipFactory(role="owner").user,
    )
    people.client = lambda user: api(user)
    return people
