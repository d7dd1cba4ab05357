"""Fixtures of the page tests: two connected businesses, their people, logged-in clients."""

from types import SimpleNamespace

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def world(db):
    """Globex (payee, sends invoices) and Acme (payer) on an active Net 30 connection.

    People: ``payee_owner``, ``payee_accountant``, ``payer_owner``, ``payer_admin``,
    ``payer_approver``, ``payer_accountant``, ``payer_viewer``; ``outsider`` owns another
    business. ``world.client(user)`` is a Django test client logged in as ``user``.
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
        payer_owner=factories.member(payer, "owner", email="owner@acme.test"),
        payer_admin=factories.member(payer, "admin", email="admin@acme.test"),
        payer_approver=factories.member(payer, "approver", email="approver@acme.test"),
        payer_accountant=factories.member(payer, "accountant", email="books@acme.test"),
        payer_viewer=factories.member(payer, "viewer", email="viewer@acme.test"),
        outsider=factories.MembershipFactory(role="owner").user,
    )

    def client(user) -> Client:
        logged_in = Client()
        logged_in.force_login(user)
        return logged_in

    people.client = client
    return people


def text(response) -> str:
    return response.content.decode()
