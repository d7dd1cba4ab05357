"""Which workflow a payable gets, the snapshot it keeps, and who may approve a step."""

import json
from decimal import Decimal

import pytest
from django.db.models import RestrictedError

from accounts.models import DefaultApprovalAction, Membership, Role
from approvals import workflows
from approvals.routing import (
    APPROVING_ROLES,
    ApprovalOutcome,
    approval_route,
    eligible_approvers,
    manual_review_approvers,
    steps_shortfall,
    workflow_match,
    workflow_snapshot,
)
from connections.models import ConnectionTag
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer():
    return factories.BusinessFactory(name="Payer Co")


@pytest.fixture
def approver(payer):
    return factories.member(payer, Role.APPROVER)


@pytest.fixture
def connection(payer):
    return factories.ConnectionFactory(payer=payer)


def match(payer, connection, amount, **kwargs):
    return workflow_match(
        payer_business_id=payer.pk, amount=Decimal(amount), connection=connection, **kwargs
    )


def test_approving_roles_come_from_the_role_table():
    assert set(APPROVING_ROLES) == {"owner", "admin", "approver"}


def test_no_workflow_matches_nothing(payer, connection):
    assert match(payer, connection, "100.00") is None


def test_a_workflow_without_conditions_matches_any_payable(payer, connection, approver):
    workflow = factories.approval_workflow(payer, steps=[{"approvers": [approver]}])
    assert match(payer, connection, "0.01") == workflow
    assert match(payer, connection, "9999999999.99") == workflow


def test_amount_bounds_are_inclusive(payer, connection, approver):
    workflow = factories.approval_workflow(
        payer,
        steps=[{"approvers": [approver]}],
        min_amount=Decimal("1000.00"),
        max_amount=Decimal("5000.00"),
    )
    assert match(payer, connection, "999.99") is None
    assert match(payer, connection, "1000.00") == workflow
    assert match(payer, connection, "5000.00") == workflow
    assert match(payer, connection, "5000.01") is None


def test_connection_condition_matches_only_listed_connections(payer, connection, approver):
    other = factories.ConnectionFactory(payer=payer)
    workflow = factories.approval_workflow(
        payer, steps=[{"approvers": [approver]}], connections=[connection]
    )
    assert match(payer, connection, "10.00") == workflow
    assert match(payer, other, "10.00") is None


def test_tag_condition_reads_the_payers_tags_on_the_connection(payer, connection, approver):
    contractors = factories.TagFactory(business=payer, name="contractors")
    workflow = factories.approval_workflow(
        payer, steps=[{"approvers": [approver]}], tags=[contractors]
    )
    assert match(payer, connection, "10.00") is None

    # The payee tagging the connection with a tag of the same name changes nothing.
    payee_tag = factories.TagFactory(business=connection.payee, name="contractors")
    ConnectionTag.objects.create(connection=connection, tag=payee_tag)
    assert match(payer, connection, "10.00") is None

    ConnectionTag.objects.create(connection=connection, tag=contractors)
    assert match(payer, connection, "10.00") == workflow


def test_tag_ids_given_replace_the_connections_tags(payer, connection, approver):
    contractors = factories.TagFactory(business=payer)
    other_tag = factories.TagFactory(business=payer)
    ConnectionTag.objects.create(connection=connection, tag=contractors)
    workflow = factories.approval_workflow(
        payer, steps=[{"approvers": [approver]}], tags=[contractors]
    )
    assert match(payer, connection, "10.00", tag_ids=[other_tag.pk]) is None
    assert match(payer, connection, "10.00", tag_ids=[contractors.pk]) == workflow
    assert match(payer, connection, "10.00", tag_ids=[]) is None


def test_all_conditions_must_hold(payer, connection, approver):
    tag = factories.TagFactory(business=payer)
    ConnectionTag.objects.create(connection=connection, tag=tag)
    workflow = factories.approval_workflow(
        payer,
        steps=[{"approvers": [approver]}],
        min_amount=Decimal("100.00"),
        connections=[connection],
        tags=[tag],
    )
    assert match(payer, connection, "100.00") == workflow
    assert match(payer, connection, "99.99") is None
    assert match(payer, factories.ConnectionFactory(payer=payer), "100.00") is None


