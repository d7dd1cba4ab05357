"""The payables list's GET, served as a plain Django view, answers byte for byte what the DRF
view answers: bodies, statuses, headers, errors, links, authentication and rate limits."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from knox.models import AuthToken

from accounts import services as account_services
from cleopay.core import sqlcache
from payables import apis
from payables.models import PayableStatus
from tests import factories

pytestmark = pytest.mark.django_db


class DrfPayableListApi(apis.PayableListApi):
    """The same endpoint through DRF's whole dispatch, every query built by the ORM."""

    serves_plain_get = False
    compiles_first_page = False


# The DRF-only routes: the list through DRF's dispatch, the rest as the product serves it.
urlpatterns = [
    path("api/businesses/<str:business_id>/payables", DrfPayableListApi.as_view()),
    path("", include("cleopay.urls")),
]

# The header that differs between any two requests (an error's body repeats it).
PER_REQUEST = "X-Request-ID"


def _answer(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k != PER_REQUEST}
    body = response.content.replace(response[PER_REQUEST].encode(), b"<request id>")
    return response.status_code, headers, body


def _both(client_of, url: str, settings) -> tuple:
    """The answer of the product's route, then of the DRF one (each with a fresh client)."""
    plain = _answer(client_of().get(url))
    settings.ROOT_URLCONF = __name__
    try:
        drf = _answer(client_of().get(url))
    finally:
        settings.ROOT_URLCONF = "cleopay.urls"
    return plain, drf


def _bearer(token: str):
    return lambda: Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def world(parties):
    factories.TagFactory(business=parties.payer, name="ops")
    for k in range(5):
        factories.PayableFactory(
            connection=parties.connection,
            status=[PayableStatus.SUBMITTED, PayableStatus.APPROVED][k % 2],
            amount=Decimal("100.00") + k,
            memo=f"March {k}",
            due_date=datetime.date(2026, 5, 10 + k),
        )
    factories.PayableFactory(connection=parties.connection, status=PayableStatus.DRAFT)
    sqlcache.clear()
    return parties


