"""A payable's page and its actions: each confirmed, each through the service, each answered
the way the page asked (a redirect with a message, or an htmx event and no reload)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from payables.models import Payable, PaymentStatus
from payables.models import PayableStatus as S
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def action_url(world, payable, action, business=None):
    business = business or world.payer
    return reverse("payable-action", args=[business.id, payable.id, action])


def detail_url(world, payable, business=None):
    return reverse("payable-detail", args=[(business or world.payer).id, payable.id])


def status_of(payable) -> str:
    return Payable.objects.get(pk=payable.pk).status


def test_detail_shows_the_header_lines_approval_and_timeline_with_my_next_actions(world):
    payable = make_payable(world, S.SUBMITTED, invoice_number="INV-77", memo="March hosting")
    from tests import factories

    factories.LineItemFactory(payable=payable, description="Managed hosting", position=1)

    page = text(world.client(world.payer_approver).get(detail_url(world, payable)))

    assert "INV-77" in page and "from Globex" in page
    assert "$100.00" in page and "March hosting" in page
    assert "Managed hosting" in page
    assert 'id="approval-title"' in page and "Manual review" in page
    assert 'id="timeline-title"' in page
    assert action_url(world, payable, "approve") in page
    assert action_url(world, payable, "decline") in page
    # An approver neither schedules nor pays.
    assert action_url(world, payable, "pay") not in page


def test_the_payee_sees_no_approval_and_its_own_actions(world):
    payable = make_payable(world, S.DRAFT, invoice_number="INV-78")

    page = text(world.client(world.payee_owner).get(detail_url(world, payable, world.payee)))

    assert 'id="approval-title"' not in page
    assert reverse("payable-edit", args=[world.payee.id, payable.id]) in page
    assert action_url(world, payable, "submit", world.payee) in page
    assert action_url(world, payable, "approve", world.payee) not in page


def test_the_confirm_step_is_a_page_or_a_dialog_body(world):
    payable = make_payable(world, S.SUBMITTED)
    client = world.client(world.payer_approver)

    page = client.get(action_url(world, payable, "decline"))
    dialog = client.get(action_url(world, payable, "decline"), HTTP_HX_REQUEST="true")

    assert page.status_code == dialog.status_code == 200
    assert "<html" in text(page) and "<html" not in text(dialog)
    for body in (text(page), text(dialog)):
        assert f"Decline {payable.invoice_number}?" in body
        assert 'name="reason"' in body
    assert "data-close-dialog" in text(dialog)
    assert status_of(payable) == S.SUBMITTED  # looking changes nothing


def test_approve_with_a_plain_form_redirects_with_a_message(world):
    payable = make_payable(world, S.SUBMITTED)
    client = world.client(world.payer_approver)

    response = client.post(
        action_url(world, payable, "approve"), {"next": "https://evil.example/x"}
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(world, payable)
    assert status_of(payable) == S.APPROVED
    page = text(client.get(response["Location"]))
    assert f"{payable.invoice_number} approved." in page


def test_approve_with_htmx_answers_with_an_event_and_no_reload(world):
    payable = make_payable(world, S.SUBMITTED)
    inbox = reverse("inbox", args=[world.payer.id])

    response = world.client(world.payer_approver).post(
        action_url(world, payable, "approve"), {"next": inbox}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.content == b""
    event = json.loads(response["HX-Trigger"])
    assert event == {"cleopay:changed": {"message": f"{payable.invoice_number} approved."}}
    assert status_of(payable) == S.APPROVED


def test_decline_needs_a_reason_shown_beside_the_field(world):
    payable = make_payable(world, S.SUBMITTED)
    client = world.client(world.payer_approver)

    refused = client.post(action_url(world, payable, "decline"), {"reason": "  "})
    in_dialog = client.post(
        action_url(world, payable, "decline"), {"reason": ""}, HTTP_HX_REQUEST="true"
    )

    assert refused.status_code == 400
    assert in_dialog.status_code == 200  # htmx swaps only successes: the dialog shows the error
    for body in (text(refused), text(in_dialog)):
        assert (
            'id="f-reason" name="reason" rows="3" aria-required="true" aria-invalid="true"' in body
        )
        assert 'class="field-error" id="f-reason-error">' in body
    assert status_of(payable) == S.SUBMITTED

    client.post(action_url(world, payable, "decline"), {"reason": "Wrong PO number"})
    payable.refresh_from_db()
    assert payable.status == S.DECLINED
    assert payable.decline_reason == "Wrong PO number"


def test_schedule_with_a_date_then_pay(world):
    payable = make_payable(world, S.APPROVED)
    client = world.client(world.payer_admin)
    next_week = today() + datetime.timedelta(days=7)

    past = client.post(action_url(world, payable, "schedule"), {"date": "2020-01-01"})
    assert past.status_code == 400
    assert "Must be today" in text(past)

    client.post(action_url(world, payable, "schedule"), {"date": next_week.isoformat()})
    assert status_of(payable) == S.SCHEDULED
    assert payable.payments.get().scheduled_for == next_week

    response = client.post(action_url(world, payable, "pay"), HTTP_HX_REQUEST="true")
    message = json.loads(response["HX-Trigger"])["cleopay:changed"]["message"]
    assert message == f"{payable.invoice_number} paid: the money is on its way to Globex."
    assert status_of(payable) == S.PAID
    assert payable.payments.get().status == PaymentStatus.COMPLETED


def test_a_refused_action_says_why_and_changes_nothing(world):
    payable = make_payable(world, S.APPROVED)

    wrong_role = world.client(world.payer_approver).post(action_url(world, payable, "pay"))
    wrong_status = world.client(world.payer_admin).post(action_url(world, payable, "approve"))

    assert wrong_role.status_code == 403
    assert "does not allow this" in text(wrong_role)
    assert wrong_status.status_code == 409
    assert "This bill is approved, so it cannot be approved now." in text(wrong_status)
    assert status_of(payable) == S.APPROVED


def test_either_side_cancels_from_its_own_page(world):
    payee_side = make_payable(world, S.SUBMITTED)
    payer_side = make_payable(world, S.SCHEDULED)

    world.client(world.payee_owner).post(
        action_url(world, payee_side, "cancel", world.payee), {"reason": "Sent twice"}
    )
    world.client(world.payer_admin).post(action_url(world, payer_side, "cancel"), {"reason": ""})

    payee_side.refresh_from_db()
    assert payee_side.status == S.CANCELLED and payee_side.cancel_reason == "Sent twice"
    assert status_of(payer_side) == S.CANCELLED
    assert payer_side.payments.get().status == PaymentStatus.CANCELLED


def test_foreign_and_unknown_payables_are_not_found(world):
    payable = make_payable(world, S.SUBMITTED)
    draft = make_payable(world, S.DRAFT)
    outsider = world.client(world.outsider)
    payer = world.client(world.payer_owner)

    assert outsider.get(detail_url(world, payable)).status_code == 404
    assert outsider.post(action_url(world, payable, "approve")).status_code == 404
    # The payer never sees the payee's drafts.
    assert payer.get(detail_url(world, draft)).status_code == 404
    assert (
        payer.get(
            reverse("payable-action", args=[world.payer.id, payable.id, "explode"])
        ).status_code
        == 404
    )
    assert payer.get(detail_url(world, payable, world.payee)).status_code == 404
    assert status_of(payable) == S.SUBMITTED


def test_the_email_link_opens_the_payable_in_the_right_business(world):
    payable = make_payable(world, S.SUBMITTED)

    payer = world.client(world.payer_approver).get(f"/payables/{payable.id}")
    payee = world.client(world.payee_owner).get(f"/payables/{payable.id}")
    outsider = world.client(world.outsider).get(f"/payables/{payable.id}")

    assert payer["Location"] == detail_url(world, payable)
    assert payee["Location"] == detail_url(world, payable, world.payee)
    assert outsider.status_code == 404


def test_attachments_download_and_preview_inline_for_those_who_may_see_them(world):
    from payables.models import PayableAttachment
    from tests import factories

    payable = make_payable(world, S.SUBMITTED)
    pdf = factories.FileFactory(business=world.payee, original_filename="invoice.pdf")
    PayableAttachment.objects.create(payable=payable, file=pdf, position=1)
    url = reverse("file-download", args=[world.payer.id, pdf.id])

    download = world.client(world.payer_viewer).get(url)
    preview = world.client(world.payer_viewer).get(url + "?inline=1")

    assert download["Content-Disposition"].startswith('attachment; filename="invoice.pdf"')
    assert preview["Content-Disposition"].startswith('inline; filename="invoice.pdf"')
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(preview.streaming_content).startswith(b"%PDF")
    assert world.client(world.outsider).get(url).status_code == 404


def test_a_workflow_shows_its_steps_and_each_approval_moves_it_on(world):
    from tests import factories

    factories.approval_workflow(
        world.payer,
        name="Two keys",
        steps=[{"approvers": [world.payer_approver]}, {"roles": ["owner"]}],
    )
    from payables import services

    payable = make_payable(world, S.DRAFT, invoice_number="INV-2K")
    services.payable_submit(payable_id=payable.id, actor=world.payee_owner)

    # The owner's step is not reached yet: nothing awaits the owner.
    owner_page = text(world.client(world.payer_owner).get(detail_url(world, payable)))
    assert "Two keys" in owner_page
    assert action_url(world, payable, "approve") not in owner_page
    assert "Step 1" in owner_page and "waiting for approval" in owner_page

    response = world.client(world.payer_approver).post(
        action_url(world, payable, "approve"), HTTP_HX_REQUEST="true"
    )
    message = json.loads(response["HX-Trigger"])["cleopay:changed"]["message"]
    assert message == "Your approval of INV-2K is recorded; it now waits for the next approver."
    assert status_of(payable) == S.SUBMITTED

    owner_page = text(world.client(world.payer_owner).get(detail_url(world, payable)))
    assert "approver@acme.test approved" in owner_page
    assert action_url(world, payable, "approve") in owner_page
    world.client(world.payer_owner).post(action_url(world, payable, "approve"))
    assert status_of(payable) == S.APPROVED


def test_the_pay_dialog_asks_amount_method_reference_and_date(world):
    payable = make_payable(world, S.APPROVED, amount=Decimal("500.00"))
    client = world.client(world.payer_admin)

    dialog = text(client.get(action_url(world, payable, "pay")))
    assert all(label in dialog for label in ("Amount", "Method", "Reference", "Paid on"))
    assert "500.00" in dialog  # the amount due, offered

    too_much = client.post(action_url(world, payable, "pay"), {"amount": "500.01"})
    assert too_much.status_code == 400
    assert "Must be at most 500.00" in text(too_much)

    response = client.post(
        action_url(world, payable, "pay"),
        {"amount": "200.00", "method": "check", "reference": "CHK 77", "date": today().isoformat()},
        HTTP_HX_REQUEST="true",
    )
    message = json.loads(response["HX-Trigger"])["cleopay:changed"]["message"]
    assert message == f"$200.00 of {payable.invoice_number} paid; $300.00 is still due."
    page = text(client.get(detail_url(world, payable)))
    assert "Amount due" in page and "$300.00" in page and "Check" in page and "CHK 77" in page

    # the rest by ACH: the form's date field is sent too, and ignored for ACH
    client.post(
        action_url(world, payable, "pay"),
        {"amount": "300.00", "method": "ach", "reference": "", "date": today().isoformat()},
    )
    assert status_of(payable) == S.PAID
