"""Who hears of what, in the app and by e-mail (Django's mail outbox), over the API."""

import datetime
import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import DefaultApprovalAction, Membership
from notifications import services, tasks
from notifications.models import Notification
from tests import factories
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db


def inbox() -> dict[str, list[str]]:
    """E-mail subjects by recipient."""
    by_recipient: dict[str, list[str]] = {}
    for message in mail.outbox:
        [to] = message.to  # one e-mail per person
        by_recipient.setdefault(to, []).append(message.subject)
    return by_recipient


def kinds(payable_id) -> dict[str, list[str]]:
    """Notification types by recipient e-mail."""
    found: dict[str, list[str]] = {}
    for n in Notification.objects.filter(payable_id=payable_id).select_related("user"):
        found.setdefault(n.user.email, []).append(n.type)
    return {email: sorted(types) for email, types in found.items()}


def settled() -> None:
    """What is in the outbox so far sent (beat's sweep), and the mailbox emptied."""
    tasks.send_pending_emails()
    mail.outbox.clear()


def link(payable_id) -> str:
    return f"{settings.SITE_URL}/payables/{payable_id}"


class TestWhoHearsOfWhat:
    def test_a_workflow_asks_each_step_in_turn_and_tells_the_payers_admins(self, review, commit):
        review.workflow(
            steps=[{"approverIds": [review.ann.id]}, {"approverIds": [review.owner.id]}]
        )
        with commit():
            pid = review.create(invoiceNumber="INV-7")["id"]
        assert kinds(pid) == {
            "ann@acme.test": ["approval_requested"],
            "owner@acme.test": ["payable_submitted"],
            "admin@acme.test": ["payable_submitted"],
        }
        assert inbox() == {
            "ann@acme.test": ["Invoice INV-7 from Globex awaits your approval"],
            "owner@acme.test": ["Globex submitted invoice INV-7"],
            "admin@acme.test": ["Globex submitted invoice INV-7"],
        }
        asked = next(m for m in mail.outbox if m.to == ["ann@acme.test"])
        assert "awaits your approval (step 1 of 2)" in asked.body
        assert link(pid) in asked.body
        [(html, mimetype)] = asked.alternatives
        assert mimetype == "text/html" and f'href="{link(pid)}"' in html

        mail.outbox.clear()
        with commit():
            review.approve(review.ann, pid)
        assert inbox() == {"owner@acme.test": ["Invoice INV-7 from Globex awaits your approval"]}
        assert "(step 2 of 2)" in mail.outbox[0].body

        mail.outbox.clear()
        with commit():
            review.approve(review.owner, pid)
        assert inbox() == {"owner@globex.test": ["Acme approved invoice INV-7"]}
        assert link(pid) in mail.outbox[0].body

    def test_manual_review_asks_every_owner_admin_and_approver_once(self, review, commit):
        with commit():
            pid = review.create()["id"]
        people = ["owner@acme.test", "admin@acme.test", "ann@acme.test", "bob@acme.test"]
        assert all(kinds(pid)[email] == ["approval_requested"] for email in people)
        assert "viewer@acme.test" not in kinds(pid)
        assert len(mail.outbox) == 5  # the owner, the admin and three approvers, once each

    def test_automatic_approval_tells_the_payers_admins_and_the_payee(self, review, commit):
        review.payer.default_approval_action = DefaultApprovalAction.AUTO_APPROVE
        review.payer.save()
        with commit():
            pid = review.create(user=review.payee_accountant)["id"]
        assert kinds(pid) == {
            "owner@acme.test": ["payable_submitted"],
            "admin@acme.test": ["payable_submitted"],
            "owner@globex.test": ["payable_approved"],
            "books@globex.test": ["payable_approved"],  # the submitter
        }

    def test_a_decline_tells_the_payee_with_the_reason(self, review, commit):
        factories.member(review.payee, "viewer", email="viewer@globex.test")
        pid = review.create(user=review.payee_accountant)["id"]
        settled()
        with commit():
            review.decline(review.ann, pid, "The rate is 90, not 100.")
        assert inbox() == {
            "owner@globex.test": ["Acme declined invoice " + review_number(pid)],
            "books@globex.test": ["Acme declined invoice " + review_number(pid)],
        }
        for message in mail.outbox:
            assert "The rate is 90, not 100." in message.body
            assert "The rate is 90, not 100." in message.alternatives[0][0]
            assert link(pid) in message.body
        in_app = Notification.objects.get(payable_id=pid, user=review.payee_owner)
        assert in_app.message.endswith(": The rate is 90, not 100.")

    def test_scheduling_and_paying_tell_the_payee(self, review, commit):
        pid = review.create()["id"]
        review.approve(review.ann, pid)
        settled()
        day = timezone.now().date() + datetime.timedelta(days=3)
        with commit():
            review.api(review.owner).post(
                f"/api/payables/{pid}/schedule", {"date": day.isoformat()}, format="json"
            )
        assert list(inbox()) == ["owner@globex.test"]
        # As a person reads it: "Dec 6, 2026", not "2026-12-06".
        written = f"{day:%b} {day.day}, {day.year}"
        assert written in mail.outbox[0].body and "scheduled" in mail.outbox[0].subject
        mail.outbox.clear()
        with commit():
            review.api(review.owner).post(f"/api/payables/{pid}/pay")
        assert inbox() == {"owner@globex.test": [f"Acme paid invoice {review_number(pid)}"]}

    def test_the_e_mail_task_sends_once_however_often_it_runs(self, review, commit):
        with commit():
            pid = review.create()["id"]
        sent = len(mail.outbox)
        for notification in Notification.objects.filter(payable_id=pid):
            assert notification.emailed_at is not None
            assert tasks.send_notification_emails([notification.id]) == 0
        assert len(mail.outbox) == sent


