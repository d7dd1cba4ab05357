"""Delegation: a member away hands their approvals to another for a date range; the delegate
sees those bills as awaiting them and approves on the delegator's behalf, under the same rules."""

import datetime

import pytest

from accounts.models import Role
from approvals import delegation
from approvals.models import Approval, Delegation
from notifications.models import Notification
from payables.models import PayableEvent
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """A movable today for delegations (``approvals.delegation.today``)."""
    clock = {"today": TODAY}
    monkeypatch.setattr(delegation, "today", lambda: clock["today"])
    return clock


def _delegate(review, by, to, *, starts=TODAY, ends=TODAY + datetime.timedelta(days=6), **more):
    return review.api(by).post(
        f"/api/businesses/{review.payer.id}/delegations",
        {"toUserId": to.id, "startsOn": str(starts), "endsOn": str(ends), **more},
        format="json",
    )


def _decisions(review, payable_id):
    approval = review.seen_by_payer(payable_id)["approval"]
    return [d for step in approval["steps"] for d in step["approvals"]]


def test_a_delegation_full_cycle(review, today):
    """Create, approve on behalf while active, see it end, delete it."""
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])

    created = _delegate(review, review.ann, review.bob)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id"].startswith("dlg_")
    assert (body["fromUser"]["id"], body["toUser"]["id"]) == (review.ann.id, review.bob.id)
    assert (body["startsOn"], body["endsOn"], body["active"]) == ("2026-06-01", "2026-06-07", True)
    listed = review.api(review.viewer).get(f"/api/businesses/{review.payer.id}/delegations")
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]

    # Active: Bob is told, sees the bill awaiting him and approves it for Ann.
    pid = review.create()["id"]
    told = Notification.objects.get(user=review.bob, payable_id=pid)
    assert "awaits your approval on behalf of ann@acme.test" in told.message
    assert pid in review.awaiting(review.bob)
    assert pid not in review.awaiting(review.cy)
    approved = review.approve(review.bob, pid)
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "APPROVED"
    (decision,) = _decisions(review, pid)
    assert decision["user"]["id"] == review.bob.id
    assert decision["onBehalfOf"] == review.ann.id
    event = PayableEvent.objects.get(payable_id=pid, type="payable.approved")
    assert event.actor == review.bob and "On behalf of ann@acme.test." in event.note
    # The payee learns the outcome, not who acted for whom.
    payee_view = review.api(review.payee_owner).get(f"/api/payables/{pid}/events").json()
    approved_event = next(e for e in payee_view["results"] if e["type"] == "payable.approved")
    assert approved_event["actor"] is None and "behalf" not in approved_event["note"]

    # Expired: the next bill waits for Ann alone.
    today["today"] = TODAY + datetime.timedelta(days=7)
    assert review.api(review.ann).get(f"/api/delegations/{body['id']}").json()["active"] is False
    later = review.create(invoiceNumber="LATER-1")["id"]
    assert later not in review.awaiting(review.bob)
    refused = review.approve(review.bob, later)
    assert refused.status_code == 403
    assert not Notification.objects.filter(user=review.bob, payable_id=later).exists()

    # Deleted: gone from the list; the approval given meanwhile still says for whom.
    assert review.api(review.ann).delete(f"/api/delegations/{body['id']}").status_code == 204
    listed = review.api(review.ann).get(f"/api/businesses/{review.payer.id}/delegations")
    assert listed.json()["results"] == []
    assert Approval.objects.get(request__payable_id=pid).on_behalf_of == review.ann


def test_a_delegation_not_started_yet_does_nothing(review, today):
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    assert _delegate(review, review.ann, review.bob, starts=TODAY + datetime.timedelta(days=2))
    pid = review.create()["id"]
    assert pid not in review.awaiting(review.bob)
    assert review.approve(review.bob, pid).status_code == 403
    today["today"] = TODAY + datetime.timedelta(days=2)
    assert pid in review.awaiting(review.bob)
    assert review.approve(review.bob, pid).json()["status"] == "APPROVED"


def test_the_delegate_declines_on_behalf(review):
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    _delegate(review, review.ann, review.bob)
    pid = review.create()["id"]
    declined = review.decline(review.bob, pid, reason="Not ours")
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "DECLINED"
    (decision,) = _decisions(review, pid)
    assert (decision["decision"], decision["onBehalfOf"]) == ("declined", review.ann.id)


def test_one_person_approves_once_whoever_they_act_for(review):
    """Bob approved step 1 himself; step 2 waits for Ann, away with Bob as her delegate: Bob
    cannot approve it again for her. Cy can, in his own right."""
    review.workflow(
        steps=[
            {"approverIds": [review.bob.id], "requiredApprovals": 1},
            {"approverIds": [review.ann.id, review.cy.id], "requiredApprovals": 1},
        ]
    )
    _delegate(review, review.ann, review.bob)
    pid = review.create()["id"]
    assert review.approve(review.bob, pid).status_code == 200
    assert pid not in review.awaiting(review.bob)
    again = review.approve(review.bob, pid)
    assert again.status_code == 403
    assert "already approved" in again.json()["message"]
    assert review.approve(review.cy, pid).json()["status"] == "APPROVED"


