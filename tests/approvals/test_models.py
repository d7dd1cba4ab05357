"""The database keeps the invariants even when code forgets them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals.models import WorkflowStep
from tests import factories

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_amount_range_is_ordered_and_not_negative():
    business = factories.BusinessFactory()
    make = factories.ApprovalWorkflowFactory
    assert refused(lambda: make(business=business, min_amount=Decimal(10), max_amount=Decimal(5)))
    assert refused(lambda: make(business=business, min_amount=Decimal(-1)))
    assert refused(lambda: make(business=business, max_amount=Decimal(-1)))
    assert not refused(
        lambda: make(business=business, min_amount=Decimal(5), max_amount=Decimal(5))
    )


def test_a_step_needs_an_approval_and_its_own_position():
    workflow = factories.ApprovalWorkflowFactory()
    assert refused(
        lambda: WorkflowStep.objects.create(workflow=workflow, position=0, required_approvals=0)
    )
    WorkflowStep.objects.create(workflow=workflow, position=0)
    assert refused(lambda: WorkflowStep.objects.create(workflow=workflow, position=0))


def test_custom_field_key_is_unique_among_live_definitions_only():
    business = factories.BusinessFactory()
    make = factories.CustomFieldDefinitionFactory
    first = make(business=business, key="po")
    assert refused(lambda: make(business=business, key="po"))
    assert not refused(lambda: make(key="po"))
    first.deleted_at = timezone.now()
    first.save(update_fields=["deleted_at"])
    assert not refused(lambda: make(business=business, key="po"))


def test_custom_field_type_and_scope_are_known_values():
    assert refused(lambda: factories.CustomFieldDefinitionFactory(type="money"))
    assert refused(lambda: factories.CustomFieldDefinitionFactory(scope="invoice"))


# --- review rounds ------------------------------------------------------------------------------------
def _round(payable, number=1, **fields):
    from approvals.models import ApprovalRequest

    fields.setdefault("outcome", "manual_review")
    return ApprovalRequest.objects.create(payable=payable, round=number, **fields)


def test_a_payable_has_one_pending_round_and_numbered_rounds():
    payable = factories.PayableFactory(status="SUBMITTED", review_round=False)
    _round(payable)
    assert refused(lambda: _round(payable, 2))  # a second pending round
    assert refused(lambda: _round(payable, 1, status="approved", closed_at=timezone.now()))
    assert not refused(lambda: _round(payable, 2, status="declined", closed_at=timezone.now()))


def test_a_round_is_closed_exactly_when_decided():
    payable = factories.PayableFactory(status="SUBMITTED", review_round=False)
    assert refused(lambda: _round(payable, status="approved"))
    assert refused(lambda: _round(payable, closed_at=timezone.now()))
    assert refused(lambda: _round(payable, outcome="vote"))


def test_one_person_approves_a_round_once_across_steps():
    from approvals.models import Approval

    payable = factories.PayableFactory(status="SUBMITTED", review_round=False)
    request = _round(payable, outcome="workflow", current_step=1)
    user = factories.UserFactory()
    other = factories.UserFactory()
    Approval.objects.create(request=request, step=0, user=user, decision="approved")
    assert refused(
        lambda: Approval.objects.create(request=request, step=1, user=user, decision="approved")
    )
    assert not refused(
        lambda: Approval.objects.create(request=request, step=1, user=other, decision="approved")
    )


def test_a_decline_has_a_reason_and_ends_the_round():
    from approvals.models import Approval

    payable = factories.PayableFactory(status="SUBMITTED", review_round=False)
    request = _round(payable)
    user, other = factories.UserFactory(), factories.UserFactory()
    assert refused(
        lambda: Approval.objects.create(request=request, step=0, user=user, decision="declined")
    )
    Approval.objects.create(request=request, step=0, user=user, decision="declined", reason="No")
    assert refused(
        lambda: Approval.objects.create(
            request=request, step=0, user=other, decision="declined", reason="No either"
        )
    )
    assert refused(
        lambda: Approval.objects.create(request=request, step=0, user=other, decision="maybe")
    )


def test_an_assignment_names_a_user_or_a_role():
    from approvals.models import ApprovalAssignment

    request = _round(
        factories.PayableFactory(status="SUBMITTED", review_round=False), outcome="workflow"
    )
    user = factories.UserFactory()
    make = ApprovalAssignment.objects.create
    assert refused(lambda: make(request=request, position=0))
    assert refused(lambda: make(request=request, position=0, user=user, role="admin"))
    assert not refused(lambda: make(request=request, position=0, role="admin"))
