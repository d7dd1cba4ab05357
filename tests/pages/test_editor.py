"""The invoice editor: prefilled, line items in place, attachments, the payer's custom fields,
save and submit through the services, errors beside their fields, decline and resubmit."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payables.models import Payable
from payables.models import PayableStatus as S
from tests import factories
from tests.factories import PDF_BYTES
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def new_url(world):
    return reverse("invoice-new", args=[world.payee.id])


def edit_url(world, payable):
    return reverse("payable-edit", args=[world.payee.id, payable.id])


def lines(*rows):
    """Form data of line items: rows of (description, quantity, unit price)."""
    return {
        "description": [r[0] for r in rows],
        "quantity": [r[1] for r in rows],
        "unitPrice": [r[2] for r in rows],
        "accountingCategory": ["" for _r in rows],
    }


def test_a_new_invoice_is_prefilled_from_the_connection(world):
    make_payable(world, S.SUBMITTED, invoice_number="INV-000001")

    page = text(world.client(world.payee_accountant).get(new_url(world)))

    due = (today() + datetime.timedelta(days=30)).isoformat()
    assert 'name="invoiceNumber" value="INV-000002"' in page
    assert f'name="dueDate" value="{due}"' in page
    assert "Net 30" in page
    # The only active connection is chosen already.
    assert f'<option value="{world.connection.id}" selected>' in page


def test_create_with_three_lines_and_an_attachment_then_submit(world):
    client = world.client(world.payee_accountant)
    page = text(client.get(new_url(world)))
    assert "INV-000001" in page

    response = client.post(
        new_url(world),
        {
            "connectionId": world.connection.id,
            "invoiceNumber": "INV-000001",
            "suggestedNumber": "INV-000001",
            "dueDate": "",
            "memo": "March work",
            **lines(("Design", "10", "120.00"), ("Build", "2.5", "80.10"), ("Hosting", "1", "45")),
            "newAttachments": SimpleUploadedFile("timesheet.pdf", PDF_BYTES, "application/pdf"),
            "action": "submit",
        },
    )

    payable = Payable.objects.get(payee=world.payee)
    assert response.status_code == 302
    assert response["Location"] == reverse("payable-detail", args=[world.payee.id, payable.id])
    assert payable.status == S.SUBMITTED
    assert payable.invoice_number == "INV-000001"
    assert payable.amount == Decimal("1445.25")  # 1200 + 200.25 + 45
    assert payable.due_date == today() + datetime.timedelta(days=30)
    assert [line.description for line in payable.line_items.all()] == ["Design", "Build", "Hosting"]
    assert payable.attachments.get().original_filename == "timesheet.pdf"
    assert payable.created_by == world.payee_accountant
    assert "submitted to Acme" in text(client.get(response["Location"]))


def test_save_draft_keeps_it_editable(world):
    client = world.client(world.payee_owner)

    response = client.post(
        new_url(world),
        {"connectionId": world.connection.id, **lines(("Design", "1", "10")), "action": "save"},
    )

    payable = Payable.objects.get(payee=world.payee)
    assert payable.status == S.DRAFT
    assert response["Location"] == edit_url(world, payable)
    page = text(client.get(edit_url(world, payable)))
    assert 'name="description" value="Design"' in page


def test_errors_are_shown_beside_their_fields_and_nothing_is_saved(world):
    make_payable(world, S.SUBMITTED, invoice_number="TAKEN-1")
    client = world.client(world.payee_owner)

    response = client.post(
        new_url(world),
        {
            "connectionId": world.connection.id,
            "invoiceNumber": "TAKEN-1",
            **lines(("Design", "1", "10"), ("Build", "1", "12.345")),
            "action": "submit",
        },
    )

    assert response.status_code == 400
    page = text(response)
    # The second row's unit price, beside that input, and the typed values kept.
    second = page[page.index('value="Build"') :]
    assert 'value="12.345"' in second
    assert "Must have at most 2 decimal places." in second[: second.index("</tr>")]
    assert Payable.objects.filter(payee=world.payee).count() == 1

    duplicate = client.post(
        new_url(world),
        {"connectionId": world.connection.id, "invoiceNumber": "TAKEN-1",
         **lines(("Design", "1", "10")), "action": "save"},
    )  # fmt: skip
    assert duplicate.status_code == 409
    assert 'id="f-invoiceNumber-error">Invoice number TAKEN-1 is already used' in text(duplicate)


def test_an_invoice_needs_a_line(world):
    response = world.client(world.payee_owner).post(
        new_url(world),
        {"connectionId": world.connection.id, **lines(("", "1", "")), "action": "save"},
    )

    assert response.status_code == 400
    assert "Add at least one line item." in text(response)
    assert not Payable.objects.exists()


def test_lines_are_added_and_removed_without_javascript(world):
    client = world.client(world.payee_owner)
    data = {"connectionId": world.connection.id, **lines(("A", "1", "1"), ("B", "2", "2"))}

    added = text(client.post(new_url(world), {**data, "action": "add_line"}))
    removed = text(client.post(new_url(world), {**data, "action": "remove_line:0"}))

    assert added.count('name="description"') == 3
    assert removed.count('name="description"') == 1
    assert 'value="B"' in removed and 'value="A"' not in removed
    assert not Payable.objects.exists()


def test_htmx_adds_a_blank_row_with_the_payers_line_fields(world):
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="cost_center", label="Cost center", scope="line_item"
    )

    row = text(
        world.client(world.payee_owner).get(
            reverse("invoice-line-row", args=[world.payee.id]),
            {"connectionId": world.connection.id},
        )
    )

    assert row.lstrip().startswith("<tr")
    assert 'name="description" value=""' in row
    assert 'name="lineItems.customFields.cost_center"' in row


@pytest.mark.parametrize("connection_id", ["conn_\x00", "nope", "conn_" + "x" * 300])
def test_a_line_row_for_an_id_no_connection_can_have_is_a_plain_row(world, connection_id):
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="cost_center", label="Cost center", scope="line_item"
    )

    response = world.client(world.payee_owner).get(
        reverse("invoice-line-row", args=[world.payee.id]), {"connectionId": connection_id}
    )

    assert response.status_code == 200
    assert 'name="description" value=""' in text(response)
    assert "cost_center" not in text(response)


def test_the_payers_custom_fields_are_asked_with_required_ones_marked(world):
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="po_number", label="PO number", required=True
    )
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="urgent", label="Urgent", type="boolean"
    )
    client = world.client(world.payee_owner)

    page = text(client.get(new_url(world)))
    assert "Acme asks for" in page
    assert 'PO number <span class="required-mark" aria-hidden="true">*</span>' in page
    assert 'name="customFields.urgent"' in page

    client.post(
        new_url(world),
        {"connectionId": world.connection.id, **lines(("A", "1", "1")),
         "customFields.po_number": "PO-7", "customFields.urgent": "true", "action": "save"},
    )  # fmt: skip
    assert Payable.objects.get().custom_fields == {"po_number": "PO-7", "urgent": True}


def test_a_declined_invoice_shows_the_reason_and_is_resubmitted(world):
    payable = make_payable(world, S.DECLINED, decline_reason="Split the hours by project")
    factories.LineItemFactory(payable=payable, description="Hours", position=1)
    client = world.client(world.payee_owner)

    page = text(client.get(edit_url(world, payable)))
    assert "Declined by Acme" in page and "Split the hours by project" in page
    assert page.index("Split the hours by project") < page.index('id="editor-form"')

    response = client.post(
        edit_url(world, payable),
        {**lines(("Project A", "1", "60"), ("Project B", "1", "40")),
         "invoiceNumber": payable.invoice_number, "dueDate": payable.due_date.isoformat(),
         "action": "submit"},
    )  # fmt: skip

    payable.refresh_from_db()
    assert response.status_code == 302
    assert payable.status == S.SUBMITTED
    assert payable.decline_reason == ""
    assert payable.line_items.count() == 2


def test_only_drafts_and_declined_invoices_open_in_the_editor(world):
    payable = make_payable(world, S.APPROVED)

    response = world.client(world.payee_owner).get(edit_url(world, payable))

    assert response.status_code == 302
    assert response["Location"] == reverse("payable-detail", args=[world.payee.id, payable.id])


def test_who_may_write_invoices(world):
    payable = make_payable(world, S.DRAFT)

    assert world.client(world.payer_owner).get(new_url(world)).status_code == 404
    assert world.client(world.outsider).get(edit_url(world, payable)).status_code == 404
    # The payer's owner cannot open the payee's draft, even by its ID.
    payer_view = reverse("payable-edit", args=[world.payer.id, payable.id])
    assert world.client(world.payer_owner).get(payer_view).status_code == 404
    viewer = factories.member(world.payee, "viewer")
    assert world.client(viewer).get(new_url(world)).status_code == 403


def test_a_file_of_the_wrong_type_is_refused_beside_the_attachments(world):
    response = world.client(world.payee_owner).post(
        new_url(world),
        {"connectionId": world.connection.id, **lines(("A", "1", "1")),
         "newAttachments": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary", "application/pdf"),
         "action": "save"},
    )  # fmt: skip

    assert response.status_code == 400
    assert 'id="f-attachments-error">run.exe: Unsupported file type' in text(response)
    assert not Payable.objects.exists()


def test_required_fields_are_refused_at_submit_beside_their_inputs(world):
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="po_number", label="PO number", required=True
    )
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="cost_center", label="Cost center", scope="line_item",
        type="select", options=["Ops", "Sales"], required=True,
    )  # fmt: skip
    client = world.client(world.payee_owner)
    data = {
        "connectionId": world.connection.id,
        **lines(("A", "1", "10"), ("B", "1", "20")),
        "lineItems.customFields.cost_center": ["Ops", ""],
    }

    # A draft may leave them empty...
    assert client.post(new_url(world), {**data, "action": "save"}).status_code == 302
    payable = Payable.objects.get()
    # ...submitting may not: each error beside its input, on the right row.
    response = client.post(edit_url(world, payable), {**data, "action": "submit"})

    assert response.status_code == 400
    page = text(response)
    assert 'id="f-customFields-po_number-error">This field is required.' in page
    second_row = page[page.index('value="B"') :]
    second_row = second_row[: second_row.index("</tr>")]
    assert "This field is required." in second_row
    first_row = page[page.index('value="A"') :]
    assert "This field is required." not in first_row[: first_row.index("</tr>")]
    payable.refresh_from_db()
    assert payable.status == S.DRAFT

    client.post(
        edit_url(world, payable),
        {**data, "lineItems.customFields.cost_center": ["Ops", "Sales"],
         "customFields.po_number": "PO-1", "action": "submit"},
    )  # fmt: skip
    payable.refresh_from_db()
    assert payable.status == S.SUBMITTED
    assert [line.custom_fields for line in payable.line_items.all()] == [
        {"cost_center": "Ops"},
        {"cost_center": "Sales"},
    ]


def test_the_customers_are_listed_by_alias_or_name_escaped_and_active_only(world):
    world.connection.payee_alias = 'Our <best> "customer"'
    world.connection.save()
    smith = factories.BusinessFactory(name="Smith & <Sons>")
    named = factories.ConnectionFactory(payer=smith, payee=world.payee)
    gone = factories.ConnectionFactory(payee=world.payee, status="archived")
    elsewhere = factories.ConnectionFactory()  # between two other businesses

    client = world.client(world.payee_owner)
    page = text(client.get(new_url(world)))
    foreign = text(client.get(new_url(world) + f"?connectionId={elsewhere.id}"))

    assert '<option value="">Choose a customer</option>' in page
    assert f'<option value="{named.id}">Smith &amp; &lt;Sons&gt;</option>' in page
    assert (
        f'<option value="{world.connection.id}">Our &lt;best&gt; &quot;customer&quot;</option>'
        in page
    )
    assert gone.id not in page and elsewhere.id not in page
    assert " selected" not in foreign.split('id="f-connectionId"')[1].split("</select>")[0]


def test_choosing_another_customer_updates_what_was_suggested_only(world):
    initech = factories.BusinessFactory(name="Initech")
    other = factories.ConnectionFactory(payer=initech, payee=world.payee, net_terms=10)
    factories.CustomFieldDefinitionFactory(business=initech, key="ticket", label="Ticket")
    client = world.client(world.payee_owner)
    due30 = (today() + datetime.timedelta(days=30)).isoformat()
    form = {
        "suggestedNumber": "INV-000001",
        "suggestedDueDate": due30,
        "invoiceNumber": "INV-000001",
        "dueDate": due30,
        "memo": "Kept",
        **lines(("Kept line", "1", "5")),
        "action": "refresh",
    }

    page = text(client.post(new_url(world), {**form, "connectionId": other.id}))
    typed = text(
        client.post(new_url(world), {**form, "connectionId": other.id, "invoiceNumber": "MY-1"})
    )

    due10 = (today() + datetime.timedelta(days=10)).isoformat()
    assert f'name="dueDate" value="{due10}"' in page
    assert 'name="customFields.ticket"' in page  # Initech's field, not Acme's
    assert 'value="Kept line"' in page and "Kept</textarea>" in page
    assert 'name="invoiceNumber" value="MY-1"' in typed  # what the user typed stays
    assert not Payable.objects.exists()


def test_the_payers_extras_in_the_editor_multi_select_placeholder_and_conditions(world):
    make = factories.CustomFieldDefinitionFactory
    make(business=world.payer, key="regions", type="multi_select", options=["EU", "US", "APAC"])
    make(business=world.payer, key="hasPo", type="boolean")
    make(
        business=world.payer,
        key="poNumber",
        placeholder="PO-0000",
        required=True,
        visible_when={"key": "hasPo", "equals": True},
    )
    client = world.client(world.payee_accountant)
    page = text(client.get(new_url(world)))
    assert 'select multiple id="f-customFields-regions" name="customFields.regions"' in page
    assert 'placeholder="PO-0000"' in page
    assert (
        'data-visible-when="{&quot;key&quot;: &quot;hasPo&quot;, &quot;equals&quot;: true}"' in page
    )

    response = client.post(
        new_url(world),
        {
            "connectionId": world.connection.id,
            **lines(("Design", "1", "100")),
            "customFields.regions": ["EU", "APAC"],
            "customFields.hasPo": "false",
            "customFields.poNumber": "typed before hasPo was changed",
            "action": "submit",
        },
    )
    assert response.status_code == 302, text(response)
    payable = Payable.objects.get(payee=world.payee)
    assert payable.status == S.SUBMITTED  # the hidden required PO number is not required
    assert payable.custom_fields == {"regions": ["EU", "APAC"], "hasPo": False}
