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
