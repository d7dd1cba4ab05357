"""Fixtures of the page tests: two connected businesses, their people, logged-in clients."""

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def world(db):
    """Acme pays Globex, a person in each role (``factories.acme_pays_globex``);
    ``world.client(user)`` is a Django test client logged in as ``user``."""
    people = factories.acme_pays_globex()

    def client(user) -> Client:
        logged_in = Client()
        logged_in.force_login(user)
        return logged_in

    people.client = client
    return people


def text(response) -> str:
    return response.content.decode()