def review_number(payable_id) -> str:
    from payables.models import Payable

    return Payable.objects.get(pk=payable_id).invoice_number


# --- the in-app list -----------------------------------------------------------------------------------
class TestApi:
    def test_the_list_is_the_callers_newest_first(self, review):
        first = review.create()["id"]
        second = review.create()["id"]
        response = review.api(review.ann).get("/api/notifications")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [row["payableId"] for row in rows] == [second, first]
        row = rows[0]
        assert set(row) >= {"id", "type", "payableId", "message", "read", "createdAt"}
        assert row["id"].startswith("ntf_")
        assert (row["type"], row["read"], row["businessId"]) == (
            "approval_requested",
            False,
            review.payer.id,
        )
        assert "awaits your approval" in row["message"]
        assert review.api(review.payee_owner).get("/api/notifications").json()["results"] == []

    def test_mark_one_read_then_all(self, review):
        for _ in range(3):
            review.create()
        client = review.api(review.ann)
        first = client.get("/api/notifications").json()["results"][0]
        read = client.post(f"/api/notifications/{first['id']}/read")
        assert read.status_code == 200
        assert read.json()["read"] is True and read.json()["readAt"] is not None
        again = client.post(f"/api/notifications/{first['id']}/read").json()
        assert again["readAt"] == read.json()["readAt"]
        unread = client.get("/api/notifications?unread=true").json()["results"]
        assert len(unread) == 2 and first["id"] not in {n["id"] for n in unread}
        assert len(client.get("/api/notifications?unread=false").json()["results"]) == 1
        assert client.post("/api/notifications/read-all").json() == {"updated": 2}
        assert client.get("/api/notifications?unread=true").json()["results"] == []
        # nobody else's were touched
        assert Notification.objects.filter(user=review.bob, read_at__isnull=True).count() == 3

    def test_someone_elses_notification_is_404(self, review):
        review.create()
        theirs = Notification.objects.filter(user=review.ann).first()
        client = review.api(review.bob)
        assert client.post(f"/api/notifications/{theirs.id}/read").status_code == 404
        assert client.post("/api/notifications/ntf_nope/read").status_code == 404
        assert client.post("/api/notifications/pay_x/read").status_code == 404
        assert Notification.objects.get(pk=theirs.pk).read_at is None

    def test_invalid_filters_are_400(self, review):
        client = review.api(review.ann)
        assert client.get("/api/notifications?unread=maybe").status_code == 400
        assert client.get("/api/notifications?businessId=nope").status_code == 400

    def test_a_business_filter_and_a_member_who_left(self, review):
        review.create()
        client = review.api(review.ann)
        own = client.get(f"/api/notifications?businessId={review.payer.id}").json()["results"]
        assert len(own) == 1
        other = client.get(f"/api/notifications?businessId={review.payee.id}").json()["results"]
        assert other == []
        Membership.objects.filter(user=review.ann, business=review.payer).delete()
        assert client.get("/api/notifications").json()["results"] == []

    def test_unauthenticated_is_401(self, review):
        assert review.api().get("/api/notifications").status_code == 401

    def test_a_page_costs_the_same_queries_for_1_row_or_25(self, review, django_assert_num_queries):
        client = review.api(review.ann)
        review.create()
        # the token with its user and roles, the page
        with django_assert_num_queries(2):
            assert len(client.get("/api/notifications?limit=25").json()["results"]) == 1
        for _ in range(24):
            review.create()
        with django_assert_num_queries(2):
            assert len(client.get("/api/notifications?limit=25").json()["results"]) == 25

    def test_following_next_walks_every_notification_once(self, review):
        for _ in range(7):
            review.create()
        client, url, seen = review.api(review.ann), "/api/notifications?limit=3", []
        while url:
            page = client.get(url).json()
            seen += [row["id"] for row in page["results"]]
            url = page["next"]
        assert len(seen) == len(set(seen)) == 7


