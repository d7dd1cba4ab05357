"""``seed_demo`` shows Acme's approval workflow at work."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from approvals import delegation
from approvals.demo import WORKFLOW_NAME
from approvals.models import ApprovalRequest, ApprovalWorkflow, Delegation
from payables.models import Payable

pytestmark = pytest.mark.django_db


def test_the_demo_routes_large_invoices_through_acmes_two_steps():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert ApprovalWorkflow.objects.filter(name=WORKFLOW_NAME).count() == 1

    waiting = Payable.objects.get(invoice_number="DEMO-GLX-002")  # 2,500.00, submitted
    request = ApprovalRequest.objects.get(payable=waiting)
    assert (request.outcome, request.status, request.current_step) == ("workflow", "pending", 0)
    aaron = User.objects.get(email="aaron@acme.example")
    assert waiting in Payable.objects.awaiting_approval_by(aaron, waiting.payer_id)

    paid = Payable.objects.get(invoice_number="DEMO-GLX-005")  # scheduled after both steps
    decided = ApprovalRequest.objects.get(payable=paid)
    assert decided.status == "approved"
    assert [a.user.email for a in decided.approvals.order_by("step")] == [
        "aaron@acme.example",
        "alice@acme.example",
    ]
    small = Payable.objects.get(invoice_number="DEMO-GLX-003")  # hosting, under $1,000
    assert ApprovalRequest.objects.get(payable=small).outcome == "manual_review"


def test_the_demo_shows_an_active_delegation():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    (active,) = Delegation.objects.all()
    assert (active.from_user.email, active.to_user.email) == (
        "aaron@acme.example",
        "abby@acme.example",
    )
    assert active.is_active_on(delegation.today())
    # Abby sees what awaits Aaron, on his behalf.
    waiting = Payable.objects.get(invoice_number="DEMO-GLX-002")
    assert waiting in Payable.objects.awaiting_approval_by(active.to_user, waiting.payer_id)
