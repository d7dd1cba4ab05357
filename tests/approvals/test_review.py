"""A payable's review over the API: routing at submit, steps in order, declines, resubmission."""

from decimal import Decimal

import pytest
from django.db.models import Max

from accounts.models import DefaultApprovalAction, Membership
from approvals.models import Approval, ApprovalRequest
from payables.models import PayableEvent
from tests import factories

pytestmark = pytest.mark.django_db


def events(payable_id) -> list[tuple]:
    return list(
        PayableEvent.objects.filter(payable_id=payable_id)
        .order_by("position")
        .values_list("type", "actor__email")
    )


def decisions(approval) -> list[tuple]:
    return [
        (step["position"], d["user"]["email"], d["decision"])
        for step in approval["steps"]
        for d in step["approvals"]
    ]


def two_steps(review, **fields):
    """Ann (an approver) first, then the owner."""
    return review.workflow(
        name="Two steps",
        steps=[{"approverIds": [review.ann.id]}, {"approverIds": [review.owner.id]}],
        **fields,
    )


# --- routing -----------------------------------------------------------------------------------------
class TestRouting:
    def test_an_amount_threshold_routes_large_payables_to_the_workflow(self, review):
        workflow = review.workflow(
            name="Over 1000",
            conditions={"minAmount": 1000},
            steps=[{"approverIds": [review.ann.id]}],
        )
        large = review.create("1000.00")
        small = review.create("999.99")
        approval = review.seen_by_payer(large["id"])["approval"]
        assert (approval["status"], approval["outcome"]) == ("pending", "workflow")
        assert approval["workflow"] == {"id": workflow["id"], "name": "Over 1000"}
        assert approval["currentStep"] == 0
        [step] = approval["steps"]
        assert step["requiredApprovals"] == 1
        assert [a["email"] for a in step["approvers"]] == ["ann@acme.test"]
        assert review.seen_by_payer(small["id"])["approval"]["outcome"] == "manual_review"

    def test_a_vendor_condition_routes_only_that_connection(self, review):
        other_payee = factories.BusinessFactory(name="Initech")
        factories.member(other_payee, "owner", email="owner@initech.test")
        other = factories.ConnectionFactory(payer=review.payer, payee=other_payee)
        review.workflow(
            name="Globex only",
            conditions={"connectionIds": [review.connection.id]},
            steps=[{"approverIds": [review.ann.id]}],
        )
        mine = review.create()
        theirs = review.create(connection=other, user=other_payee.memberships.get().user)
        assert review.seen_by_payer(mine["id"])["approval"]["workflow"]["name"] == "Globex only"
        assert review.seen_by_payer(theirs["id"])["approval"]["workflow"] is None

    def test_a_tag_condition_routes_connections_the_payer_tagged(self, review):
        it = factories.tag_on(review.connection, review.payer, "IT")
        untagged_payee = factories.BusinessFactory()
        payee_owner = factories.member(untagged_payee, "owner")
        untagged = factories.ConnectionFactory(payer=review.payer, payee=untagged_payee)
        review.workflow(
            name="IT vendors",
            conditions={"tagIds": [it.id]},
            steps=[{"approverIds": [review.bob.id]}],
        )
        tagged = review.create()
        plain = review.create(connection=untagged, user=payee_owner)
        approval = review.seen_by_payer(tagged["id"])["approval"]
        assert approval["workflow"]["name"] == "IT vendors"
        assert [a["email"] for a in approval["steps"][0]["approvers"]] == ["bob@acme.test"]
        assert review.seen_by_payer(plain["id"])["approval"]["outcome"] == "manual_review"

    def test_the_first_matching_workflow_by_priority_applies(self, review):
        review.workflow(name="Later", priority=5, steps=[{"approverIds": [review.bob.id]}])
        review.workflow(name="First", priority=1, steps=[{"approverIds": [review.ann.id]}])
        review.workflow(name="Tie, younger", priority=1, steps=[{"approverIds": [review.cy.id]}])
        payable = review.create()
        assert review.seen_by_payer(payable["id"])["approval"]["workflow"]["name"] == "First"
        assert review.approve(review.bob, payable["id"]).status_code == 403
        assert review.approve(review.ann, payable["id"]).json()["status"] == "APPROVED"

    def test_an_inactive_workflow_is_skipped(self, review):
        review.workflow(name="Off", active=False, steps=[{"approverIds": [review.ann.id]}])
        payable = review.create()
        assert review.seen_by_payer(payable["id"])["approval"]["outcome"] == "manual_review"


