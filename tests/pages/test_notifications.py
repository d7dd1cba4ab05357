"""Notifications in the pages: the bell's count, the list, opening one, marking all read."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from payables import services
from payables.models import PayableStatus as S
from tests.pages.conftest import text
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


def test_a_submitted_invoice_reaches_the_approvers_bell_and_list(world):
    payable = make_payable(world, S.DRAFT, invoice_number="INV-500")
    services.payable_submit(payable_id=payable.id, actor=world.payee_owner)
    client = world.client(world.payer_approver)
    url = reverse("notifications", args=[world.payer.id])

    inbox = text(client.get(reverse("inbox", args=[world.payer.id])))
    assert 'aria-label="Notifications, 1 unread"' in inbox
    page = text(client.get(url))
    assert "INV-500" in page and "New" in page

    notification = Notification.objects.get(user=world.payer_approver)
    opened = client.post(reverse("notification-open", args=[world.payer.id, notification.id]))
    assert opened["Location"] == reverse("payable-detail", args=[world.payer.id, payable.id])
    notification.refresh_from_db()
    assert notification.is_read
    assert 'aria-label="Notifications"' in text(client.get(url))


def test_mark_all_read_in_this_business(world):
    for number in ("INV-501", "INV-502"):
        payable = make_payable(world, S.DRAFT, invoice_number=number)
        services.payable_submit(payable_id=payable.id, actor=world.payee_owner)
    client = world.client(world.payer_owner)

    response = client.post(reverse("notifications-read-all", args=[world.payer.id]), follow=True)

    assert "2 notifications marked read." in text(response)
    assert not Notification.objects.filter(user=world.payer_owner, read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(world):
    payable = make_payable(world, S.DRAFT)
    services.payable_submit(payable_id=payable.id, actor=world.payee_owner)
    notification = Notification.objects.filter(user=world.payer_approver).get()

    response = world.client(world.payer_owner).post(
        reverse("notification-open", args=[world.payer.id, notification.id])
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_the_list_comes_in_pages_of_fifty(world):
    payable = make_payable(world, S.SUBMITTED)
    Notification.objects.bulk_create(
        Notification(
            user=world.payer_owner, business=world.payer, payable=payable,
            type="payable_submitted", message=f"Invoice number {i:03d} arrived",
        )
        for i in range(51)
    )  # fmt: skip
    client = world.client(world.payer_owner)
    url = reverse("notifications", args=[world.payer.id])

    first, second = text(client.get(url)), text(client.get(url + "?offset=50"))

    assert first.count("Invoice number") == 50 and second.count("Invoice number") == 1
    assert f'href="{url}?offset=50">Older' in first and "Newer" not in first
    assert f'href="{url}?offset=0">← Newer' in second and "Older" not in second