QUERIES = [
    "direction=incoming&status=SUBMITTED&limit=2",
    "direction=incoming&status=SUBMITTED&limit=2",  # a second time: the compiled statement
    "direction=incoming&status=submitted,APPROVED&limit=2",
    "direction=incoming&status=SUBMITTED&status=APPROVED",
    "direction=incoming",
    "direction=outgoing&limit=1",
    "direction=outgoing&limit=500",
    "direction=incoming&status=",
    "direction=incoming&limit=",
    "direction=incoming&status=PAID",
    "direction=incoming&status=BOGUS",
    "direction=sideways",
    "direction=incoming&limit=0",
    "direction=incoming&limit=abc",
    "direction=incoming&offset=1&limit=2",
    "direction=incoming&cursor=nonsense",
    "",
    "limit=2",
    "direction=incoming&search=march&limit=2",
    "direction=incoming&awaitingMyApproval=true",
    "direction=incoming&tag=ops",
    "direction=incoming&amountMin=101&amountMax=abc",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_query_answers_as_the_drf_view_does(world, query, settings):
    token = account_services.token_create(user=world.payer_approver)
    url = f"/api/businesses/{world.payer.id}/payables?{query}"

    plain, drf = _both(_bearer(token), url, settings)

    assert plain == drf
    assert plain[0] in (200, 400)


def test_next_and_previous_links_lead_to_the_same_pages(world, settings):
    token = account_services.token_create(user=world.payee_owner)
    client = _bearer(token)()
    first = client.get(f"/api/businesses/{world.payee.id}/payables?direction=outgoing&limit=2")
    assert first.status_code == 200
    following = first.json()["next"]
    assert following and "cursor=" in following

    plain, drf = _both(_bearer(token), following, settings)
    assert plain == drf
    assert len(plain[2]) > 0


def test_a_session_is_answered_as_by_the_drf_view(world, settings):
    def logged_in():
        client = Client()
        client.force_login(world.payer_owner)
        return client

    url = f"/api/businesses/{world.payer.id}/payables?direction=incoming&limit=3"
    plain, drf = _both(logged_in, url, settings)

    assert plain == drf
    assert plain[0] == 200
    assert "Cookie" in plain[1].get("Vary", "")


@pytest.mark.parametrize(
    "who", ["nobody", "bad-token", "outsider", "unknown-business", "payee-sees-drafts"]
)
def test_refusals_are_answered_as_by_the_drf_view(world, who, settings):
    business = world.payer.id
    if who == "nobody":
        client_of = Client
    elif who == "bad-token":
        client_of = _bearer("cleo_not-a-token-at-all")
    elif who == "outsider":
        client_of = _bearer(account_services.token_create(user=world.outsider))
    elif who == "unknown-business":
        client_of = _bearer(account_services.token_create(user=world.payer_owner))
        business = "biz_doesnotexist00000000000"
    else:
        client_of = _bearer(account_services.token_create(user=world.payee_viewer))
        business = world.payee.id
    url = f"/api/businesses/{business}/payables?direction=outgoing&limit=2"

    plain, drf = _both(client_of, url, settings)

    assert plain == drf
    expected = {"nobody": 401, "bad-token": 401, "outsider": 404, "unknown-business": 404}
    assert plain[0] == expected.get(who, 200)


def test_an_expired_token_is_refused_and_dropped_alike(world, settings):
    tokens = [account_services.token_create(user=world.payer_owner) for _ in range(2)]
    AuthToken.objects.filter(user=world.payer_owner).update(
        expiry=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = f"/api/businesses/{world.payer.id}/payables?direction=incoming"

    plain = _answer(_bearer(tokens[0])().get(url))
    settings.ROOT_URLCONF = __name__
    drf = _answer(_bearer(tokens[1])().get(url))

    assert plain == drf
    assert plain[0] == 401
    assert b"Token expired." in plain[2]
    assert not AuthToken.objects.filter(user=world.payer_owner).exists()


def test_the_rate_limit_counts_and_refuses_alike(world, settings):
    settings.THROTTLE_RATE_USER = "2/min"
    url = f"/api/businesses/{world.payer.id}/payables?direction=incoming&limit=1"
    plain_client = _bearer(account_services.token_create(user=world.payer_owner))()
    drf_client = _bearer(account_services.token_create(user=world.payer_owner))()

    plain = [_answer(plain_client.get(url)) for _ in range(3)]
    settings.ROOT_URLCONF = __name__
    drf = [_answer(drf_client.get(url)) for _ in range(3)]

    assert [answer[0] for answer in plain] == [200, 200, 429]
    assert [answer[0] for answer in drf] == [200, 200, 429]
    # The window's remaining seconds may tick between the two; the rest is the same.
    for answer in (plain[2], drf[2]):
        assert 1 <= int(answer[1].pop("Retry-After")) <= 60
    assert plain == drf


def test_other_methods_still_go_through_drf(world):
    token = account_services.token_create(user=world.payee_accountant)
    client = _bearer(token)()
    url = f"/api/businesses/{world.payee.id}/payables"

    refused = client.post(url, "{}", content_type="application/json")
    options = client.options(url)

    assert refused.status_code == 400
    assert refused.json()["type"] == "validation_error"
    assert options.status_code == 200


def test_a_repeated_first_page_shows_what_changed_since(world):
    client = _bearer(account_services.token_create(user=world.payer_owner))()
    url = f"/api/businesses/{world.payer.id}/payables?direction=incoming&status=SUBMITTED"
    before = [row["id"] for row in client.get(url).json()["results"]]

    made = factories.PayableFactory(connection=world.connection, status=PayableStatus.SUBMITTED)
    after = [row["id"] for row in client.get(url).json()["results"]]

    assert after == [made.id, *before]