# --- no workflow: the default actions -------------------------------------------------------------------
class TestDefaultActions:
    def test_auto_approve_approves_at_once_as_the_system(self, review):
        review.payer.default_approval_action = DefaultApprovalAction.AUTO_APPROVE
        review.payer.save()
        payable = review.create()
        assert payable["status"] == "APPROVED"
        assert events(payable["id"])[-2:] == [
            ("payable.submitted", "owner@globex.test"),
            ("payable.approved", None),
        ]
        approval = review.seen_by_payer(payable["id"])["approval"]
        assert (approval["status"], approval["outcome"], approval["steps"]) == (
            "not_required",
            "auto_approve",
            [],
        )

    def test_the_connections_auto_approve_applies_when_no_workflow_matches(self, review):
        review.connection.auto_approve = True
        review.connection.save()
        review.workflow(conditions={"minAmount": 5000}, steps=[{"approverIds": [review.ann.id]}])
        assert review.create("100.00")["status"] == "APPROVED"
        assert review.create("5000.00")["status"] == "SUBMITTED"  # a workflow comes first

    @pytest.mark.parametrize("who", ["owner", "admin", "ann"])
    def test_manual_review_is_one_approval_by_any_owner_admin_or_approver(self, review, who):
        payable = review.create()
        approval = review.seen_by_payer(payable["id"])["approval"]
        assert (approval["status"], approval["outcome"]) == ("manual_review", "manual_review")
        [step] = approval["steps"]
        assert {a["email"] for a in step["approvers"]} == {
            "owner@acme.test", "admin@acme.test", "ann@acme.test", "bob@acme.test", "cy@acme.test",
        }  # fmt: skip
        response = review.approve(getattr(review, who), payable["id"])
        assert response.json()["status"] == "APPROVED"
        assert response.json()["approval"]["status"] == "approved"

    def test_a_viewer_cannot_approve_under_manual_review(self, review):
        payable = review.create()
        assert review.approve(review.viewer, payable["id"]).status_code == 403


