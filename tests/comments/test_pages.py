"""The conversation on a payable's page: posting (internal by default), editing with the
earlier text shown, deleting, viewers reading only, and a query count that does not grow with
the number of comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment
from payables.models import PayableStatus as S
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(world):
    return make_payable(world, S.SUBMITTED, invoice_number="INV-P1")


def detail(world, user, business, bill) -> str:
    response = world.client(user).get(reverse("payable-detail", args=[business.id, bill.id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_defaults_to_internal_and_names_the_other_side(world, bill):
    html = detail(world, world.payer_approver, world.payer, bill)

    assert 'name="visibility" value="internal" checked' in html
    assert "Shared with Globex" in html


def test_posting_from_the_page(world, bill):
    client = world.client(world.payer_approver)

    response = client.post(
        reverse("comment-post", args=[world.payer.id, bill.id]),
        {"body": "Matches PO 7781.", "visibility": "internal"},
        follow=True,
    )

    assert response.status_code == 200
    comment = Comment.objects.get()
    assert (comment.author, comment.business, comment.visibility) == (
        world.payer_approver,
        world.payer,
        "internal",
    )
    html = response.content.decode()
    assert "Comment posted." in html and "Matches PO 7781." in html and "Internal" in html
    assert "Matches PO 7781." not in detail(world, world.payee_owner, world.payee, bill)


def test_an_empty_comment_is_refused_with_a_message(world, bill):
    response = world.client(world.payer_owner).post(
        reverse("comment-post", args=[world.payer.id, bill.id]),
        {"body": " ", "visibility": "shared"},
        follow=True,
    )

    assert "Write something." in response.content.decode()
    assert not Comment.objects.exists()


def test_viewers_read_the_conversation_without_a_form(world, bill):
    services.comment_create(
        payable_id=bill.id,
        actor=world.payer_owner,
        body="Hold until Friday.",
        visibility="internal",
    )

    html = detail(world, world.payer_viewer, world.payer, bill)
    refused = world.client(world.payer_viewer).post(
        reverse("comment-post", args=[world.payer.id, bill.id]),
        {"body": "Me too", "visibility": "internal"},
    )

    assert "Hold until Friday." in html
    assert 'aria-label="New comment"' not in html
    assert refused.status_code == 403


def test_an_edit_shows_the_earlier_text_and_a_delete_leaves_a_tombstone(world, bill):
    comment = services.comment_create(
        payable_id=bill.id, actor=world.payee_owner, body="Net 30 applies.", visibility="shared"
    )
    author = world.client(world.payee_owner)

    author.post(reverse("comment-edit", args=[world.payee.id, comment.id]), {"body": "Net 45."})
    payer_view = detail(world, world.payer_owner, world.payer, bill)

    assert "Net 45." in payer_view and "Earlier versions (1)" in payer_view
    assert "Net 30 applies." in payer_view
    assert "Edit or delete" not in payer_view  # not the payer's comment

    author.post(reverse("comment-delete", args=[world.payee.id, comment.id]))
    after = detail(world, world.payer_owner, world.payer, bill)
    assert "Comment deleted" in after and "Net 45." not in after and "Net 30" not in after


def test_the_detail_page_costs_the_same_for_1_and_12_comments(world, bill):
    client = world.client(world.payer_approver)
    url = reverse("payable-detail", args=[world.payer.id, bill.id])
    first = services.comment_create(
        payable_id=bill.id, actor=world.payer_owner, body="One", visibility="internal"
    )
    services.comment_edit(comment_id=first.id, actor=world.payer_owner, body="One, edited")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for n in range(11):
        author, visibility = (
            (world.payee_owner, "shared") if n % 2 else (world.payer_approver, "internal")
        )
        made = services.comment_create(
            payable_id=bill.id, actor=author, body=f"Comment {n}", visibility=visibility
        )
        services.comment_edit(comment_id=made.id, actor=author, body=f"Comment {n}, edited")
    with CaptureQueriesContext(connection) as twelve:
        html = client.get(url).content.decode()

    assert html.count('data-testid="comment"') == 12
    assert len(twelve.captured_queries) == len(one.captured_queries)
