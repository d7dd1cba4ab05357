"""Idempotency-Key on POST: replay, conflict, and one object under concurrency (docs/api/conventions.md)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Business
from accounts.services import token_create
from cleopay.core.models import IdempotencyKey
from tests import factories

pytestmark = pytest.mark.django_db


def create(client, name, key, **extra):
    return client.post(
        "/api/businesses", {"name": name}, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra
    )


def test_retry_with_the_same_key_and_body_replays_the_first_response(api, owner):
    client = api(owner)
    first = create(client, "Retry Co", "key-1")
    again = create(client, "Retry Co", "key-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Business.objects.filter(name="Retry Co").count() == 1


def test_json_whitespace_and_key_order_do_not_change_the_request(api, owner):
    client = api(owner)
    create(client, "Same Co", "key-ws")
    response = client.post(
        "/api/businesses",
        data=b'{ "name" :  "Same Co" }',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="key-ws",
    )
    assert response.status_code == 201
    assert Business.objects.filter(name="Same Co").count() == 1


def test_same_key_with_another_body_is_409(api, owner):
    client = api(owner)
    create(client, "First Co", "key-2")

    response = create(client, "Second Co", "key-2")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Business.objects.filter(name="Second Co").exists()


def test_keys_belong_to_their_user(api, owner):
    stranger = factories.UserFactory()
    create(api(owner), "Mine", "shared-key")

    response = create(api(stranger), "Mine", "shared-key")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Business.objects.filter(name="Mine").count() == 2


def test_a_refused_request_keeps_nothing_and_can_be_retried(api, owner):
    client = api(owner)
    bad = client.post("/api/businesses", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="key-3")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()

    good = client.post("/api/businesses", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="key-3")
    assert good.status_code == 400  # the same request is refused the same way, not replayed
    assert "Idempotent-Replayed" not in good


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\tkey", "é"])
def test_malformed_keys_are_400(api, owner, key):
    response = api(owner).post(
        "/api/businesses",
        {"name": "K"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Business.objects.filter(name="K").exists()


def test_keys_expire_after_the_ttl(api, owner, settings):
    client = api(owner)
    create(client, "Old Co", "key-4")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - settings.IDEMPOTENCY_KEY_TTL - timedelta(minutes=1)
    )

    response = create(client, "Old Co", "key-4")

    assert "Idempotent-Replayed" not in response
    assert Business.objects.filter(name="Old Co").count() == 2


def test_purge_task_forgets_only_expired_keys(api, owner, settings):
    from cleopay.tasks import purge_idempotency_keys

    client = api(owner)
    create(client, "A", "old")
    create(client, "B", "fresh")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - settings.IDEMPOTENCY_KEY_TTL - timedelta(minutes=1)
    )

    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_object():
    from rest_framework.test import APIClient

    user = factories.UserFactory()
    token = token_create(user=user)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    responses = []

    def attempt():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        barrier.wait()
        try:
            responses.append(create(client, "Concurrent Co", "same-key"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Business.objects.filter(name="Concurrent Co").count() == 1
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert sum(1 for r in responses if "Idempotent-Replayed" not in r) == 1
