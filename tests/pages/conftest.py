"""Fixtures of the page tests: two connected businesses, their people, logged-in clients."""

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def world(db):
    """Two connected businesses and their people (``factories.payee_and_payer``);
    ``world.client(user)`` is a Django test client logged in as ``user``."""
    people = factories.payee_and_payer()

    def client(user) -> Client:
        logged_in = Client()
        logged_in.force_login(user)
        return logged_in

    people.client = client
    return people


def text(response) -> str:
    return response.content.decode()
