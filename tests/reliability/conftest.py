"""Fixtures of the reliability tests: the world of tests/reliability/world.py and its clients."""

import pytest

from tests.reliability.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_of(api, world):
    """``client_of("payer.approver")``: an API client of that principal (one token each)."""
    clients = {}

    def get(principal: str):
        if principal not in clients:
            clients[principal] = api(world.user(principal))
        return clients[principal]

    return get


@pytest.fixture
def clients(world):
    """An API client per principal of the matrix (each user also holds a second token)."""
    from rest_framework.test import APIClient

    from accounts.services import token_create
    from tests.reliability.world import PRINCIPALS

    out = {}
    for principal in PRINCIPALS:
        user = world.user(principal)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
        token_create(user=user)  # a second token, for the token routes
        out[principal] = api
    return out