def test_a_represented_person_does_not_approve_again(review):
    """Bob approved step 1 for Ann; step 2 may be approved by any approver, but not by Ann
    (her approval was given) nor by Bob."""
    review.workflow(
        steps=[
            {"approverIds": [review.ann.id], "requiredApprovals": 1},
            {"approverRoles": ["approver"], "requiredApprovals": 1},
        ]
    )
    _delegate(review, review.ann, review.bob)
    pid = review.create()["id"]
    assert review.approve(review.bob, pid).status_code == 200
    for person in (review.ann, review.bob):
        assert pid not in review.awaiting(person)
        refused = review.approve(person, pid)
        assert refused.status_code == 403, refused.content
    assert "Your delegate already approved" in review.approve(review.ann, pid).json()["message"]
    assert review.approve(review.cy, pid).json()["status"] == "APPROVED"


def test_the_author_rule_holds_for_the_delegate(review):
    """A delegate who created the bill (a member of both sides) never approves it."""
    author = review.payee_accountant
    factories.MembershipFactory(business=review.payer, user=author, role=Role.APPROVER)
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    assert _delegate(review, review.ann, author).status_code == 201
    pid = review.create(user=author)["id"]
    assert pid not in review.awaiting(author)
    refused = review.approve(author, pid)
    assert refused.status_code == 403
    assert "You created or submitted this payable" in refused.json()["message"]
    assert not Notification.objects.filter(user=author, payable_id=pid).exists()


def test_the_separate_payer_rule_holds_for_the_delegate(review):
    review.payer.require_separate_payer = True
    review.payer.save(update_fields=["require_separate_payer"])
    review.workflow(steps=[{"approverIds": [review.owner.id], "requiredApprovals": 1}])
    _delegate(review, review.owner, review.admin)
    pid = review.create()["id"]
    assert review.approve(review.admin, pid).json()["status"] == "APPROVED"
    paid = review.api(review.admin).post(f"/api/payables/{pid}/pay")
    assert paid.status_code == 403
    assert "separate payer" in paid.json()["message"]


def test_an_owner_sets_a_delegation_for_someone_away(review):
    created = _delegate(review, review.owner, review.bob, fromUserId=review.ann.id)
    assert created.status_code == 201, created.content
    assert created.json()["fromUser"]["id"] == review.ann.id
    assert created.json()["createdBy"]["id"] == review.owner.id
    # An approver may not set one for someone else, nor delete another's.
    assert _delegate(review, review.bob, review.cy, fromUserId=review.ann.id).status_code == 403
    delegation_id = created.json()["id"]
    assert review.api(review.bob).delete(f"/api/delegations/{delegation_id}").status_code == 403
    assert review.api(review.ann).delete(f"/api/delegations/{delegation_id}").status_code == 204


@pytest.mark.parametrize(
    ("who", "to", "more", "field"),
    [
        ("ann", "ann", {}, "toUserId"),
        ("ann", "viewer", {}, "toUserId"),
        ("ann", "payee_owner", {}, "toUserId"),
        ("ann", "bob", {"starts": TODAY, "ends": TODAY - datetime.timedelta(days=1)}, "endsOn"),
        (
            "ann",
            "bob",
            {
                "starts": TODAY - datetime.timedelta(days=5),
                "ends": TODAY - datetime.timedelta(days=1),
            },
            "endsOn",
        ),
        ("ann", "bob", {"ends": TODAY + datetime.timedelta(days=400)}, "endsOn"),
    ],
)
def test_invalid_delegations_are_refused(review, who, to, more, field):
    response = _delegate(review, getattr(review, who), getattr(review, to), **more)
    assert response.status_code == 400, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Delegation.objects.exists()


def test_overlaps_and_chains_are_conflicts(review):
    assert _delegate(review, review.ann, review.bob).status_code == 201
    overlap = _delegate(review, review.ann, review.cy, starts=TODAY + datetime.timedelta(days=3))
    assert overlap.status_code == 409
    assert overlap.json()["code"] == "delegation_overlap"
    # Bob holds Ann's approvals: he cannot be away then, nor can Cy hand his to Ann.
    for by, to in ((review.bob, review.cy), (review.cy, review.ann)):
        chain = _delegate(review, by, to)
        assert chain.status_code == 409, chain.content
        assert chain.json()["code"] == "delegation_chain"
    # After Ann's delegation ends, anything goes again.
    after = TODAY + datetime.timedelta(days=7)
    assert _delegate(review, review.ann, review.cy, starts=after, ends=after).status_code == 201
    assert _delegate(review, review.bob, review.ann, starts=after + datetime.timedelta(days=1),
                     ends=after + datetime.timedelta(days=2)).status_code == 201  # fmt: skip
    assert Delegation.objects.count() == 3


def test_roles_that_do_not_approve_cannot_delegate_and_outsiders_see_nothing(review):
    assert _delegate(review, review.viewer, review.bob).status_code == 403
    created = _delegate(review, review.ann, review.bob).json()
    stranger = factories.member(factories.BusinessFactory(name="Initech"), Role.OWNER)
    assert review.api(stranger).get(f"/api/delegations/{created['id']}").status_code == 404
    assert review.api(stranger).delete(f"/api/delegations/{created['id']}").status_code == 404
    assert review.api(stranger).get("/api/delegations/dlg_%00").status_code == 404
    assert Delegation.objects.count() == 1


def test_a_delegate_who_lost_the_approving_role_holds_nothing(review):
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    _delegate(review, review.ann, review.bob)
    review.bob.memberships.filter(business=review.payer).update(role=Role.VIEWER)
    pid = review.create()["id"]
    assert not Notification.objects.filter(user=review.bob, payable_id=pid).exists()
    assert review.approve(review.bob, pid).status_code == 403