def test_lowest_priority_wins_then_the_oldest(payer, connection, approver):
    later = factories.approval_workflow(payer, steps=[{"approvers": [approver]}], priority=20)
    first = factories.approval_workflow(payer, steps=[{"approvers": [approver]}], priority=10)
    tie = factories.approval_workflow(payer, steps=[{"approvers": [approver]}], priority=10)
    assert match(payer, connection, "10.00") == first
    first.delete()
    assert match(payer, connection, "10.00") == tie
    tie.delete()
    assert match(payer, connection, "10.00") == later


def test_inactive_workflows_and_other_businesses_workflows_are_ignored(payer, connection, approver):
    factories.approval_workflow(payer, steps=[{"approvers": [approver]}], active=False)
    factories.approval_workflow(factories.BusinessFactory(), steps=[{"roles": ["owner"]}])
    assert match(payer, connection, "10.00") is None


def test_matching_costs_two_queries_however_many_workflows(
    payer, connection, approver, django_assert_num_queries
):
    tag = factories.TagFactory(business=payer)
    for priority in range(5):
        factories.approval_workflow(
            payer, steps=[{"approvers": [approver]}], priority=priority, tags=[tag]
        )
    with django_assert_num_queries(2):
        assert match(payer, connection, "10.00") is None


def test_a_payer_without_a_workflow_for_the_amount_costs_one_plain_query(
    payer, connection, approver, django_assert_num_queries
):
    factories.approval_workflow(payer, steps=[{"approvers": [approver]}], max_amount="5.00")
    with django_assert_num_queries(1) as queries:
        assert match(payer, connection, "10.00") is None
    assert "EXISTS" not in queries.captured_queries[0]["sql"].upper()


def test_snapshot_is_plain_json_and_frozen(payer, approver):
    admin = factories.member(payer, Role.ADMIN)
    workflow = factories.approval_workflow(
        payer,
        name="Over 10k",
        priority=3,
        steps=[
            {"approvers": [approver, admin], "required": 2},
            {"roles": ["owner"], "required": 1},
        ],
    )
    snapshot = workflow_snapshot(workflow)
    assert snapshot == {
        "version": 1,
        "workflow_id": workflow.pk,
        "name": "Over 10k",
        "priority": 3,
        "steps": [
            {
                "position": 0,
                "approver_ids": [approver.pk, admin.pk],
                "approver_roles": [],
                "required_approvals": 2,
                "remind_after_hours": None,
                "escalate_after_hours": None,
                "escalate_to_role": "",
            },
            {
                "position": 1,
                "approver_ids": [],
                "approver_roles": ["owner"],
                "required_approvals": 1,
                "remind_after_hours": None,
                "escalate_after_hours": None,
                "escalate_to_role": "",
            },
        ],
    }
    stored = json.loads(json.dumps(snapshot))

    workflows.workflow_update(
        workflow_id=workflow.pk,
        actor=factories.member(payer, Role.OWNER),
        changes={"name": "Renamed", "steps": [{"approver_roles": ["admin"]}]},
    )
    assert stored == snapshot
    assert workflow_snapshot(workflow)["steps"][0]["approver_roles"] == ["admin"]


def test_eligible_approvers_are_named_users_and_role_holders_who_may_approve(payer, approver):
    admin = factories.member(payer, Role.ADMIN)
    owner = factories.member(payer, Role.OWNER)
    demoted = factories.member(payer, Role.APPROVER)
    gone = factories.member(payer, Role.APPROVER)
    factories.member(payer, Role.VIEWER)
    factories.member(payer, Role.ACCOUNTANT)
    outsider = factories.member(factories.BusinessFactory(), Role.OWNER)
    step = {
        "approver_ids": [approver.pk, demoted.pk, gone.pk, outsider.pk],
        "approver_roles": ["admin", "viewer"],
        "required_approvals": 1,
    }
    Membership.objects.filter(business=payer, user=demoted).update(role=Role.VIEWER)
    Membership.objects.filter(business=payer, user=gone).delete()

    assert eligible_approvers(payer_business_id=payer.pk, step_snapshot=step) == {
        approver.pk,
        admin.pk,
    }
    assert eligible_approvers(
        payer_business_id=payer.pk, step_snapshot={"approver_roles": ["owner"]}
    ) == {owner.pk}
    assert eligible_approvers(payer_business_id=payer.pk, step_snapshot={}) == set()


