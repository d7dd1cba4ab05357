"""Demo data for the home and the reports (``seed_demo``): the demo invoices still to be paid
get due dates spread over the past weeks, so that the aging has something in every bucket and
the homes show bills due this week and overdue. Idempotent: dates are set from today by number."""

from datetime import timedelta

from django.utils import timezone

from payables.models import OPEN_STATUSES, Payable

# Invoice number → days from today to its due date (negative: past due).
DUE_IN_DAYS = {
    "DEMO-GLX-002": 4,
    "DEMO-GLX-003": -12,
    "DEMO-GLX-004": -38,
    "DEMO-INI-002": -67,
    "DEMO-INI-003": -95,
    "DEMO-GLX-005": 9,
}


def seed_cockpit(*, connections: dict) -> None:
    today = timezone.now().date()
    for number, days in DUE_IN_DAYS.items():
        due = today + timedelta(days=days)
        # Only the due dates of the demo's own open invoices; their status is left alone.
        Payable.objects.filter(
            connection__in=list(connections.values()),
            invoice_number=number,
            status__in=OPEN_STATUSES,
        ).update(due_date=due, issue_date=due - timedelta(days=30))
