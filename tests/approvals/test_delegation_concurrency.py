"""Delegations written at the same moment: the business's row lock lets one pass the overlap
and chain checks, and the other sees it."""

import pytest

from approvals import delegation
from approvals.models import Approval, Delegation
from cleopay.core.errors import Conflict
from payables import services
from payables.models import Payable
from tests.approvals.test_concurrency import _run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _create(review, by, to):
    return lambda: delegation.delegation_create(
        business_id=review.payer.id,
        actor=by,
        to_user_id=to.id,
        starts_on=delegation.today(),
        ends_on=delegation.today(),
    )


def test_two_overlapping_delegations_at_once_leave_one(review):
    outcomes = _run_at_once(
        [_create(review, review.ann, review.bob), _create(review, review.ann, review.cy)]
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
    assert errors[0].conflict_code == "delegation_overlap"
    assert Delegation.objects.count() == 1


def test_two_people_delegating_to_each_other_at_once_make_no_cycle(review):
    outcomes = _run_at_once(
        [_create(review, review.ann, review.bob), _create(review, review.bob, review.ann)]
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and errors[0].conflict_code == "delegation_chain", outcomes
    assert Delegation.objects.count() == 1


def test_the_delegator_and_the_delegate_approving_at_once_count_once(review):
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    _create(review, review.ann, review.bob)()
    pid = review.create()["id"]
    outcomes = _run_at_once(
        [
            lambda user=user: services.payable_approve(payable_id=pid, actor=user)
            for user in (review.ann, review.bob)
        ]
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert Approval.objects.filter(request__payable_id=pid).count() == 1
    assert Payable.objects.get(pk=pid).status == "APPROVED"
