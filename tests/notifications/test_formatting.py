"""Amounts, dates and times as a person reads them, in notifications and e-mails, in the
recipient's own time zone."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from cleopay.core.formats import format_date, format_money, format_time
from notifications import services
from payables.models import PayableStatus
from tests import factories
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


def test_one_formatter_for_money_dates_and_times():
    from django.utils import timezone

    assert format_money(Decimal("2833.33")) == "$2,833.33"
    assert format_money(Decimal("-5")) == "-$5.00"
    assert format_date(datetime.date(2027, 1, 2)) == "Jan 2, 2027"
    assert format_date("2027-01-02") == "Jan 2, 2027"
    moment = datetime.datetime(2026, 12, 3, 23, 30, tzinfo=datetime.UTC)
    assert format_time(moment) == "Dec 3, 2026 23:30 UTC"
    with timezone.override("Asia/Tokyo"):
        assert format_time(moment) == "Dec 4, 2026 08:30 JST"


def test_the_approval_e_mail_reads_like_an_invoice_in_the_recipients_time_zone():
    world = factories.payee_and_payer()
    world.payer_approver.time_zone = "Europe/Paris"
    world.payer_approver.save()
    payable = make_payable(
        world,
        PayableStatus.SUBMITTED,
        amount=Decimal("2833.33"),
        due_date=datetime.date(2027, 1, 2),
        submitted_at=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC),
        invoice_number="INV-42",
    )

    [notification] = services.notify_approval_requested(
        payable=payable, user_ids=[world.payer_approver.id]
    )
    services.notification_email_send(notification_id=notification.id)

    assert "for $2,833.33 awaits your approval" in notification.message
    [message] = mail.outbox
    for body in (message.body, message.alternatives[0][0]):
        assert "$2,833.33, due Jan 2, 2027." in body
        assert "Submitted Dec 3, 2026 11:00 CET." in body
        assert "USD" not in body and "2027-01-02" not in body
