"""Every write service of approvals authorizes its actor itself, from the one role table: an
outsider (no member of the business) is told the object does not exist, a member whose role falls
short is refused, and neither writes anything."""

import pytest
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.models import Role
from approvals import delegation, fields, review, workflows
from approvals.models import Approval, ApprovalWorkflow, CustomFieldDefinition, Delegation
from tests import factories

pytestmark = pytest.mark.django_db

STEPS = [{"approver_roles": ["approver"], "required_approvals": 1}]


@pytest.fixture
def acme():
    """Acme (the payer) with a workflow and a custom field; an outsider of Initech; Acme's
    accountant and viewer, whose roles administer nothing and approve nothing."""
    business = factories.BusinessFactory(name="Acme")
    owner = factories.member(business, Role.OWNER)
    factories.member(business, Role.APPROVER)
    workflow = workflows.workflow_create(
        business_id=business.pk, actor=owner, name="W", steps=STEPS
    )
    field = fields.custom_field_create(
        business_id=business.pk, actor=owner, key="po", label="PO", field_type="text"
    )
    outsider = factories.member(factories.BusinessFactory(name="Initech"), Role.OWNER)
    return {
        "business": business,
        "workflow": workflow,
        "field": field,
        "outsider": outsider,
        "accountant": factories.member(business, Role.ACCOUNTANT),
        "viewer": factories.member(business, Role.VIEWER),
    }


def _calls(acme, actor):
    """Each write service of approvals, as ``actor`` calls it (name → call)."""
    business, workflow, field = acme["business"], acme["workflow"], acme["field"]
    return {
        "workflow_create": lambda: workflows.workflow_create(
            business_id=business.pk, actor=actor, name="X", steps=STEPS
        ),
        "workflow_update": lambda: workflows.workflow_update(
            workflow_id=workflow.pk, actor=actor, changes={"name": "Renamed"}
        ),
        "workflow_delete": lambda: workflows.workflow_delete(workflow_id=workflow.pk, actor=actor),
        "custom_field_create": lambda: fields.custom_field_create(
            business_id=business.pk, actor=actor, key="cc", label="CC", field_type="text"
        ),
        "custom_field_update": lambda: fields.custom_field_update(
            custom_field_id=field.pk, actor=actor, changes={"label": "Renamed"}
        ),
        "custom_field_delete": lambda: fields.custom_field_delete(
            custom_field_id=field.pk, actor=actor
        ),
    }


SERVICES = [
    "workflow_create",
    "workflow_update",
    "workflow_delete",
    "custom_field_create",
    "custom_field_update",
    "custom_field_delete",
]


def _unchanged(acme) -> None:
    workflow = ApprovalWorkflow.objects.get()
    field = CustomFieldDefinition.objects.get()
    assert (workflow.pk, workflow.name) == (acme["workflow"].pk, "W")
    assert (field.pk, field.label, field.deleted_at) == (acme["field"].pk, "PO", None)


@pytest.mark.parametrize("service", SERVICES)
def test_an_outsider_is_told_it_does_not_exist(acme, service):
    with pytest.raises(NotFound):
        _calls(acme, acme["outsider"])[service]()
    _unchanged(acme)


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("role", ["accountant", "viewer"])
def test_a_member_whose_role_does_not_administer_is_refused(acme, service, role):
    with pytest.raises(PermissionDenied, match=f"Your role \\({role}\\) does not allow this."):
        _calls(acme, acme[role])[service]()
    _unchanged(acme)


@pytest.mark.parametrize("service", SERVICES)
def test_an_admin_may(acme, service):
    _calls(acme, factories.member(acme["business"], Role.ADMIN))[service]()


# --- the review: approving and declining are decided from the step's people and the role table ---


@pytest.fixture
def submitted(acme):
    payee = factories.BusinessFactory(name="Globex")
    connection = factories.ConnectionFactory(payer=acme["business"], payee=payee)
    author = factories.member(payee, Role.OWNER)
    return factories.PayableFactory(
        connection=connection, status="SUBMITTED", created_by=author, submitted_by=author
    )


REVIEW_WRITES = ["approval_record", "approval_decline"]


@pytest.mark.parametrize("write", REVIEW_WRITES)
@pytest.mark.parametrize("who", ["outsider", "accountant", "viewer"])
def test_only_the_steps_people_approve_or_decline(acme, submitted, write, who):
    call = {
        "approval_record": lambda actor: review.approval_record(payable=submitted, actor=actor),
        "approval_decline": lambda actor: review.approval_decline(
            payable=submitted, actor=actor, reason="No"
        ),
    }[write]
    with pytest.raises(PermissionDenied):
        call(acme[who])
    assert not Approval.objects.exists()
    assert submitted.approval_requests.get().is_pending


def test_the_payees_author_never_approves(submitted):
    with pytest.raises(PermissionDenied, match="You created or submitted this payable"):
        review.approval_record(payable=submitted, actor=submitted.created_by)
    assert not Approval.objects.exists()


# --- delegations: one's own approvals (APPROVE), another's (ADMINISTER) ---------------------------

DELEGATION_WRITES = ["delegation_create", "delegation_delete"]


@pytest.fixture
def delegated(acme):
    """The approver's approvals handed to the owner today."""
    business = acme["business"]
    approver = business.memberships.get(role=Role.APPROVER).user
    owner = business.memberships.get(role=Role.OWNER).user
    made = delegation.delegation_create(
        business_id=business.pk,
        actor=approver,
        to_user_id=owner.pk,
        starts_on=delegation.today(),
        ends_on=delegation.today(),
    )
    return {"approver": approver, "owner": owner, "delegation": made}


def _delegation_calls(acme, delegated, actor):
    business = acme["business"]
    return {
        "delegation_create": lambda: delegation.delegation_create(
            business_id=business.pk,
            actor=actor,
            to_user_id=delegated["approver"].pk,
            from_user_id=delegated["owner"].pk,
            starts_on=delegation.today(),
            ends_on=delegation.today(),
        ),
        "delegation_delete": lambda: delegation.delegation_delete(
            delegation_id=delegated["delegation"].pk, actor=actor
        ),
    }


@pytest.mark.parametrize("write", DELEGATION_WRITES)
def test_an_outsider_never_finds_a_delegation(acme, delegated, write):
    with pytest.raises(NotFound):
        _delegation_calls(acme, delegated, acme["outsider"])[write]()
    assert list(Delegation.objects.values_list("pk", flat=True)) == [delegated["delegation"].pk]


@pytest.mark.parametrize("write", DELEGATION_WRITES)
@pytest.mark.parametrize("who", ["accountant", "viewer"])
def test_roles_short_of_the_capability_are_refused(acme, delegated, write, who):
    with pytest.raises(PermissionDenied):
        _delegation_calls(acme, delegated, acme[who])[write]()
    assert list(Delegation.objects.values_list("pk", flat=True)) == [delegated["delegation"].pk]


@pytest.mark.parametrize("write", DELEGATION_WRITES)
def test_an_admin_may_handle_anyones_delegation(acme, delegated, write):
    if write == "delegation_create":
        # The approver holding nothing and away no more, the owner may hand theirs to them.
        Delegation.objects.all().delete()
    _delegation_calls(acme, delegated, factories.member(acme["business"], Role.ADMIN))[write]()
