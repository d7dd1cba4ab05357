"""An edit of a declined payable records each field's old and new value: in the event (API) and
as a diff on the detail page."""

from decimal import Decimal

import pytest

from payables.models import PayableStatus
from tests import factories
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


def test_the_revision_of_a_declined_payable_records_old_and_new_values(parties, client):
    payable = make_payable(parties, PayableStatus.DECLINED, amount=Decimal("100.00"), memo="March")
    factories.LineItemFactory(payable=payable, description="Work", quantity=1)
    old_due = payable.due_date.isoformat()
    tag = factories.TagFactory(business=parties.payee, name="secret-label")
    api = parties.client(parties.payee_owner)
    response = api.patch(
        f"/api/payables/{payable.id}",
        {
            "memo": "March, corrected",
            "dueDate": "2026-12-31",
            "lineItems": [{"description": "Work", "quantity": 1, "unitPrice": "120.00"}],
            "tagIds": [tag.id],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert api.post(f"/api/payables/{payable.id}/submit").status_code == 200

    for viewer in (parties.payee_owner, parties.payer_owner):
        events = parties.client(viewer).get(f"/api/payables/{payable.id}/events").json()
        [updated] = [e for e in events["results"] if e["type"] == "payable.updated"]
        by_field = {c["field"]: (c["from"], c["to"]) for c in updated["changes"]}
        assert by_field["amount"] == (100.00, 120.00)
        assert by_field["memo"] == ("March", "March, corrected")
        assert by_field["dueDate"] == (old_due, "2026-12-31")
        assert by_field["lineItems"] == (
            [{"description": "Work", "quantity": 1, "unitPrice": 100.00, "total": 100.00}],
            [{"description": "Work", "quantity": 1, "unitPrice": 120.00, "total": 120.00}],
        )
        # The payee's own tags are named in the note, never their values.
        assert "tagIds" not in by_field
        assert "secret-label" not in str(updated)
        # Other events keep the contract's keys, with no changes.
        created = next(e for e in events["results"] if e["type"] != "payable.updated")
        assert created["changes"] is None
        assert {"id", "type", "actor", "businessId", "fromStatus", "toStatus", "note"} <= set(
            created
        )

    client.force_login(parties.payer_owner)
    page = client.get(f"/b/{parties.payer.id}/payables/{payable.id}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "100.00 → 120.00" in html.replace("&nbsp;", " ")
    assert "March → March, corrected" in html
    assert "Work (1 \u00d7 100.00) → Work (1 \u00d7 120.00)" in html
    assert "secret-label" not in html