# --- steps ------------------------------------------------------------------------------------------
class TestSteps:
    def test_two_sequential_steps_need_two_different_people(self, review):
        two_steps(review)
        pid = review.create()["id"]
        first = review.approve(review.ann, pid)
        assert first.status_code == 200, first.content
        data = first.json()
        assert data["status"] == "SUBMITTED"
        assert data["approval"]["currentStep"] == 1
        assert decisions(data["approval"]) == [(0, "ann@acme.test", "approved")]
        assert data["approval"]["steps"][0]["approvals"][0]["at"] is not None

        done = review.approve(review.owner, pid).json()
        assert done["status"] == "APPROVED"
        assert done["approval"]["status"] == "approved"
        assert done["approval"]["currentStep"] is None
        assert decisions(done["approval"]) == [
            (0, "ann@acme.test", "approved"),
            (1, "owner@acme.test", "approved"),
        ]
        assert events(pid)[-2:] == [
            ("payable.approval_recorded", "ann@acme.test"),
            ("payable.approved", "owner@acme.test"),
        ]

    def test_one_person_cannot_satisfy_two_steps(self, review):
        # Both steps are open to every approver: still two different people are needed.
        review.workflow(steps=[{"approverRoles": ["approver"]}, {"approverRoles": ["approver"]}])
        pid = review.create()["id"]
        assert review.approve(review.ann, pid).json()["approval"]["currentStep"] == 1
        again = review.approve(review.ann, pid)
        assert again.status_code == 403
        assert "already approved" in again.json()["message"]
        assert review.approve(review.bob, pid).json()["status"] == "APPROVED"

    def test_n_of_m_in_one_step(self, review):
        review.workflow(
            steps=[
                {
                    "approverIds": [review.ann.id, review.bob.id, review.cy.id],
                    "requiredApprovals": 2,
                }
            ]
        )
        pid = review.create()["id"]
        one = review.approve(review.cy, pid).json()
        assert one["status"] == "SUBMITTED" and one["approval"]["currentStep"] == 0
        assert review.approve(review.cy, pid).status_code == 403  # not twice
        two = review.approve(review.ann, pid).json()
        assert two["status"] == "APPROVED"
        assert [e for _step, e, _d in decisions(two["approval"])] == [
            "cy@acme.test",
            "ann@acme.test",
        ]

    def test_approving_out_of_turn_is_refused_and_records_nothing(self, review):
        two_steps(review)
        pid = review.create()["id"]
        early = review.approve(review.owner, pid)
        assert early.status_code == 403
        assert "Not your turn" in early.json()["message"]
        stranger = review.approve(review.cy, pid)  # named on no step
        assert stranger.status_code == 403
        assert "not an approver" in stranger.json()["message"]
        assert not Approval.objects.exists()
        assert events(pid)[-1] == ("payable.submitted", "owner@globex.test")

    def test_whoever_created_or_submitted_it_never_approves_it(self, review):
        both = factories.member(review.payee, "accountant", email="both@example.test")
        Membership.objects.create(business=review.payer, user=both, role="approver")
        review.workflow(steps=[{"approverRoles": ["approver"]}])
        pid = review.create(user=both)["id"]
        response = review.approve(both, pid)
        assert response.status_code == 403
        assert "created or submitted" in response.json()["message"]
        approvers = review.seen_by_payer(pid)["approval"]["steps"][0]["approvers"]
        assert "both@example.test" not in {a["email"] for a in approvers}
        assert pid not in review.awaiting(both)
        # submitted by someone else after a decline: the creator still may not
        review.decline(review.ann, pid)
        review.submit(pid, user=review.payee_owner)
        assert review.approve(both, pid).status_code == 403
        assert review.approve(review.ann, pid).json()["status"] == "APPROVED"

    def test_the_payee_never_sees_the_review(self, review):
        two_steps(review)
        pid = review.create()["id"]
        review.approve(review.ann, pid)
        seen = review.api(review.payee_owner).get(f"/api/payables/{pid}").json()
        assert seen["approval"] is None

    def test_approving_a_payable_not_under_review_is_409(self, review):
        pid = review.create(submit=False)["id"]
        assert review.approve(review.owner, pid).status_code == 404  # a draft is not the payer's
        review.submit(pid)
        review.approve(review.owner, pid)
        response = review.approve(review.admin, pid)
        assert response.status_code == 409
        assert response.json()["currentStatus"] == "APPROVED"


# --- declines and resubmission ----------------------------------------------------------------------
class TestDecline:
    def test_a_decline_at_step_two_returns_the_payable_to_the_payee(self, review):
        two_steps(review)
        pid = review.create()["id"]
        review.approve(review.ann, pid)
        response = review.decline(review.owner, pid, "The PO number is wrong.")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["status"] == "DECLINED"
        assert data["approval"]["status"] == "declined"
        assert decisions(data["approval"]) == [
            (0, "ann@acme.test", "approved"),
            (1, "owner@acme.test", "declined"),
        ]
        assert data["approval"]["steps"][1]["approvals"][0]["reason"] == "The PO number is wrong."
        payee = review.api(review.payee_owner)
        seen = payee.get(f"/api/payables/{pid}").json()
        assert (seen["status"], seen["declineReason"]) == ("DECLINED", "The PO number is wrong.")
        edited = payee.patch(f"/api/payables/{pid}", {"memo": "PO-42"}, format="json")
        assert edited.status_code == 200

    def test_a_decline_needs_a_reason(self, review):
        pid = review.create()["id"]
        response = review.decline(review.ann, pid, "  ")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "reason"
        assert review.seen_by_payer(pid)["status"] == "SUBMITTED"

    def test_only_the_current_steps_approvers_or_an_owner_or_admin_decline(self, review):
        two_steps(review)
        pid = review.create()["id"]
        assert review.decline(review.cy, pid).status_code == 403  # named nowhere
        assert review.decline(review.viewer, pid).status_code == 403
        assert review.decline(review.admin, pid).json()["status"] == "DECLINED"

    def test_resubmission_starts_the_review_over(self, review):
        two_steps(review)
        pid = review.create()["id"]
        review.approve(review.ann, pid)
        review.decline(review.owner, pid)
        resubmitted = review.submit(pid)
        assert resubmitted.json()["status"] == "SUBMITTED"
        approval = review.seen_by_payer(pid)["approval"]
        assert (approval["status"], approval["currentStep"], decisions(approval)) == (
            "pending",
            0,
            [],
        )
        assert review.approve(review.owner, pid).status_code == 403  # step 1 again first
        assert review.approve(review.ann, pid).status_code == 200  # Ann approves again
        assert review.approve(review.owner, pid).json()["status"] == "APPROVED"
        rounds = ApprovalRequest.objects.filter(payable_id=pid).order_by("round")
        assert [(r.round, r.status) for r in rounds] == [(1, "declined"), (2, "approved")]

    def test_a_resubmission_is_routed_again_with_the_workflows_of_now(self, review):
        pid = review.create("500.00")["id"]  # manual review
        review.decline(review.ann, pid)
        review.workflow(steps=[{"approverIds": [review.bob.id]}])
        review.submit(pid)
        approval = review.seen_by_payer(pid)["approval"]
        assert approval["outcome"] == "workflow"

    def test_cancelling_closes_the_review(self, review):
        two_steps(review)
        pid = review.create()["id"]
        response = review.api(review.owner).post(f"/api/payables/{pid}/cancel")
        assert response.json()["status"] == "CANCELLED"
        assert ApprovalRequest.objects.get(payable_id=pid).status == "cancelled"
        assert response.json()["approval"]["currentStep"] is None


