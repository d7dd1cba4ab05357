"""The payer's custom fields on payables: types on every save, required ones on submit."""

import pytest

from payables.models import Payable
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(review):
    """A required PO number on the payable and a required cost center on each line."""
    make = factories.CustomFieldDefinitionFactory
    return {
        "po": make(business=review.payer, key="po", label="PO number", required=True),
        "cost_center": make(
            business=review.payer,
            key="cost_center",
            type="select",
            options=["R&D", "Sales"],
            required=True,
            scope="line_item",
        ),
        "hours": make(business=review.payer, key="hours", type="number", scope="line_item"),
    }


LINES = [
    {"description": "Design", "quantity": 2, "unitPrice": "100.00"},
    {"description": "Build", "quantity": 1, "unitPrice": "300.00"},
]


def create(review, **body):
    return review.api(review.payee_owner).post(
        f"/api/businesses/{review.payee.id}/payables",
        {"connectionId": review.connection.id, **body},
        format="json",
    )


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_required_fields_at_both_scopes_block_a_create_and_submit(review, fields):
    response = create(review, lineItems=LINES, submit=True)
    assert response.status_code == 400
    assert errors(response) == {
        "customFields.po": "This field is required.",
        "lineItems[0].customFields.cost_center": "This field is required.",
        "lineItems[1].customFields.cost_center": "This field is required.",
    }
    assert not Payable.objects.exists()


def test_a_draft_may_leave_them_empty_and_submit_names_each_missing_one(review, fields):
    lines = [LINES[0], {**LINES[1], "customFields": {"cost_center": "Sales"}}]
    draft = create(review, lineItems=lines, customFields={"po": ""})
    assert draft.status_code == 201, draft.content
    pid = draft.json()["id"]
    response = review.submit(pid)
    assert response.status_code == 400
    assert errors(response) == {
        "customFields.po": "This field is required.",
        "lineItems[0].customFields.cost_center": "This field is required.",
    }
    assert Payable.objects.get(pk=pid).status == "DRAFT"

    payee = review.api(review.payee_owner)
    filled = payee.patch(
        f"/api/payables/{pid}",
        {
            "customFields": {"po": "PO-42"},
            "lineItems": [
                {**LINES[0], "customFields": {"cost_center": "R&D", "hours": "12.5"}},
                {**LINES[1], "customFields": {"cost_center": "Sales"}},
            ],
        },
        format="json",
    )
    assert filled.status_code == 200, filled.content
    submitted = review.submit(pid)
    assert submitted.status_code == 200, submitted.content
    data = submitted.json()
    assert data["status"] == "SUBMITTED"
    assert data["customFields"] == {"po": "PO-42"}
    assert [line["customFields"] for line in data["lineItems"]] == [
        {"cost_center": "R&D", "hours": 12.5},
        {"cost_center": "Sales"},
    ]


def test_filled_in_at_create_it_submits_at_once(review, fields):
    lines = [{**line, "customFields": {"cost_center": "R&D"}} for line in LINES]
    response = create(review, lineItems=lines, customFields={"po": "PO-1"}, submit=True)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "SUBMITTED"


def test_values_are_checked_by_type_on_every_save(review, fields):
    factories.CustomFieldDefinitionFactory(business=review.payer, key="due", type="date")
    factories.CustomFieldDefinitionFactory(business=review.payer, key="urgent", type="boolean")
    bad_lines = [{**LINES[0], "customFields": {"cost_center": "Marketing", "hours": "lots"}}]
    response = create(
        review,
        lineItems=bad_lines,
        customFields={"po": 7, "due": "31/12/2026", "urgent": "yes", "nope": "x"},
    )
    assert response.status_code == 400
    assert errors(response) == {
        "customFields.po": "Must be a string.",
        "customFields.due": "Must be a date as YYYY-MM-DD.",
        "customFields.urgent": "Must be true or false.",
        "customFields.nope": "Unknown custom field.",
        "lineItems[0].customFields.cost_center": 'Must be one of "R&D", "Sales".',
        "lineItems[0].customFields.hours": "Must be a number.",
    }
    draft = create(review, amount="10.00").json()
    edit = review.api(review.payee_owner).patch(
        f"/api/payables/{draft['id']}", {"customFields": {"cost_center": "R&D"}}, format="json"
    )
    assert edit.status_code == 400
    assert errors(edit) == {"customFields.cost_center": "This field belongs on line items."}


def test_numbers_are_stored_exactly(review, fields):
    raw = (
        '{"connectionId": "CONN", "customFields": {"po": "PO-9"}, "lineItems": [{"description": '
        '"x", "quantity": 1, "unitPrice": 10, "customFields": {"cost_center": "R&D", '
        '"hours": 0.10}}]}'
    ).replace("CONN", review.connection.id)
    response = review.api(review.payee_owner).generic(
        "POST",
        f"/api/businesses/{review.payee.id}/payables",
        raw,
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert b'"hours":0.10' in response.content
    again = review.api(review.payee_owner).get(f"/api/payables/{response.json()['id']}")
    assert b'"hours":0.10' in again.content


def test_values_of_a_removed_definition_stay_readable(review, fields):
    lines = [{**LINES[0], "customFields": {"cost_center": "R&D"}}]
    pid = create(review, lineItems=lines, customFields={"po": "PO-7"}, submit=True).json()["id"]
    owner = review.api(review.owner)
    assert owner.delete(f"/api/custom-fields/{fields['po'].id}").status_code == 204
    seen = review.seen_by_payer(pid)
    assert seen["customFields"] == {"po": "PO-7"}
    # and the payee may resubmit after a decline: the retired field is no longer required
    review.decline(review.ann, pid)
    payee = review.api(review.payee_owner)
    assert payee.patch(f"/api/payables/{pid}", {"memo": "again"}, format="json").status_code == 200
    assert review.submit(pid).status_code == 200


def test_an_inactive_definition_is_not_enforced(review, fields):
    review.api(review.owner).patch(
        f"/api/custom-fields/{fields['po'].id}", {"active": False}, format="json"
    )
    lines = [{**LINES[0], "customFields": {"cost_center": "Sales"}}]
    assert create(review, lineItems=lines, submit=True).status_code == 201
