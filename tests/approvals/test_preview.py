"""POST /api/businesses/{id}/approval-workflows/preview: the dry run of routing at submit."""

from decimal import Decimal

import pytest

from accounts.models import DefaultApprovalAction, Role
from connections.models import ConnectionTag
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(owner):
    return owner.business


@pytest.fixture
def client(api, owner):
    return api(owner)


@pytest.fixture
def approver(business):
    return factories.member(business, Role.APPROVER, email="ann.approver@example.com")


@pytest.fixture
def vendor(business):
    return factories.ConnectionFactory(payer=business)


def preview(client, business, amount, connection, **extra):
    data = {"amount": amount, "connectionId": connection.pk, **extra}
    return client.post(
        f"/api/businesses/{business.pk}/approval-workflows/preview", data, format="json"
    )


def workflow_name(response) -> str | None:
    assert response.status_code == 200, response.content
    workflow = response.json()["workflow"]
    return workflow and workflow["name"]


def test_workflow_outcome_lists_each_steps_approvers(client, business, owner, approver, vendor):
    admin = factories.member(business, Role.ADMIN, email="bob.admin@example.com")
    factories.member(business, Role.VIEWER)
    workflow = factories.approval_workflow(
        business,
        name="Everything",
        steps=[
            {"approvers": [approver], "required": 1},
            {"roles": ["admin", "owner"], "required": 2},
        ],
    )
    response = preview(client, business, "2500.00", vendor)
    assert response.status_code == 200, response.content
    users = sorted([owner, admin], key=lambda user: user.email)
    assert response.json() == {
        "workflow": {"id": workflow.pk, "name": "Everything"},
        "outcome": "workflow",
        "steps": [
            {"requiredApprovals": 1, "approvers": [{"id": approver.pk, "email": approver.email}]},
            {
                "requiredApprovals": 2,
                "approvers": [{"id": user.pk, "email": user.email} for user in users],
            },
        ],
    }


def test_amount_thresholds(client, business, approver, vendor):
    factories.approval_workflow(
        business, name="small", steps=[{"approvers": [approver]}], max_amount=Decimal("1000.00")
    )
    factories.approval_workflow(
        business, name="large", steps=[{"roles": ["owner"]}], min_amount=Decimal("1000.01")
    )
    assert workflow_name(preview(client, business, 999, vendor)) == "small"
    assert workflow_name(preview(client, business, "1000.00", vendor)) == "small"
    assert workflow_name(preview(client, business, Decimal("1000.01"), vendor)) == "large"
    assert workflow_name(preview(client, business, "99999.99", vendor)) == "large"


def test_vendor_specific_workflow(client, business, approver, vendor):
    other_vendor = factories.ConnectionFactory(payer=business)
    factories.approval_workflow(
        business, name="for this vendor", steps=[{"approvers": [approver]}], connections=[vendor]
    )
    factories.approval_workflow(
        business, name="everyone else", steps=[{"roles": ["owner"]}], priority=10
    )
    assert workflow_name(preview(client, business, 50, vendor)) == "for this vendor"
    assert workflow_name(preview(client, business, 50, other_vendor)) == "everyone else"


def test_tag_routing(client, business, approver, vendor):
    contractors = factories.TagFactory(business=business, name="contractors")
    untagged = factories.ConnectionFactory(payer=business)
    ConnectionTag.objects.create(connection=vendor, tag=contractors)
    factories.approval_workflow(
        business, name="contractors", steps=[{"approvers": [approver]}], tags=[contractors]
    )
    assert workflow_name(preview(client, business, 50, vendor)) == "contractors"
    assert workflow_name(preview(client, business, 50, untagged)) is None
    # What if the untagged vendor carried the tag, or the tagged one did not?
    assert (
        workflow_name(preview(client, business, 50, untagged, tagIds=[contractors.pk]))
        == "contractors"
    )
    assert workflow_name(preview(client, business, 50, vendor, tagIds=[])) is None


def test_priority_decides_between_matching_workflows(client, business, approver, vendor):
    factories.approval_workflow(business, name="later", steps=[{"roles": ["owner"]}], priority=2)
    factories.approval_workflow(
        business, name="first", steps=[{"approvers": [approver]}], priority=1
    )
    factories.approval_workflow(business, name="off", steps=[{"roles": ["owner"]}], active=False)
    assert workflow_name(preview(client, business, 50, vendor)) == "first"


def test_no_match_and_the_connection_auto_approves(client, business, approver, vendor):
    factories.approval_workflow(
        business, steps=[{"approvers": [approver]}], min_amount=Decimal("10000")
    )
    vendor.auto_approve = True
    vendor.save(update_fields=["auto_approve"])
    response = preview(client, business, 50, vendor)
    assert response.json() == {"workflow": None, "outcome": "auto_approve", "steps": []}


def test_no_match_and_the_business_auto_approves(client, business, vendor):
    business.default_approval_action = DefaultApprovalAction.AUTO_APPROVE
    business.save(update_fields=["default_approval_action"])
    response = preview(client, business, 50, vendor)
    assert response.json() == {"workflow": None, "outcome": "auto_approve", "steps": []}


def test_no_match_and_manual_review(client, business, owner, approver, vendor):
    factories.member(business, Role.VIEWER)
    factories.member(business, Role.ACCOUNTANT)
    response = preview(client, business, 50, vendor)
    body = response.json()
    assert body["workflow"] is None
    assert body["outcome"] == "manual_review"
    assert body["steps"] == [
        {
            "requiredApprovals": 1,
            "approvers": [
                {"id": user.pk, "email": user.email}
                for user in sorted([owner, approver], key=lambda user: user.email)
            ],
        }
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": None}, "amount"),
        ({"connectionId": "nope"}, "connectionId"),
        ({"connectionId": "conn_unknown"}, "connectionId"),
        ({"tagIds": ["tag_unknown"]}, "tagIds[0]"),
    ],
)
def test_invalid_input(client, business, vendor, payload, field):
    data = {"amount": 50, "connectionId": vendor.pk, **payload}
    response = client.post(
        f"/api/businesses/{business.pk}/approval-workflows/preview", data, format="json"
    )
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_connection_where_the_business_is_the_payee_is_refused(client, business):
    billed = factories.ConnectionFactory(payee=business)
    response = preview(client, business, 50, billed)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "connectionId"


def test_any_member_may_preview_but_not_outsiders(api, business, vendor):
    viewer = factories.member(business, Role.VIEWER)
    assert preview(api(viewer), business, 50, vendor).status_code == 200
    stranger = factories.member(factories.BusinessFactory(), Role.OWNER)
    assert preview(api(stranger), business, 50, vendor).status_code == 404
