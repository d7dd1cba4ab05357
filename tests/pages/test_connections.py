"""Connections pages: the list, invitations, accept, alias, tags, net terms, archive, CSV."""

import pytest
from django.urls import reverse

from connections.models import Connection, ConnectionStatus
from tests import factories
from tests.pages.conftest import text

pytestmark = pytest.mark.django_db


def list_url(business):
    return reverse("connections", args=[business.id])


def test_the_list_shows_each_connection_from_this_sides_view(world):
    tag = factories.tag_on(world.connection, world.payer, name="Vendors")
    factories.tag_on(world.connection, world.payee, name="Their own tag")
    world.connection.payer_alias = "Globex (IT)"
    world.connection.save()

    page = text(world.client(world.payer_viewer).get(list_url(world.payer)))

    assert "Globex" in page and "Globex (IT)" in page
    assert "We pay" in page and "Net 30" in page and "Active" in page
    assert tag.name in page
    assert "Their own tag" not in page
    assert "Invite a business" not in page  # a viewer invites no one


def test_a_long_list_comes_in_pages_of_fifty_newest_first_filters_kept(world):
    vendors = factories.BusinessFactory.create_batch(54)
    for vendor in vendors:  # world.connection is the oldest; 55 active in all
        factories.ConnectionFactory(payer=world.payer, payee=vendor)
    client = world.client(world.payer_viewer)
    url = list_url(world.payer) + "?status=active"

    first = text(client.get(url))
    second = text(client.get(url + "&offset=50"))

    newest_first = [v.name for v in reversed(vendors)] + ["Globex"]
    assert first.count('class="row-title"') == 50 and second.count('class="row-title"') == 5
    assert newest_first[0] in first and newest_first[49] in first and "Globex" not in first
    assert all(name in second for name in newest_first[50:]) and newest_first[0] not in second
    assert "?status=active&amp;offset=50" in first and "Newer" not in first
    assert "?status=active&amp;offset=0" in second and "Older" not in second
    # The export is the whole filtered list, whatever page is shown.
    export = reverse("connections-export", args=[world.payer.id])
    assert f'href="{export}?status=active"' in second


def test_invite_by_email_then_the_invited_business_accepts(world):
    other, other_owner = factories.business_with_owner("Initech")
    client = world.client(world.payer_admin)

    response = client.post(
        list_url(world.payer),
        {"counterparty": other_owner.email, "myRole": "payer", "netTerms": "45", "alias": ""},
    )

    connection = Connection.objects.get(payee=other)
    assert response["Location"] == reverse(
        "connection-detail", args=[world.payer.id, connection.id]
    )
    assert connection.status == ConnectionStatus.PENDING and connection.net_terms == 45

    invited = world.client(other_owner)
    page = text(invited.get(list_url(other)))
    accept = reverse("connection-accept", args=[other.id, connection.id])
    assert accept in page
    invited.post(accept)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


def test_invite_errors_are_shown_beside_the_fields(world):
    client = world.client(world.payer_owner)

    bad = client.post(
        list_url(world.payer),
        {"counterparty": "not-an-email", "myRole": "payer", "netTerms": "400"},
    )
    self_invite = client.post(
        list_url(world.payer), {"counterparty": world.payer.id, "myRole": "payer"}
    )

    assert bad.status_code == 400
    page = text(bad)
    assert 'id="f-counterparty-error">Enter a valid email address.' in page
    assert 'id="f-netTerms-error">Ensure this value is less than or equal to 365.' in page
    assert "A business cannot connect to itself." in text(self_invite)
    assert Connection.objects.count() == 1


def test_alias_tags_and_net_terms_are_edited(world):
    tag = factories.TagFactory(business=world.payee, name="Key account")
    detail = reverse("connection-detail", args=[world.payee.id, world.connection.id])
    client = world.client(world.payee_owner)

    response = client.post(detail, {"alias": "Acme HQ", "tagIds": [tag.id], "netTerms": "15"})

    assert response.status_code == 302

    world.connection.refresh_from_db()
    assert world.connection.payee_alias == "Acme HQ"
    assert world.connection.net_terms == 15
    assert list(world.connection.tags.values_list("name", flat=True)) == ["Key account"]
    page = text(client.get(detail))
    assert "Acme HQ" in page and "Net 15" in page


def test_settings_errors_stay_on_the_page(world):
    detail = reverse("connection-detail", args=[world.payer.id, world.connection.id])

    tag = factories.TagFactory(business=world.payer, name="Hosting")
    body = {"alias": "Globex Hosting", "tagIds": [tag.id], "netTerms": "-3", "autoApprove": "on"}

    response = world.client(world.payer_owner).post(detail, body)

    assert response.status_code == 400
    page = text(response)
    assert 'id="f-netTerms-error"' in page
    # Nothing is saved, and nothing typed is lost: the alias, the tag and the box are kept.
    assert 'value="Globex Hosting"' in page and 'value="-3"' in page
    assert f'value="{tag.id}" checked' in page
    assert 'name="autoApprove" checked' in page
    world.connection.refresh_from_db()
    assert world.connection.payer_alias == "" and not world.connection.auto_approve


def test_an_accountant_edits_the_alias_but_not_the_settings(world):
    detail = reverse("connection-detail", args=[world.payer.id, world.connection.id])
    client = world.client(world.payer_accountant)

    # The accountant's form has the settings disabled; posted anyway, they are left alone.
    assert client.post(detail, {"alias": "Globex", "netTerms": "5"}).status_code == 302
    world.connection.refresh_from_db()
    assert world.connection.payer_alias == "Globex" and world.connection.net_terms != 5
    assert 'name="netTerms" value="' in text(client.get(detail))
    assert "disabled" in text(client.get(detail)).split('name="netTerms"')[1][:200]
    assert client.post(detail + "/archive").status_code == 403


def test_archive_is_confirmed_then_done(world):
    archive = reverse("connection-archive", args=[world.payer.id, world.connection.id])
    client = world.client(world.payer_owner)

    confirm = client.get(archive, HTTP_HX_REQUEST="true")
    assert "Archive the connection with Globex?" in text(confirm)

    client.post(archive)
    world.connection.refresh_from_db()
    assert world.connection.status == ConnectionStatus.ARCHIVED


def test_csv_export_of_this_business(world):
    factories.ConnectionFactory(payee=world.payee)  # another business's view of Globex
    response = world.client(world.payer_owner).get(
        reverse("connections-export", args=[world.payer.id])
    )

    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    rows = body.strip().splitlines()
    assert rows[0].startswith("id,business,connected_business,role")
    assert len(rows) == 2
    assert world.connection.id in rows[1] and ",payer," in rows[1]


def test_connections_of_other_businesses_are_not_found(world):
    stranger = factories.ConnectionFactory()
    client = world.client(world.payer_owner)

    assert (
        client.get(reverse("connection-detail", args=[world.payer.id, stranger.id])).status_code
        == 404
    )
    assert (
        client.get(reverse("connection-detail", args=[world.payer.id, "conn_nope"])).status_code
        == 404
    )
    assert (
        client.post(reverse("connection-archive", args=[world.payer.id, stranger.id])).status_code
        == 404
    )