# --- e-mail that could not go out at once --------------------------------------------------------------
class TestPendingEmails:
    def test_the_request_sends_nothing_and_the_sweep_sends_the_outbox_once(self, review):
        pid = review.create()["id"]  # the request wrote the rows; it publishes no e-mail
        assert mail.outbox == []
        waiting = Notification.objects.filter(emailed_at__isnull=True)
        assert waiting.count() > 1
        Notification.objects.filter(user=review.bob).update(
            created_at=timezone.now() - datetime.timedelta(days=4)
        )
        expected = waiting.exclude(user=review.bob).count()
        assert tasks.send_pending_emails() == expected
        assert (
            f"Invoice {review_number(pid)} from Globex awaits your approval"
            in inbox()["ann@acme.test"]
        )
        assert "bob@acme.test" not in inbox()  # too old: given up
        assert tasks.send_pending_emails() == 0  # sent once

    def test_a_failed_send_is_released_for_the_sweep_and_the_others_still_go(
        self, review, monkeypatch
    ):
        review.create()  # on-commit callbacks do not run here: nothing was sent yet
        asked = list(Notification.objects.all())
        assert len(asked) > 1 and review.ann.id in {n.user_id for n in asked}
        send = services.send_templated_mail

        def down_for_ann(*, to, **kwargs):
            if to == [review.ann.email]:
                raise ConnectionError("mail server down")
            return send(to=to, **kwargs)

        monkeypatch.setattr(services, "send_templated_mail", down_for_ann)
        # One task for the change's e-mails: Ann's fails, the others are sent.
        assert tasks.send_notification_emails([n.id for n in asked]) == len(asked) - 1
        assert set(inbox()) == {n.user.email for n in asked} - {review.ann.email}
        ann = Notification.objects.get(user=review.ann)
        assert ann.emailed_at is None
        monkeypatch.undo()
        assert tasks.send_notification_emails([ann.id]) == 1

    def test_the_beat_schedule_runs_the_sweep(self):
        entry = settings.CELERY_BEAT_SCHEDULE["send-pending-notification-emails"]
        assert entry["task"] == "notifications.tasks.send_pending_emails"
        assert entry["task"] in tasks.send_pending_emails.app.tasks
        assert entry["schedule"] <= datetime.timedelta(minutes=5)


@pytest.fixture
def broker_down():
    """The project's Celery app publishing to a port where nothing listens, tasks not eager."""
    from cleopay.celery import app

    def reset_pools():
        # Forget the pools of the other URL (kombu keeps them, open, in its registry).
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    reset_pools()
    yield app
    app.conf.broker_url = saved
    reset_pools()
    app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_neither_fails_nor_slows_the_request(
    review, broker_down, monkeypatch
):
    pid = review.create()["id"]
    publish, failures = tasks.send_notification_emails.apply_async, []

    def publish_and_see(*args, **kwargs):
        try:
            return publish(*args, **kwargs)
        except Exception as exc:
            failures.append(exc)
            raise

    monkeypatch.setattr(tasks.send_notification_emails, "apply_async", publish_and_see)
    # The decline's webhook events ask for a dispatch first, through the same broker: whichever
    # publish comes first tries it once, and the circuit breaker spares the others.
    from webhooks.tasks import dispatch_events

    dispatch = dispatch_events.apply_async

    def dispatch_and_see(*args, **kwargs):
        try:
            return dispatch(*args, **kwargs)
        except Exception as exc:
            failures.append(exc)
            raise

    monkeypatch.setattr(dispatch_events, "apply_async", dispatch_and_see)
    # Creating the payable already found the broker down, and for a while publishes skip it
    # (cleopay.core.publish's circuit breaker): forget that, so this request does try.
    from cleopay.core import publish as publishing

    publishing.reset()
    started = time.monotonic()
    response = review.decline(review.ann, pid, "Missing PO")
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert elapsed < 2.0
    assert response.json()["status"] == "DECLINED"
    assert [type(exc).__name__ for exc in failures] == ["OperationalError"]  # it did try
    # the notifications exist; their e-mail waits for the sweep
    declined = Notification.objects.filter(payable_id=pid, type="payable_declined")
    assert [n.user_id for n in declined] == [review.payee_owner.id]
    assert declined.get().emailed_at is None
    assert mail.outbox == []
    declined.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    Notification.objects.exclude(type="payable_declined").update(emailed_at=timezone.now())
    assert tasks.send_pending_emails() == 1
    assert inbox() == {"owner@globex.test": [f"Acme declined invoice {review_number(pid)}"]}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_e_mail_goes_through_a_real_worker(review, celery_worker):
    pid = review.create()["id"]
    mail.outbox.clear()
    review.decline(review.ann, pid, "Missing PO")
    # The request publishes no e-mail: beat's sweep, sent to the worker as beat sends it, does.
    tasks.send_pending_emails.delay()
    wait_until(lambda: inbox().get("owner@globex.test"))
    assert Notification.objects.get(payable_id=pid, type="payable_declined").emailed_at