def test_manual_review_approvers_are_owners_admins_and_approvers(payer, approver):
    owner = factories.member(payer, Role.OWNER)
    admin = factories.member(payer, Role.ADMIN)
    factories.member(payer, Role.VIEWER)
    factories.member(payer, Role.ACCOUNTANT)
    assert manual_review_approvers(payer_business_id=payer.pk) == {
        owner.pk,
        admin.pk,
        approver.pk,
    }


@pytest.mark.parametrize(
    ("eligible", "required", "expected"),
    [
        ([{"a"}], [1], None),
        ([{"a"}], [2], (0,)),
        ([{"a", "b"}, {"c"}], [2, 1], None),
        # Both steps draw on the same two people: three approvals cannot come from two.
        ([{"a", "b"}, {"a", "b"}], [2, 1], (0, 1)),
        ([{"a", "b"}, {"a", "b"}], [1, 1], None),
        ([{"a"}, {"a", "b"}, {"b"}], [1, 1, 1], (0, 1, 2)),
        ([{"a", "b", "c"}, {"a"}, {"a"}], [1, 1, 1], (1, 2)),
    ],
)
def test_steps_shortfall(eligible, required, expected):
    assert steps_shortfall(eligible_by_step=eligible, required_by_step=required) == expected


class TestApprovalRoute:
    def test_a_matching_workflow_comes_with_its_snapshot(self, payer, connection, approver):
        workflow = factories.approval_workflow(payer, steps=[{"approvers": [approver]}])
        route = approval_route(
            payer_business_id=payer.pk, amount=Decimal("5.00"), connection=connection
        )
        assert route.outcome == ApprovalOutcome.WORKFLOW
        assert route.workflow == workflow
        assert route.snapshot == workflow_snapshot(workflow)

    def test_no_match_and_connection_auto_approve(self, payer, connection):
        connection.auto_approve = True
        connection.save(update_fields=["auto_approve"])
        route = approval_route(
            payer_business_id=payer.pk, amount=Decimal("5.00"), connection=connection
        )
        assert route.outcome == ApprovalOutcome.AUTO_APPROVE
        assert route.workflow is None and route.snapshot is None

    @pytest.mark.parametrize(
        ("default", "outcome"),
        [
            (DefaultApprovalAction.AUTO_APPROVE, ApprovalOutcome.AUTO_APPROVE),
            (DefaultApprovalAction.MANUAL_REVIEW, ApprovalOutcome.MANUAL_REVIEW),
        ],
    )
    def test_no_match_falls_back_to_the_business_default(self, payer, connection, default, outcome):
        payer.default_approval_action = default
        payer.save(update_fields=["default_approval_action"])
        connection.refresh_from_db()
        route = approval_route(
            payer_business_id=payer.pk, amount=Decimal("5.00"), connection=connection
        )
        assert route.outcome == outcome


def test_a_tag_or_connection_in_a_workflow_cannot_be_deleted(payer, connection, approver):
    tag = factories.TagFactory(business=payer)
    factories.approval_workflow(
        payer, steps=[{"approvers": [approver]}], connections=[connection], tags=[tag]
    )
    # Deleting it would silently widen the workflow to every payable.
    with pytest.raises(RestrictedError):
        tag.delete()
    with pytest.raises(RestrictedError):
        connection.delete()


def test_deleting_a_business_takes_its_workflows_and_tags_along(approver):
    business = approver.memberships.get().business
    tag = factories.TagFactory(business=business)
    workflow = factories.approval_workflow(business, steps=[{"approvers": [approver]}], tags=[tag])
    business.delete()
    assert not type(workflow).objects.filter(pk=workflow.pk).exists()
