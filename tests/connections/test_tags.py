"""A business's tags: list, create, rename, delete; names unique within the business."""

import pytest

from connections.models import ConnectionEvent, ConnectionTag, Tag
from tests import factories


def test_create_and_list(api, acme):
    client = api(acme.owner)
    response = client.post(
        f"/api/businesses/{acme.pk}/tags", {"name": "  Suppliers "}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("tag_")
    assert body["name"] == "Suppliers"
    assert body["createdAt"].endswith("Z")
    client.post(f"/api/businesses/{acme.pk}/tags", {"name": "IT"}, format="json")
    factories.TagFactory(name="Elsewhere")  # another business's

    listed = client.get(f"/api/businesses/{acme.pk}/tags").json()
    assert [t["name"] for t in listed["results"]] == ["IT", "Suppliers"]
    assert set(listed["results"][0]) == {"id", "name", "createdAt"}
    assert client.get(f"/api/tags/{body['id']}").json() == body


def test_names_are_unique_within_a_business_whatever_the_case(api, acme, globex):
    client = api(acme.owner)
    first = client.post(f"/api/businesses/{acme.pk}/tags", {"name": "Suppliers"}, format="json")
    again = client.post(f"/api/businesses/{acme.pk}/tags", {"name": "SUPPLIERS"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert again.json()["tagId"] == first.json()["id"]
    # Another business may use the same name.
    other = api(globex.owner).post(
        f"/api/businesses/{globex.pk}/tags", {"name": "Suppliers"}, format="json"
    )
    assert other.status_code == 201


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": "   "}, {"name": 7}, {"name": "x" * 101}]
)
def test_invalid_names_are_a_400(api, acme, body):
    response = api(acme.owner).post(f"/api/businesses/{acme.pk}/tags", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


def test_rename(api, acme):
    tag = factories.TagFactory(business=acme, name="Old")
    factories.TagFactory(business=acme, name="Taken")
    client = api(acme.owner)
    response = client.patch(f"/api/tags/{tag.pk}", {"name": "New"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "New"
    clash = client.patch(f"/api/tags/{tag.pk}", {"name": "taken"}, format="json")
    assert clash.status_code == 409
    tag.refresh_from_db()
    assert tag.name == "New"
    # Changing only the case of its own name is fine.
    assert client.patch(f"/api/tags/{tag.pk}", {"name": "NEW"}, format="json").status_code == 200


def test_delete_removes_it_from_connections_and_records_it(api, connection, acme, globex):
    tag = factories.tag_on(connection, acme, "Gone")
    kept = factories.tag_on(connection, acme, "Kept")
    theirs = factories.tag_on(connection, globex, "Theirs")
    response = api(acme.owner).delete(f"/api/tags/{tag.pk}")
    assert response.status_code == 204
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert set(ConnectionTag.objects.values_list("tag_id", flat=True)) == {kept.pk, theirs.pk}
    event = ConnectionEvent.objects.get(connection=connection, type="tags_changed")
    assert (event.actor, event.business_id) == (acme.owner, acme.pk)
    assert event.changes == {"tagIds": [sorted([tag.pk, kept.pk]), [kept.pk]]}
    assert api(acme.owner).get(f"/api/tags/{tag.pk}").status_code == 404


def test_unknown_tag_is_a_404(api, acme):
    assert (
        api(acme.owner).patch("/api/tags/tag_001", {"name": "x"}, format="json").status_code == 404
    )
    assert api(acme.owner).delete("/api/tags/tag_001").status_code == 404


def test_a_tag_a_workflow_names_cannot_be_deleted_and_the_answer_names_it(api, client, acme):
    tag = factories.TagFactory(business=acme, name="Hardware")
    factories.approval_workflow(
        acme, name="Hardware over 5k", steps=[{"roles": ["admin"]}], tags=[tag]
    )
    response = api(acme.owner).delete(f"/api/tags/{tag.pk}")
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "conflict" and body["code"] == "in_use"
    assert "“Hardware over 5k”" in body["message"]
    assert Tag.objects.filter(pk=tag.pk).exists()

    # The settings page says so too, and keeps the tag.
    client.force_login(acme.owner)
    page = client.post(f"/b/{acme.pk}/settings/tags/{tag.pk}/delete")
    assert page.status_code == 409
    assert "Hardware over 5k" in page.content.decode()
    assert Tag.objects.filter(pk=tag.pk).exists()
