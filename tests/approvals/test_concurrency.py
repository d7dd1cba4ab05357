"""Approvals at the same moment: the payable's row lock makes the last slot count once."""

import threading

import pytest
from django.db import connections

from approvals.models import Approval
from cleopay.core.errors import Conflict
from payables import services
from payables.models import Payable, PayableEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_at_once(targets):
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            outcomes.append(target())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_approvers_taking_the_last_slot_at_once_approve_it_once(review):
    review.workflow(
        steps=[
            {"approverIds": [review.ann.id, review.bob.id, review.cy.id], "requiredApprovals": 2}
        ]
    )
    pid = review.create()["id"]
    assert review.approve(review.ann, pid).json()["status"] == "SUBMITTED"

    outcomes = _run_at_once(
        [
            lambda user=user: services.payable_approve(payable_id=pid, actor=user)
            for user in (review.bob, review.cy)
        ]
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes  # the late one: 409
    assert Payable.objects.get(pk=pid).status == "APPROVED"
    assert Approval.objects.filter(request__payable_id=pid, decision="approved").count() == 2
    assert PayableEvent.objects.filter(payable_id=pid, type="payable.approved").count() == 1


def test_one_person_clicking_approve_twice_at_once_counts_once(review):
    review.workflow(steps=[{"approverRoles": ["approver"], "requiredApprovals": 2}])
    pid = review.create()["id"]
    outcomes = _run_at_once(
        [lambda: services.payable_approve(payable_id=pid, actor=review.ann) for _ in range(3)]
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert Approval.objects.filter(request__payable_id=pid).count() == 1
    assert Payable.objects.get(pk=pid).status == "SUBMITTED"
