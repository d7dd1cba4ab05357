"""Every admin page of every registered model opens for platform staff: the list, an object's
change page and, where adding is allowed, the add page. A 500 on any of them is a failure."""

import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import LoginFailure, MemberInvitation, User
from approvals.email_links import email_link_issue
from approvals.models import ApprovalRequest
from cleopay.core.models import IdempotencyKey, PendingTask
from credits.models import Credit, CreditApplication
from notifications.models import NotificationSettings
from payables.models import Payable
from tests import factories
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint

pytestmark = pytest.mark.django_db


def one_of_everything():
    """The demo (people, connections, workflows, payables with payments, transfers, approval
    rounds, notifications) plus a row of each model the demo leaves empty."""
    call_command("seed_demo", "--force", stdout=io.StringIO())
    alice = User.objects.get(email="alice@acme.example")
    business = alice.memberships.first().business
    Group.objects.create(name="Support")
    AuthToken.objects.create(user=alice)
    IdempotencyKey.objects.create(
        user=alice, method="POST", path="/api/businesses", key="k-1", request_hash="0" * 64
    )
    PendingTask.objects.create(task="notifications.tasks.send_notification_email", args=["x"])
    MemberInvitation.objects.create(business=business, email="new@acme.example", role="viewer")
    LoginFailure.objects.create(account="alice@acme.example", address="192.0.2.7")
    NotificationSettings.objects.create(user=alice, digest="daily", email_off=["member_joined"])
    factories.FileFactory(business=business)
    factories.CustomFieldDefinitionFactory(business=business, key="poNumber", label="PO number")
    payable = Payable.objects.filter(payer=business).order_by("pk").first()
    credit = Credit.objects.create(
        connection=payable.connection,
        payee=payable.payee,
        payer=payable.payer,
        amount=Decimal("5.00"),
    )
    CreditApplication.objects.create(credit=credit, payable=payable, amount=Decimal("1.00"))
    hook = WebhookEndpoint.objects.create(
        business=business, url="https://8.8.8.8/hooks", events=["*"], secret="whsec_dGVzdA=="
    )
    event = Event.objects.filter(business=business).order_by("pk").first()
    delivery = Delivery.objects.create(endpoint=hook, event=event, status="failed", attempts=1)
    DeliveryAttempt.objects.create(
        delivery=delivery, number=1, started_at=timezone.now(), duration_ms=12, response_status=500
    )
    pending = ApprovalRequest.objects.filter(status="pending").order_by("pk").first()
    email_link_issue(request=pending, user_id=alice.pk)


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser("root@example.com", "a staff password")
    client.force_login(staff)
    return client


def test_every_admin_list_change_and_add_page_renders(staff_client):
    one_of_everything()
    checked = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        obj = model.objects.order_by("pk").last()
        assert obj is not None, f"no {model._meta.label} to open: create one in one_of_everything"

        changelist = staff_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, (model, "changelist")
        change_url = reverse("admin:{}_{}_change".format(*info), args=[quote(obj.pk)])
        assert change_url.encode() in changelist.content, (model, "no link to the object")

        change = staff_client.get(change_url)
        assert change.status_code == 200, (model, "change", change.status_code)
        checked.append(model._meta.label)

        request = change.wsgi_request
        if model_admin.has_add_permission(request):
            add = staff_client.get(reverse("admin:{}_{}_add".format(*info)))
            assert add.status_code == 200, (model, "add", add.status_code)
    assert "payables.Payable" in checked


def test_a_payables_change_page_shows_its_payments(staff_client):
    payment = factories.PaymentFactory(rail_reference="ledger-ref-42")
    url = reverse("admin:payables_payable_change", args=[quote(payment.payable_id)])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert payment.id.encode() in response.content
    assert b"ledger-ref-42" in response.content
