"""requireSeparatePayer (docs/api/banking.md): whoever approved a payable may not schedule or pay it."""

import pytest

from accounts.models import Business
from payables.models import Payable, PayableStatus
from tests.payables.helpers import make_payable, today

S = PayableStatus
pytestmark = pytest.mark.django_db


def settings_patch(parties, body, user=None):
    return parties.client(user or parties.payer_owner).patch(
        f"/api/businesses/{parties.payer.id}/settings", body, format="json"
    )


def approved_by_admin(parties) -> Payable:
    payable = make_payable(parties, S.SUBMITTED)
    response = parties.client(parties.payer_admin).post(f"/api/payables/{payable.id}/approve")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.APPROVED
    return payable


def test_the_setting_is_read_and_written(parties):
    response = settings_patch(parties, {"requireSeparatePayer": True})
    assert response.status_code == 200, response.content
    assert response.json()["requireSeparatePayer"] is True
    assert response.json()["defaultApprovalAction"] == "manual_review"  # left as it was
    assert settings_patch(parties, {}).status_code == 400
    assert settings_patch(parties, {"requireSeparatePayer": "maybe"}).status_code == 400
    assert (
        settings_patch(
            parties, {"requireSeparatePayer": False}, user=parties.payer_approver
        ).status_code
        == 403
    )
    assert Business.objects.get(pk=parties.payer.id).require_separate_payer is True


def test_the_approver_may_not_schedule_or_pay_and_someone_else_may(parties):
    settings_patch(parties, {"requireSeparatePayer": True})
    payable = approved_by_admin(parties)
    admin = parties.client(parties.payer_admin)
    for path, body in (
        ("schedule", {"date": str(today())}),
        ("pay", {}),
        ("pay", {"method": "check", "reference": "1042"}),
    ):
        response = admin.post(f"/api/payables/{payable.id}/{path}", body, format="json")
        assert response.status_code == 403, response.content
        assert "separate payer" in response.json()["message"]
    run = admin.post(
        f"/api/businesses/{parties.payer.id}/payment-runs",
        {"payableIds": [payable.id], "date": str(today())},
        format="json",
    )
    assert run.status_code == 403
    assert Payable.objects.get(pk=payable.id).status == S.APPROVED
    paid = parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay")
    assert paid.status_code == 200 and paid.json()["status"] == S.PAID


def test_without_the_setting_the_approver_pays(parties):
    payable = approved_by_admin(parties)
    paid = parties.client(parties.payer_admin).post(f"/api/payables/{payable.id}/pay")
    assert paid.status_code == 200 and paid.json()["status"] == S.PAID


def test_the_settings_page_sets_it(parties, client):
    client.force_login(parties.payer_owner)
    url = f"/b/{parties.payer.id}/settings/approvals"
    page = client.get(url)
    assert page.status_code == 200 and b'name="requireSeparatePayer"' in page.content
    client.post(url, {"defaultApprovalAction": "manual_review", "requireSeparatePayer": "on"})
    assert Business.objects.get(pk=parties.payer.id).require_separate_payer is True
    client.post(url, {"defaultApprovalAction": "manual_review"})
    assert Business.objects.get(pk=parties.payer.id).require_separate_payer is False
