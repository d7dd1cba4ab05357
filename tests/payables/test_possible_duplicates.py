"""Possible duplicates: each rule flags a look-alike bill for the payer (and a near miss does
not), the payee never sees the warning, and the payer's reviewer clears it on the record."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payables.models import Payable, PayableEvent, PayableStatus
from tests import factories

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 31)


def send(parties, number, amount="100.00", due=DUE, attachments=(), submit=True) -> dict:
    response = parties.client(parties.payee_owner).post(
        f"/api/businesses/{parties.payee.id}/payables",
        {
            "connectionId": parties.connection.id,
            "invoiceNumber": number,
            "amount": amount,
            "dueDate": due.isoformat(),
            "attachments": list(attachments),
            "submit": submit,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def as_payer(parties, payable_id, user=None) -> dict:
    response = parties.client(user or parties.payer_owner).get(f"/api/payables/{payable_id}")
    assert response.status_code == 200
    return response.json()


def pdf(parties, sha: str):
    return factories.FileFactory(business=parties.payee, sha256=sha)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("INV-0042", "inv 42"),
        ("INV/042", "INV-42"),
        ("00017", "17"),
        ("0A-1", "a1"),
        ("ab-7", "AB.07"),
    ],
)
def test_an_invoice_number_with_the_same_letters_and_digits_is_flagged(parties, first, second):
    earlier = send(parties, first, amount="10.00")
    later = send(parties, second, amount="99.00", due=DUE + datetime.timedelta(days=3))

    assert as_payer(parties, later["id"])["possibleDuplicates"] == [
        {"payableId": earlier["id"], "invoiceNumber": first, "reason": "invoice_number"}
    ]


def test_a_different_number_is_not_flagged(parties):
    send(parties, "INV-42", amount="10.00")
    later = send(parties, "INV-420", amount="20.00")

    assert as_payer(parties, later["id"])["possibleDuplicates"] == []


def test_the_same_number_on_another_connection_is_not_flagged(parties):
    send(parties, "INV-42")
    other = factories.ConnectionFactory(payer=parties.payer)
    foreign = factories.PayableFactory(
        connection=other, invoice_number="INV-0042", status=PayableStatus.SUBMITTED
    )

    assert Payable.objects.get(pk=foreign.pk).duplicate_key == "inv42"
    later = send(parties, "INV-0042-B")
    assert as_payer(parties, later["id"])["possibleDuplicates"] == [
        {"payableId": ANY_ID, "invoiceNumber": "INV-42", "reason": "amount_and_due_date"}
    ]


class _AnyId:
    def __eq__(self, other):
        return isinstance(other, str) and other.startswith("pay_")


ANY_ID = _AnyId()


def test_the_same_amount_and_due_date_within_90_days_is_flagged(parties):
    earlier = send(parties, "A-1", amount="1250.00")
    later = send(parties, "B-77", amount="1250.00")

    assert as_payer(parties, later["id"])["possibleDuplicates"] == [
        {"payableId": earlier["id"], "invoiceNumber": "A-1", "reason": "amount_and_due_date"}
    ]


def test_the_same_amount_and_due_date_older_than_90_days_is_not_flagged(parties):
    earlier = send(parties, "A-1", amount="1250.00")
    Payable.objects.filter(pk=earlier["id"]).update(
        submitted_at=timezone.now() - datetime.timedelta(days=91)
    )
    same_amount_other_day = send(parties, "C-3", amount="1250.00", due=DUE.replace(day=30))
    later = send(parties, "B-77", amount="1250.00")

    assert as_payer(parties, later["id"])["possibleDuplicates"] == []
    assert as_payer(parties, same_amount_other_day["id"])["possibleDuplicates"] == []


def test_the_same_attached_file_is_flagged(parties):
    earlier = send(parties, "A-1", amount="10.00", attachments=[pdf(parties, "a" * 64).id])
    later = send(parties, "Z-9", amount="20.00", attachments=[pdf(parties, "a" * 64).id])

    assert as_payer(parties, later["id"])["possibleDuplicates"] == [
        {"payableId": earlier["id"], "invoiceNumber": "A-1", "reason": "attachment"}
    ]


def test_a_different_attached_file_is_not_flagged(parties):
    send(parties, "A-1", amount="10.00", attachments=[pdf(parties, "a" * 64).id])
    later = send(parties, "Z-9", amount="20.00", attachments=[pdf(parties, "b" * 64).id])

    assert as_payer(parties, later["id"])["possibleDuplicates"] == []


def test_drafts_and_cancelled_bills_are_not_duplicates(parties):
    send(parties, "INV-1", submit=False)  # the payer never saw it
    cancelled = send(parties, "INV-01")
    parties.client(parties.payee_owner).post(
        f"/api/payables/{cancelled['id']}/cancel", {"reason": "wrong"}, format="json"
    )
    later = send(parties, "INV-001")

    assert as_payer(parties, later["id"])["possibleDuplicates"] == []


def test_the_payee_never_sees_the_warning(parties):
    send(parties, "INV-1")
    later = send(parties, "INV-01")

    assert "possibleDuplicates" not in later  # the payee's own response
    mine = parties.client(parties.payee_owner).get(f"/api/payables/{later['id']}").json()
    assert "possibleDuplicates" not in mine
    events = parties.client(parties.payee_owner).get(f"/api/payables/{later['id']}/events")
    assert "duplicate" not in events.content.decode()


def test_not_duplicate_clears_the_warning_and_the_payers_timeline_records_who(parties):
    earlier = send(parties, "INV-1")
    later = send(parties, "INV-01")

    response = parties.client(parties.payer_approver).post(
        f"/api/payables/{later['id']}/not-duplicate"
    )

    assert response.status_code == 200, response.content
    assert response.json()["possibleDuplicates"] == []
    assert response.json()["status"] == PayableStatus.SUBMITTED
    payer_events = parties.client(parties.payer_owner).get(f"/api/payables/{later['id']}/events")
    [cleared] = [e for e in payer_events.json()["results"] if e["type"] == "payable.not_duplicate"]
    assert cleared["actor"]["email"] == "approver@acme.test"
    assert cleared["note"] == "Not a duplicate of INV-1."
    payee_events = parties.client(parties.payee_owner).get(f"/api/payables/{later['id']}/events")
    assert "payable.not_duplicate" not in payee_events.content.decode()
    again = parties.client(parties.payer_approver).post(
        f"/api/payables/{later['id']}/not-duplicate"
    )
    assert again.status_code == 409
    assert earlier["id"] != later["id"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("payer_accountant", 403), ("payer_viewer", 403), ("payee_owner", 403), ("outsider", 404)],
)
def test_only_the_payers_reviewers_clear_the_warning(parties, who, status):
    send(parties, "INV-1")
    later = send(parties, "INV-01")

    response = parties.client(getattr(parties, who)).post(
        f"/api/payables/{later['id']}/not-duplicate"
    )

    assert response.status_code == status
    assert Payable.objects.get(pk=later["id"]).possible_duplicates
    assert not PayableEvent.objects.filter(type="payable.not_duplicate").exists()


def test_the_inbox_flags_the_row_and_the_detail_links_the_other_bill(parties):
    from django.test import Client

    earlier = send(parties, "INV-1")
    later = send(parties, "INV-01", amount=str(Decimal("5.00")))
    client = Client()
    client.force_login(parties.payer_owner)

    inbox = client.get(reverse("inbox", args=[parties.payer.id]) + "?tab=all").content.decode()
    detail = client.get(
        reverse("payable-detail", args=[parties.payer.id, later["id"]])
    ).content.decode()

    assert inbox.count("Possible duplicate") == 1
    assert "Possible duplicate" in detail
    assert reverse("payable-detail", args=[parties.payer.id, earlier["id"]]) in detail
    assert (
        reverse("payable-action", args=[parties.payer.id, later["id"], "not-duplicate"]) in detail
    )

    payee = Client()
    payee.force_login(parties.payee_owner)
    invoices = payee.get(reverse("invoices", args=[parties.payee.id]) + "?tab=all")
    payee_detail = payee.get(reverse("payable-detail", args=[parties.payee.id, later["id"]]))
    assert "duplicate" not in invoices.content.decode().lower()
    assert "duplicate" not in payee_detail.content.decode().lower()


def test_the_page_action_clears_the_warning(parties):
    from django.test import Client

    send(parties, "INV-1")
    later = send(parties, "INV-01")
    client = Client()
    client.force_login(parties.payer_admin)

    response = client.post(
        reverse("payable-action", args=[parties.payer.id, later["id"], "not-duplicate"])
    )

    assert response.status_code == 302
    assert Payable.objects.get(pk=later["id"]).possible_duplicates == []
