"""Creating and submitting a payable costs a fixed number of statements, however many line
items, attachments and tags it has (each kind is one INSERT) and however many people are told.

Counted from the request's first query (the token with its user and roles) to the response:
the savepoint of the transaction is a statement too. Nothing is read back for the response:
it is built from what was written.
"""

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db

# The token with its user and roles; the transaction's savepoint; the connection (locked, with
# both businesses), the payer's custom fields, the files, the tags. The submission, routed
# before anything is written: the payer's candidate workflows, the review round, the possible
# duplicates (two queries: payables.duplicates, the files' hashes in hand). The payable's one
# INSERT, already SUBMITTED (no savepoint of its own: the number was given, a clash ends the
# request); its lines, attachments and tags (one INSERT each). The approvers (a round opened a
# moment ago has no approvals to read), which of them are away (their delegates, read in one
# query for all of them), their notifications (one INSERT), the payer's owners and admins (all
# of them approvers here, so told once). Both events in one INSERT, and their rows of the event
# feed in one more (webhooks.capture, for every side that sees them). The savepoint's release.
CREATE_AND_SUBMIT = 21


def _world(parties, *, lines: int, extra: int):
    """A body with ``lines`` line items and ``extra`` attachments and tags; as many more
    approvers at the payer."""
    for _ in range(extra):
        factories.member(parties.payer, "approver")
    tags = [factories.TagFactory(business=parties.payee) for _ in range(extra)]
    files = [factories.FileFactory(business=parties.payee) for _ in range(extra)]
    return {
        "connectionId": parties.connection.id,
        "invoiceNumber": f"N-{lines}-{extra}",
        "lineItems": [
            {"description": f"Line {i}", "quantity": 2, "unitPrice": "10.50"} for i in range(lines)
        ],
        "attachments": [f.id for f in files],
        "tagIds": [t.id for t in tags],
        "submit": True,
    }


@pytest.mark.parametrize(("lines", "extra"), [(1, 1), (3, 1), (25, 10)])
def test_create_and_submit_costs_the_same_statements_whatever_it_holds(parties, lines, extra):
    body = _world(parties, lines=lines, extra=extra)
    client = parties.client(parties.payee_owner)
    with CaptureQueriesContext(db_connection) as queries:
        response = client.post(f"/api/businesses/{parties.payee.id}/payables", body, format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["lineItems"]) == lines
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == CREATE_AND_SUBMIT, "\n".join(s[:120] for s in statements)
