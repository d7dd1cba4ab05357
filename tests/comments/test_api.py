"""Comments over the API: who may write, what each side reads, edits that keep their history,
tombstones, and mentions that notify only the author's own team."""

import pytest

from comments.models import Comment
from notifications.models import Notification, NotificationType
from payables.models import PayableStatus
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


def url(payable) -> str:
    return f"/api/payables/{payable.id}/comments"


def post(parties, user, payable, body="Hello", visibility="shared", **extra):
    return parties.client(user).post(
        url(payable), {"body": body, "visibility": visibility, **extra}, format="json"
    )


def bodies(parties, user, payable) -> list[str]:
    response = parties.client(user).get(url(payable))
    assert response.status_code == 200, response.content
    return [c["body"] for c in response.json()["results"]]


@pytest.fixture
def bill(parties):
    return make_payable(parties, PayableStatus.SUBMITTED, invoice_number="INV-7")


def test_a_comment_is_created_with_its_author_side_and_visibility(parties, bill):
    response = post(parties, parties.payer_approver, bill, "Is the PO attached?", "shared")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("cmt_")
    assert body["payableId"] == bill.id
    assert body["businessId"] == parties.payer.id
    assert body["author"] == {"id": parties.payer_approver.id, "email": "approver@acme.test"}
    assert body["visibility"] == "shared"
    assert body["body"] == "Is the PO attached?"
    assert body["editedAt"] is None and body["deletedAt"] is None and body["versions"] == []


def test_shared_comments_reach_both_sides_internal_ones_only_their_own(parties, bill):
    post(parties, parties.payer_owner, bill, "payer shared", "shared")
    post(parties, parties.payer_owner, bill, "payer internal", "internal")
    post(parties, parties.payee_owner, bill, "payee shared", "shared")
    post(parties, parties.payee_owner, bill, "payee internal", "internal")

    assert bodies(parties, parties.payer_viewer, bill) == [
        "payer shared",
        "payer internal",
        "payee shared",
    ]
    assert bodies(parties, parties.payee_viewer, bill) == [
        "payer shared",
        "payee shared",
        "payee internal",
    ]


def test_another_sides_internal_comment_is_not_found_by_id(parties, bill):
    comment = post(parties, parties.payer_owner, bill, "between us", "internal").json()

    other = parties.client(parties.payee_owner).get(f"/api/comments/{comment['id']}")
    stranger = parties.client(parties.outsider).get(f"/api/comments/{comment['id']}")
    own = parties.client(parties.payer_viewer).get(f"/api/comments/{comment['id']}")

    assert other.status_code == 404 and stranger.status_code == 404
    assert own.status_code == 200 and own.json()["body"] == "between us"


@pytest.mark.parametrize(
    "who",
    [
        "payee_owner",
        "payee_accountant",
        "payer_owner",
        "payer_admin",
        "payer_approver",
        "payer_accountant",
    ],
)
def test_every_working_role_of_either_side_may_comment(parties, bill, who):
    assert post(parties, getattr(parties, who), bill).status_code == 201


@pytest.mark.parametrize("who", ["payee_viewer", "payer_viewer"])
def test_viewers_read_the_conversation_but_do_not_write(parties, bill, who):
    response = post(parties, getattr(parties, who), bill)

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_payable_the_caller_does_not_see_is_not_found(parties):
    draft = make_payable(parties, PayableStatus.DRAFT)
    submitted = make_payable(parties, PayableStatus.SUBMITTED)

    assert post(parties, parties.payer_owner, draft).status_code == 404  # the payee's draft
    assert post(parties, parties.outsider, submitted).status_code == 404
    assert parties.client(parties.outsider).get(url(submitted)).status_code == 404
    assert post(parties, parties.payee_owner, draft, "note to self", "internal").status_code == 201


def test_empty_bodies_and_unknown_visibilities_are_refused(parties, bill):
    blank = post(parties, parties.payer_owner, bill, "   ")
    wrong = post(parties, parties.payer_owner, bill, "hi", "everyone")

    assert blank.status_code == 400 and blank.json()["errors"][0]["field"] == "body"
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "visibility"