# --- frozen workflows ---------------------------------------------------------------------------------
class TestFrozen:
    def test_editing_or_deleting_the_workflow_leaves_a_review_under_way_unchanged(self, review):
        workflow = review.workflow(name="Ann decides", steps=[{"approverIds": [review.ann.id]}])
        pid = review.create()["id"]
        owner = review.api(review.owner)
        patched = owner.patch(
            f"/api/approval-workflows/{workflow['id']}",
            {"name": "Bob decides", "steps": [{"approverIds": [review.bob.id]}]},
            format="json",
        )
        assert patched.status_code == 200
        approval = review.seen_by_payer(pid)["approval"]
        assert approval["workflow"] == {"id": workflow["id"], "name": "Ann decides"}
        assert review.approve(review.bob, pid).status_code == 403
        assert owner.delete(f"/api/approval-workflows/{workflow['id']}").status_code == 204
        assert review.approve(review.ann, pid).json()["status"] == "APPROVED"
        # a new payable takes the workflows of now: none left, so manual review
        assert review.seen_by_payer(review.create()["id"])["approval"]["outcome"] == "manual_review"

    def test_roles_are_resolved_when_approving(self, review):
        review.workflow(steps=[{"approverRoles": ["admin"]}])
        pid = review.create()["id"]
        Membership.objects.filter(user=review.cy, business=review.payer).update(role="admin")
        assert review.approve(review.cy, pid).json()["status"] == "APPROVED"


# --- a step nobody can complete any more ------------------------------------------------------------
class TestBlocked:
    def test_a_step_whose_approvers_left_is_blocked_and_an_owner_can_decline(self, review):
        review.workflow(
            steps=[{"approverIds": [review.ann.id, review.bob.id], "requiredApprovals": 2}]
        )
        pid = review.create()["id"]
        assert review.seen_by_payer(pid)["approval"]["blocked"] is False
        review.approve(review.ann, pid)
        Membership.objects.filter(user=review.bob, business=review.payer).delete()
        approval = review.seen_by_payer(pid)["approval"]
        assert approval["blocked"] is True
        assert approval["blockedReason"].startswith("Step 1 needs 1 more approval but only 0")
        assert [a["email"] for a in approval["steps"][0]["approvers"]] == ["ann@acme.test"]
        assert review.decline(review.owner, pid, "Bob left").json()["status"] == "DECLINED"

    def test_manual_review_with_nobody_left_to_approve_is_blocked(self, review):
        solo_payer = factories.BusinessFactory()
        both = factories.member(review.payee, "owner")
        Membership.objects.create(business=solo_payer, user=both, role="owner")
        connection = factories.ConnectionFactory(payer=solo_payer, payee=review.payee)
        pid = review.create(connection=connection, user=both)["id"]
        approval = (
            review.api(both)
            .get(f"/api/payables/{pid}?businessId={solo_payer.id}")
            .json()["approval"]
        )
        assert approval["blocked"] is True


