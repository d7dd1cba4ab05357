"""Every comment visibility, every channel, each side.

A comment is written by the payee's or the payer's owner, shared or internal, and mentions a
member of the author's business and one of the other business. Each side's people then look
through every channel a comment could reach them by: the API's list and the comment by ID, the
payable's page, their in-app notifications, their e-mails, the event feed (what webhooks
deliver), the timeline, and the CSV exports. A shared comment is read on both sides, an internal
one only on the author's; a mention notifies (in the app and by e-mail) only the author's own
team; no channel but the conversation carries a comment at all.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from payables.models import PayableStatus
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db

SIDES = ("payee", "payer")


def business(parties, side):
    return getattr(parties, side)


def author_of(parties, side):
    return getattr(parties, f"{side}_owner")


def reader_of(parties, side):
    """A person of that side who is neither the author nor mentioned."""
    return getattr(parties, f"{side}_viewer")


def mentioned_of(parties, side):
    return parties.payee_accountant if side == "payee" else parties.payer_approver


def other(side):
    return "payer" if side == "payee" else "payee"


@pytest.fixture
def written(parties, request, commit):
    author_side, visibility = request.param
    payable = make_payable(parties, PayableStatus.SUBMITTED, invoice_number="INV-MX")
    marker = f"Marker-{author_side}-{visibility}-7f3a"
    body = (
        f"{marker} @{mentioned_of(parties, author_side).email} "
        f"@{mentioned_of(parties, other(author_side)).email}"
    )
    mail.outbox.clear()
    with commit():
        response = parties.client(author_of(parties, author_side)).post(
            f"/api/payables/{payable.id}/comments",
            {"body": body, "visibility": visibility},
            format="json",
        )
    assert response.status_code == 201, response.content
    return {
        "payable": payable,
        "author_side": author_side,
        "visibility": visibility,
        "marker": marker,
        "id": response.json()["id"],
    }


CASES = [(side, visibility) for side in SIDES for visibility in ("shared", "internal")]


def may_read(written, reader_side) -> bool:
    return written["visibility"] == "shared" or reader_side == written["author_side"]


def _everything_said_to(parties, user, side, payable) -> str:
    """What ``user`` can read outside the conversation: notifications, the event feed, the
    timeline and the CSV exports."""
    client = parties.client(user)
    biz = business(parties, side).id
    parts = [
        client.get("/api/notifications").content,
        client.get(f"/api/businesses/{biz}/events").content,
        client.get(f"/api/payables/{payable.id}/events").content,
        b"".join(client.get(f"/api/businesses/{biz}/payables/export-csv").streaming_content),
        b"".join(client.get("/api/connections/export-csv").streaming_content),
    ]
    return b"\n".join(parts).decode()


@pytest.mark.parametrize("written", CASES, indirect=True, ids=["-".join(c) for c in CASES])
@pytest.mark.parametrize("reader_side", SIDES)
def test_the_api_list_and_the_comment_by_id(parties, written, reader_side):
    client = parties.client(reader_of(parties, reader_side))

    listed = client.get(f"/api/payables/{written['payable'].id}/comments").json()["results"]
    by_id = client.get(f"/api/comments/{written['id']}")

    if may_read(written, reader_side):
        assert [c["id"] for c in listed] == [written["id"]]
        assert by_id.status_code == 200
    else:
        assert listed == []
        assert by_id.status_code == 404
        assert written["marker"] not in by_id.content.decode()


@pytest.mark.parametrize("written", CASES, indirect=True, ids=["-".join(c) for c in CASES])
@pytest.mark.parametrize("reader_side", SIDES)
def test_the_payables_page(parties, written, reader_side):
    page = Client()
    page.force_login(reader_of(parties, reader_side))

    html = page.get(
        reverse("payable-detail", args=[business(parties, reader_side).id, written["payable"].id])
    ).content.decode()

    assert "Conversation" in html
    assert (written["marker"] in html) == may_read(written, reader_side)
    assert (written["id"] in html) == may_read(written, reader_side)


@pytest.mark.parametrize("written", CASES, indirect=True, ids=["-".join(c) for c in CASES])
@pytest.mark.parametrize("reader_side", SIDES)
def test_notifications_and_e_mails_reach_only_the_authors_mentioned_member(
    parties, written, reader_side
):
    mentioned = mentioned_of(parties, reader_side)
    own_side = reader_side == written["author_side"]

    notifications = parties.client(mentioned).get("/api/notifications").json()["results"]
    emails = [m for m in mail.outbox if mentioned.email in m.to]

    if own_side:
        [notification] = notifications
        assert notification["type"] == "comment_mentioned"
        assert written["marker"] in notification["message"]
        [email] = emails
        assert written["marker"] in email.body
    else:
        assert notifications == []
        assert emails == []
    assert {to for m in mail.outbox for to in m.to} == {
        mentioned_of(parties, written["author_side"]).email
    }


@pytest.mark.parametrize("written", CASES, indirect=True, ids=["-".join(c) for c in CASES])
@pytest.mark.parametrize("reader_side", SIDES)
def test_the_event_feed_timeline_and_exports_never_carry_a_comment(parties, written, reader_side):
    for user in (reader_of(parties, reader_side), getattr(parties, f"{reader_side}_owner")):
        said = _everything_said_to(parties, user, reader_side, written["payable"])
        assert written["id"] not in said
        assert written["marker"] not in said
