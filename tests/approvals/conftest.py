"""Fixtures of the review tests: a payee and a payer with a team of approvers, over HTTP."""

from types import SimpleNamespace

import pytest

from tests import factories


class Review(SimpleNamespace):
    """Globex (payee) sends invoices to Acme (payer); helpers act over the API as a person would."""

    def create(self, amount="1500.00", *, submit=True, user=None, connection=None, **fields):
        response = self.api(user or self.payee_owner).post(
            f"/api/businesses/{(connection or self.connection).payee_id}/payables",
            {
                "connectionId": (connection or self.connection).id,
                "amount": amount,
                "submit": submit,
                **fields,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    def approve(self, user, payable_id):
        return self.api(user).post(f"/api/payables/{payable_id}/approve")

    def decline(self, user, payable_id, reason="Wrong rate"):
        return self.api(user).post(
            f"/api/payables/{payable_id}/decline", {"reason": reason}, format="json"
        )

    def submit(self, payable_id, user=None):
        return self.api(user or self.payee_owner).post(f"/api/payables/{payable_id}/submit")

    def seen_by_payer(self, payable_id, user=None):
        response = self.api(user or self.owner).get(f"/api/payables/{payable_id}")
        assert response.status_code == 200, response.content
        return response.json()

    def awaiting(self, user):
        response = self.api(user).get(
            f"/api/businesses/{self.payer.id}/payables?awaitingMyApproval=true"
        )
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    def workflow(self, *, steps, **fields):
        """Create a workflow of the payer over the API; ``steps`` as the API takes them."""
        response = self.api(self.owner).post(
            f"/api/businesses/{self.payer.id}/approval-workflows",
            {"name": fields.pop("name", "Workflow"), "steps": steps, **fields},
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()


@pytest.fixture
def review(db, api):
    """Acme pays Globex (``factories.acme_pays_globex``) with the payer's review team: ``owner``,
    ``admin``, the approvers ``ann``, ``bob`` and ``cy``, and a ``viewer``."""
    world = factories.acme_pays_globex(
        people=(
            "payee_owner",
            "payee_accountant",
            "payer_owner",
            "payer_admin",
            "ann",
            "bob",
            "cy",
            "payer_viewer",
        ),
        net_terms=None,
        full_names=False,
        outsider=False,
    )
    return Review(
        api=api,
        payee=world.payee,
        payer=world.payer,
        connection=world.connection,
        payee_owner=world.payee_owner,
        payee_accountant=world.payee_accountant,
        owner=world.payer_owner,
        admin=world.payer_admin,
        ann=world.ann,
        bob=world.bob,
        cy=world.cy,
        viewer=world.payer_viewer,
    )
