"""The other side hears of a cancellation, and the inviting business of an accepted invitation:
in the app and by e-mail."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from connections.models import ConnectionStatus
from notifications.models import Notification
from tests import factories
from tests.notifications.test_notifications import inbox, kinds, link, review_number

pytestmark = pytest.mark.django_db


def cancel(client, payable_id, reason):
    response = client.post(f"/api/payables/{payable_id}/cancel", {"reason": reason}, format="json")
    assert response.status_code == 200, response.content
    return response


def test_the_payer_cancelling_a_scheduled_payable_tells_the_payee(review, commit):
    pid = review.create(user=review.payee_accountant)["id"]
    review.approve(review.ann, pid)
    date = (timezone.now().date() + datetime.timedelta(days=5)).isoformat()
    review.api(review.owner).post(f"/api/payables/{pid}/schedule", {"date": date}, format="json")
    mail.outbox.clear()
    Notification.objects.all().delete()

    with commit():
        cancel(review.api(review.owner), pid, "Ordered twice.")

    number = review_number(pid)
    assert kinds(pid) == {
        "owner@globex.test": ["payable_cancelled"],
        "books@globex.test": ["payable_cancelled"],  # who submitted it
    }
    assert inbox() == {
        "owner@globex.test": [f"Invoice {number} was cancelled"],
        "books@globex.test": [f"Invoice {number} was cancelled"],
    }
    message = mail.outbox[0]
    assert f"Acme cancelled invoice {number}" in message.body
    assert "Ordered twice." in message.body and link(pid) in message.body
    assert f'href="{link(pid)}"' in message.alternatives[0][0]
    # The payee's API lists it; no one on the payer's side was told of their own act.
    rows = review.api(review.payee_owner).get("/api/notifications").json()["results"]
    assert [(r["type"], r["payableId"]) for r in rows] == [("payable_cancelled", pid)]
    assert rows[0]["message"].endswith(": Ordered twice.")


def test_the_payee_cancelling_a_submitted_payable_tells_the_payers_admins_and_approvers(
    review, commit
):
    review.workflow(steps=[{"approverIds": [review.ann.id]}])
    pid = review.create()["id"]
    Notification.objects.all().delete()
    mail.outbox.clear()

    with commit():
        cancel(review.api(review.payee_owner), pid, "Sent to the wrong customer.")

    everyone = ["owner@acme.test", "admin@acme.test", "ann@acme.test"]
    assert kinds(pid) == {email: ["payable_cancelled"] for email in everyone}
    assert sorted(inbox()) == sorted(everyone)
    assert all("Globex cancelled invoice" in m.body for m in mail.outbox)
    assert all("Sent to the wrong customer." in m.body for m in mail.outbox)


def test_cancelling_a_draft_tells_nobody(review, commit):
    pid = review.create(submit=False)["id"]
    mail.outbox.clear()
    with commit():
        cancel(review.api(review.payee_owner), pid, "")
    assert kinds(pid) == {}
    assert mail.outbox == []


def test_an_accepted_invitation_tells_the_inviting_business(api, commit):
    acme, acme_owner = factories.business_with_owner("Acme")
    acme_admin = factories.member(acme, Role.ADMIN, email="admin@acme.test")
    factories.member(acme, Role.VIEWER, email="viewer@acme.test")
    globex, globex_owner = factories.business_with_owner("Globex")
    invited = api(acme_owner).post(
        f"/api/businesses/{acme.pk}/connections",
        {"counterpartyBusinessId": globex.pk, "myRole": "payer"},
        format="json",
    )
    connection_id = invited.json()["id"]
    mail.outbox.clear()

    with commit():
        accepted = api(globex_owner).post(f"/api/connections/{connection_id}/accept")
    assert accepted.json()["status"] == ConnectionStatus.ACTIVE

    rows = Notification.objects.filter(connection_id=connection_id)
    assert sorted(n.user.email for n in rows) == sorted([acme_owner.email, acme_admin.email])
    assert {n.business_id for n in rows} == {acme.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([acme_owner.email, acme_admin.email])
    message = mail.outbox[0]
    assert "Globex accepted your invitation to connect, as your payee." in message.subject
    assert f"/b/{acme.pk}/connections/{connection_id}" in message.body
    listed = api(acme_owner).get("/api/notifications").json()["results"]
    assert [(r["type"], r["connectionId"], r["payableId"]) for r in listed] == [
        ("connection_accepted", connection_id, None)
    ]
    # Globex (who accepted) hears nothing of its own act.
    assert api(globex_owner).get("/api/notifications").json()["results"] == []


def test_opening_a_connection_notification_shows_the_connection(api, client, commit):
    acme, acme_owner = factories.business_with_owner("Acme")
    globex, globex_owner = factories.business_with_owner("Globex")
    connection_id = (
        api(acme_owner)
        .post(
            f"/api/businesses/{acme.pk}/connections",
            {"counterpartyBusinessId": globex.pk, "myRole": "payee"},
            format="json",
        )
        .json()["id"]
    )
    api(globex_owner).post(f"/api/connections/{connection_id}/accept")
    notification = Notification.objects.get(user=acme_owner)
    client.force_login(acme_owner)
    page = client.get(f"/b/{acme.pk}/notifications")
    assert "Globex accepted your invitation" in page.content.decode()
    opened = client.post(f"/b/{acme.pk}/notifications/{notification.pk}/open", follow=True)
    assert opened.status_code == 200
    assert opened.redirect_chain[-1][0] == f"/b/{acme.pk}/connections/{connection_id}"
    assert "Globex" in opened.content.decode()