def test_an_edit_keeps_the_earlier_text_for_those_who_read_the_comment(parties, bill):
    comment = post(parties, parties.payee_owner, bill, "Due on the 5th", "shared").json()

    edited = parties.client(parties.payee_owner).patch(
        f"/api/comments/{comment['id']}", {"body": "Due on the 15th"}, format="json"
    )

    assert edited.status_code == 200, edited.content
    assert edited.json()["body"] == "Due on the 15th"
    assert edited.json()["editedAt"] is not None
    seen_by_payer = parties.client(parties.payer_viewer).get(url(bill)).json()["results"][0]
    assert seen_by_payer["body"] == "Due on the 15th"
    assert [v["body"] for v in seen_by_payer["versions"]] == ["Due on the 5th"]
    assert seen_by_payer["editedAt"] == edited.json()["editedAt"]


def test_only_the_author_edits_or_deletes(parties, bill):
    comment = post(parties, parties.payer_owner, bill, "mine", "internal").json()
    target = f"/api/comments/{comment['id']}"

    colleague = parties.client(parties.payer_admin)
    assert colleague.patch(target, {"body": "yours"}, format="json").status_code == 403
    assert colleague.delete(target).status_code == 403
    assert parties.client(parties.payee_owner).delete(target).status_code == 404
    assert Comment.objects.get().body == "mine"


def test_a_deleted_comment_stays_as_a_tombstone_without_its_text(parties, bill):
    comment = post(parties, parties.payer_owner, bill, "oops, wrong bill", "shared").json()
    target = f"/api/comments/{comment['id']}"

    assert parties.client(parties.payer_owner).delete(target).status_code == 204

    [row] = parties.client(parties.payee_owner).get(url(bill)).json()["results"]
    assert row["id"] == comment["id"]
    assert row["body"] is None and row["deletedAt"] is not None and row["versions"] == []
    assert (
        parties.client(parties.payer_owner).patch(target, {"body": "x"}, format="json").status_code
        == 409
    )
    assert Comment.objects.get().revisions.get().body == "oops, wrong bill"  # kept on record


def test_a_mention_notifies_a_member_of_the_authors_business(parties, bill):
    response = post(
        parties,
        parties.payer_approver,
        bill,
        "@Owner@Acme.test can you check the amount? cc @admin@acme.test.",
        "internal",
    )

    assert response.status_code == 201
    rows = Notification.objects.filter(type=NotificationType.COMMENT_MENTIONED)
    assert sorted(rows.values_list("user__email", flat=True)) == [
        "admin@acme.test",
        "owner@acme.test",
    ]
    assert {row.business_id for row in rows} == {parties.payer.id}
    assert all("mentioned you in an internal note on invoice INV-7" in r.message for r in rows)


def test_mentions_of_the_other_side_or_of_strangers_do_nothing(parties, bill):
    response = post(
        parties,
        parties.payer_owner,
        bill,
        "@owner@globex.test @nobody@nowhere.test @owner@acme.test",
        "shared",
    )

    assert response.status_code == 201
    assert response.json()["body"].startswith("@owner@globex.test")  # left as text
    assert not Notification.objects.filter(type=NotificationType.COMMENT_MENTIONED).exists()


def test_an_edit_notifies_only_people_newly_mentioned(parties, bill):
    comment = post(parties, parties.payer_owner, bill, "@admin@acme.test look", "internal").json()

    parties.client(parties.payer_owner).patch(
        f"/api/comments/{comment['id']}",
        {"body": "@admin@acme.test @approver@acme.test look"},
        format="json",
    )

    mentioned = Notification.objects.filter(type=NotificationType.COMMENT_MENTIONED)
    assert sorted(mentioned.values_list("user__email", flat=True)) == [
        "admin@acme.test",
        "approver@acme.test",
    ]


def test_a_member_of_both_sides_chooses_the_side_with_business_id(parties, bill):
    from accounts.models import Membership, Role

    Membership.objects.create(business=parties.payer, user=parties.payee_owner, role=Role.OWNER)

    as_payer = parties.client(parties.payee_owner).post(
        url(bill) + f"?businessId={parties.payer.id}",
        {"body": "payer-side note", "visibility": "internal"},
        format="json",
    )

    assert as_payer.json()["businessId"] == parties.payer.id
    assert bodies(parties, parties.payee_accountant, bill) == []