# --- awaiting my approval -------------------------------------------------------------------------
class TestAwaitingMyApproval:
    def test_follows_the_current_step(self, review):
        two_steps(review)
        pid = review.create()["id"]
        assert pid in review.awaiting(review.ann)
        assert pid not in review.awaiting(review.owner)  # step 2
        assert pid not in review.awaiting(review.bob)  # on no step
        review.approve(review.ann, pid)
        assert pid not in review.awaiting(review.ann)
        assert pid in review.awaiting(review.owner)
        review.approve(review.owner, pid)
        assert pid not in review.awaiting(review.owner)

    def test_roles_named_on_the_step_count(self, review):
        review.workflow(steps=[{"approverRoles": ["approver"], "requiredApprovals": 2}])
        pid = review.create()["id"]
        assert all(pid in review.awaiting(u) for u in (review.ann, review.bob, review.cy))
        assert pid not in review.awaiting(review.admin)
        review.approve(review.bob, pid)
        assert pid in review.awaiting(review.ann) and pid not in review.awaiting(review.bob)

    def test_manual_review_awaits_every_owner_admin_and_approver(self, review):
        pid = review.create()["id"]
        for user in (review.owner, review.admin, review.ann):
            assert review.awaiting(user) == [pid]
        assert review.awaiting(review.viewer) == []

    def test_costs_the_same_queries_for_one_or_many_payables(
        self, review, django_assert_num_queries
    ):
        two_steps(review)
        client = review.api(review.ann)
        url = f"/api/businesses/{review.payer.id}/payables?awaitingMyApproval=true&limit=50"
        review.create()
        # the token with its user and roles, the first keys of each side (no direction is
        # given), the page's rows, their tags
        with django_assert_num_queries(5):
            assert len(client.get(url).json()["results"]) == 1
        for _ in range(5):
            review.create()
        with django_assert_num_queries(5):
            assert len(client.get(url).json()["results"]) == 6


# --- the detail's cost ------------------------------------------------------------------------------
def test_the_payable_detail_costs_the_same_queries_however_far_the_review_went(
    review, django_assert_num_queries
):
    review.workflow(
        steps=[
            {"approverIds": [review.ann.id, review.bob.id], "requiredApprovals": 2},
            {"approverRoles": ["owner", "admin"]},
        ]
    )
    pid = review.create()["id"]
    client = review.api(review.cy)
    url = f"/api/payables/{pid}"
    # the token with its user and roles, the side, the payable, lines, attachments, tags,
    # payments, the round, its decisions, the payer's approvers
    with django_assert_num_queries(10):
        assert client.get(url).json()["approval"]["currentStep"] == 0
    review.approve(review.ann, pid)
    review.approve(review.bob, pid)
    with django_assert_num_queries(10):
        assert len(decisions(client.get(url).json()["approval"])) == 2
    # The payee does not see the review, and nothing of it is read for them.
    payee = review.api(review.payee_owner)
    with django_assert_num_queries(7):
        assert payee.get(url).json()["approval"] is None


def test_the_rounds_are_numbered_per_payable(review):
    pid = review.create()["id"]
    for _ in range(3):
        review.decline(review.ann, pid)
        review.submit(pid)
    assert ApprovalRequest.objects.filter(payable_id=pid).aggregate(m=Max("round"))["m"] == 4
    assert ApprovalRequest.objects.filter(payable_id=pid, status="pending").count() == 1


def test_amounts_on_the_boundary_are_exact(review):
    review.workflow(conditions={"maxAmount": "1000.00"}, steps=[{"approverIds": [review.ann.id]}])
    inside = review.create(Decimal("1000.00"))
    outside = review.create("1000.01")
    assert review.seen_by_payer(inside["id"])["approval"]["outcome"] == "workflow"
    assert review.seen_by_payer(outside["id"])["approval"]["outcome"] == "manual_review"
