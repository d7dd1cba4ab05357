"""The list costs the same number of queries for 1 connection as for 30."""

import pytest

from accounts.models import Business, Membership, Role
from connections.models import Connection, ConnectionTag
from tests import factories


def _connections(acme: Business, count: int) -> None:
    """``count`` connections with a tag on each side, half with Acme as payer, half as payee."""
    others = Business.objects.bulk_create([Business(name=f"Other {i}") for i in range(count)])
    made = Connection.objects.bulk_create(
        [
            Connection(
                payer=acme if i % 2 == 0 else other,
                payee=other if i % 2 == 0 else acme,
                invited_by_business=acme,
                status="active",
            )
            for i, other in enumerate(others)
        ]
    )
    mine = factories.TagFactory(business=acme)
    links = [ConnectionTag(connection=c, tag=mine) for c in made]
    for connection, other in zip(made, others, strict=True):
        links.append(ConnectionTag(connection=connection, tag=factories.TagFactory(business=other)))
    ConnectionTag.objects.bulk_create(links)


@pytest.mark.parametrize("count", [1, 30])
def test_list_runs_a_constant_number_of_queries(api, acme, count, django_assert_num_queries):
    # A second business of the caller's widens the scope without adding queries.
    Membership.objects.create(
        business=factories.BusinessFactory(), user=acme.owner, role=Role.VIEWER
    )
    _connections(acme, count)
    client = api(acme.owner)
    # The token with its user and roles, one page of connections with both businesses, their tags.
    with django_assert_num_queries(3):
        response = client.get("/api/connections?limit=200")
    rows = response.json()["results"]
    assert len(rows) == count
    assert all(len(row["tags"]) == 1 for row in rows)


@pytest.mark.parametrize("count", [1, 30])
def test_filtered_list_runs_a_constant_number_of_queries(
    api, acme, count, django_assert_num_queries
):
    _connections(acme, count)
    tag = acme.tags.get()
    client = api(acme.owner)
    with django_assert_num_queries(3):
        response = client.get(
            "/api/connections", {"status": "active", "tag": tag.pk, "search": "other"}
        )
    assert len(response.json()["results"]) == min(count, 20)
