"""The delegation settings page, and "on behalf of" where the payer reads its review."""

import datetime

import pytest
from django.urls import reverse

from approvals import delegation, workflows
from approvals.models import Delegation
from payables import services
from tests import factories
from tests.pages.conftest import text

pytestmark = pytest.mark.django_db


def _page(world):
    return reverse("settings-delegations", args=[world.payer.id])


def _in(days: int) -> str:
    return (delegation.today() + datetime.timedelta(days=days)).isoformat()


def test_an_approver_delegates_their_approvals_from_the_page(world):
    client = world.client(world.payer_approver)
    page = client.get(_page(world))
    assert page.status_code == 200
    assert "Away? Delegate your approvals" in text(page)
    assert 'name="fromUserId"' not in text(page)  # only owners and admins choose whose

    response = client.post(
        _page(world),
        {"toUserId": world.payer_admin.id, "startsOn": _in(0), "endsOn": _in(5)},
        follow=True,
    )
    assert response.status_code == 200
    assert "admin@acme.test approves for approver@acme.test" in text(response)
    row = Delegation.objects.get()
    assert (row.from_user, row.to_user) == (world.payer_approver, world.payer_admin)
    assert "Active" in text(response)


def test_the_page_shows_what_the_service_refuses(world):
    client = world.client(world.payer_approver)
    response = client.post(
        _page(world),
        {"toUserId": world.payer_viewer.id, "startsOn": _in(3), "endsOn": _in(1)},
    )
    assert response.status_code == 400
    assert "whose role may approve" in text(response)
    assert not Delegation.objects.exists()


def test_an_owner_sets_one_for_someone_away_and_the_delegate_sees_it(world):
    owner = world.client(world.payer_owner)
    assert 'name="fromUserId"' in text(owner.get(_page(world)))
    owner.post(
        _page(world),
        {
            "fromUserId": world.payer_approver.id,
            "toUserId": world.payer_admin.id,
            "startsOn": _in(0),
            "endsOn": _in(2),
        },
    )
    assert Delegation.objects.get().from_user == world.payer_approver

    admin = world.client(world.payer_admin)
    held = text(admin.get(_page(world)))
    assert "Approvals you hold" in held and "approver@acme.test" in held
    inbox = text(admin.get(reverse("inbox", args=[world.payer.id])))
    assert "You approve on behalf of <strong>approver@acme.test</strong>" in inbox


def test_a_viewer_reads_but_cannot_delegate(world):
    client = world.client(world.payer_viewer)
    page = client.get(_page(world))
    assert page.status_code == 200
    assert "Away? Delegate your approvals" not in text(page)
    refused = client.post(
        _page(world), {"toUserId": world.payer_admin.id, "startsOn": _in(0), "endsOn": _in(1)}
    )
    assert refused.status_code == 403
    assert not Delegation.objects.exists()


def test_deleting_a_delegation_confirms_first(world):
    made = delegation.delegation_create(
        business_id=world.payer.id,
        actor=world.payer_approver,
        to_user_id=world.payer_admin.id,
        starts_on=delegation.today(),
        ends_on=delegation.today(),
    )
    url = reverse("settings-delegation-delete", args=[world.payer.id, made.id])
    client = world.client(world.payer_approver)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Delete delegation" in text(confirm)
    assert Delegation.objects.exists()
    # Another approver may not; a foreign business's page is a 404.
    other = factories.member(world.payer, "approver", email="other@acme.test")
    assert world.client(other).post(url).status_code == 403
    foreign = reverse("settings-delegation-delete", args=[world.payee.id, made.id])
    assert world.client(world.payee_owner).get(foreign).status_code == 404
    assert client.post(url).status_code == 302
    assert not Delegation.objects.exists()


def test_the_detail_says_on_whose_behalf(world):
    workflows.workflow_create(
        business_id=world.payer.id,
        actor=world.payer_owner,
        name="Owner signs",
        steps=[{"approver_ids": [world.payer_owner.id], "required_approvals": 1}],
    )
    delegation.delegation_create(
        business_id=world.payer.id,
        actor=world.payer_owner,
        to_user_id=world.payer_approver.id,
        starts_on=delegation.today(),
        ends_on=delegation.today(),
    )
    payable = factories.PayableFactory(connection=world.connection, created_by=world.payee_owner)
    services.payable_submit(payable_id=payable.id, actor=world.payee_owner)
    services.payable_approve(payable_id=payable.id, actor=world.payer_approver)
    detail = world.client(world.payer_owner).get(
        reverse("payable-detail", args=[world.payer.id, payable.id])
    )
    assert "approver@acme.test approved on behalf of owner@acme.test" in text(detail)
