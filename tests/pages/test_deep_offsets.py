"""Any ``offset`` a client sends is a page (empty if past the end) or a 400, never a 500."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

HUGE = [str(2**63 - 1), str(2**63), str(2**64 + 5), "9" * 40]


@pytest.fixture
def member_client(client):
    membership = factories.MembershipFactory(role="owner")
    client.force_login(membership.user)
    return client, membership.business_id


@pytest.mark.parametrize("offset", HUGE)
@pytest.mark.parametrize("page", ["inbox", "invoices", "connections", "notifications"])
def test_page_lists_answer_any_offset(member_client, page, offset):
    client, business_id = member_client
    response = client.get(f"/b/{business_id}/{page}?offset={offset}")
    assert response.status_code == 200


@pytest.mark.parametrize("offset", HUGE)
@pytest.mark.parametrize(
    "path",
    ["/api/businesses", "/api/businesses/{b}/payables", "/api/businesses/{b}/connections"],
)
def test_api_lists_answer_any_offset_with_a_page_or_a_400(api, owner, path, offset):
    response = api(owner).get(path.format(b=owner.business.id) + f"?offset={offset}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert response.json()["errors"][0]["field"] == "offset"
