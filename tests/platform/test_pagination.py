"""limit/offset pagination without a count, with keyset links (docs/api/conventions.md)."""

import pytest

from accounts.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_of_many(owner):
    for index in range(7):
        business = factories.BusinessFactory(name=f"Company {index:02d}")
        Membership.objects.create(business=business, user=owner, role="viewer")
    return owner


def names(page):
    return [row["name"] for row in page["results"]]


def test_default_page_has_the_contract_shape(api, member_of_many):
    body = api(member_of_many).get("/api/businesses").json()
    assert set(body) == {"results", "next", "previous"}
    assert len(body["results"]) == 8
    assert body["next"] is None and body["previous"] is None


def test_following_next_walks_every_row_once(api, member_of_many):
    client = api(member_of_many)
    seen = []
    page = client.get("/api/businesses?limit=3").json()
    assert page["previous"] is None
    while True:
        seen.extend(names(page))
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 8


def test_previous_link_goes_back(api, member_of_many):
    client = api(member_of_many)
    first = client.get("/api/businesses?limit=3").json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert names(back) == names(first)
    assert back["previous"] is None


def test_offset(api, member_of_many):
    client = api(member_of_many)
    everything = names(client.get("/api/businesses?limit=200").json())
    page = client.get("/api/businesses?limit=2&offset=3").json()
    assert names(page) == everything[3:5]
    assert names(client.get(page["previous"]).json()) == everything[1:3]
    assert names(client.get(page["next"]).json()) == everything[5:7]


def test_limit_is_capped_at_200(api, owner):
    for _ in range(205):
        Membership.objects.create(business=factories.BusinessFactory(), user=owner, role="viewer")
    page = api(owner).get("/api/businesses?limit=1000").json()
    assert len(page["results"]) == 200
    assert "limit=200" in page["next"]


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=-1", "limit=ten", "offset=-5", "offset=1.5", "cursor=%%%", "cursor=bm9wZQ"],
)
def test_bad_paging_parameters_are_400(api, owner, query):
    response = api(owner).get(f"/api/businesses?{query}")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_a_page_never_counts_the_table(api, member_of_many, django_assert_num_queries):
    client = api(member_of_many)
    # token, roles are not needed here: token lookup and the page itself.
    with django_assert_num_queries(2) as context:
        client.get("/api/businesses?limit=3")
    assert not any("COUNT(" in query["sql"].upper() for query in context.captured_queries)
