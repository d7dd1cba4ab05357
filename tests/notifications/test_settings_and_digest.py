"""A person's notification settings (API and page), the daily digest and one-click unsubscribe."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import digest, tasks
from notifications.models import Notification, NotificationSettings, NotificationType

pytestmark = pytest.mark.django_db

URL = "/api/me/notification-settings"


def settle() -> None:
    tasks.send_pending_emails()
    mail.outbox.clear()


def at(hour: int, *, day: datetime.date | None = None, tz=datetime.UTC) -> datetime.datetime:
    day = day or timezone.now().date()
    return datetime.datetime(day.year, day.month, day.day, hour, 5, tzinfo=tz)


class TestSettingsApi:
    def test_every_type_is_on_and_no_digest_until_changed(self, review):
        body = review.api(review.ann).get(URL).json()
        assert body == {"email": dict.fromkeys(NotificationType.values, True), "digest": "off"}

    def test_patch_turns_types_off_and_leaves_the_others(self, review):
        client = review.api(review.ann)
        response = client.patch(URL, {"email": {"payable_submitted": False}}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["email"]["payable_submitted"] is False
        response = client.patch(
            URL, {"email": {"member_joined": False}, "digest": "daily"}, format="json"
        )
        body = response.json()
        assert body["digest"] == "daily"
        assert [t for t, on in body["email"].items() if not on] == [
            "payable_submitted",
            "member_joined",
        ]
        client.patch(URL, {"email": {"payable_submitted": True}}, format="json")
        assert client.get(URL).json()["email"]["payable_submitted"] is True
        # another person's settings are untouched
        assert review.api(review.bob).get(URL).json()["digest"] == "off"

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"email": {"payable_teleported": False}}, "email.payable_teleported"),
            ({"email": {"payable_paid": "no"}}, "email.payable_paid"),
            ({"digest": "hourly"}, "digest"),
            ({"sms": {}}, "sms"),
            ({}, None),
        ],
    )
    def test_what_is_not_a_setting_is_a_400_naming_it(self, review, body, field):
        response = review.api(review.ann).patch(URL, body, format="json")
        assert response.status_code == 400, response.content
        error = response.json()
        assert error["type"] == "validation_error"
        assert [e["field"] for e in error["errors"]] == [field]
        assert not NotificationSettings.objects.exists()

    def test_without_a_token_it_is_a_401(self, api):
        assert api().get(URL).status_code == 401


class TestEmailFollowsTheSettings:
    def test_a_type_turned_off_reaches_the_app_but_not_the_mailbox(self, review):
        review.api(review.owner).patch(URL, {"email": {"approval_requested": False}}, format="json")
        pid = review.create()["id"]
        assert tasks.send_pending_emails() > 0
        owner_rows = Notification.objects.filter(user=review.owner, payable_id=pid)
        assert [n.type for n in owner_rows] == ["approval_requested"]
        assert all(n.emailed_at is not None for n in owner_rows)  # handled, not sent
        assert review.owner.email not in {m.to[0] for m in mail.outbox}
        assert review.ann.email in {m.to[0] for m in mail.outbox}

    def test_every_notification_e_mail_carries_one_click_unsubscribe(self, review):
        review.create()
        settle_sent = tasks.send_pending_emails()
        assert settle_sent == len(mail.outbox) > 0
        for message in mail.outbox:
            header = message.extra_headers["List-Unsubscribe"]
            assert re.fullmatch(r"<https?://[^>]+/unsubscribe/[^>]+>", header), header
            assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            link = header[1:-1]
            assert link in message.body and link in message.alternatives[0][0]


class TestUnsubscribe:
    def _link(self, review) -> str:
        review.create()
        tasks.send_pending_emails()
        message = next(m for m in mail.outbox if m.to == [review.ann.email])
        return message.extra_headers["List-Unsubscribe"][1:-1].split("testserver", 1)[-1]

    def test_the_mail_clients_one_click_post_needs_no_session(self, review, settings):
        path = "/" + self._link(review).split("/", 3)[3]
        anonymous = Client(enforce_csrf_checks=True)
        response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
        body = review.api(review.ann).get(URL).json()
        assert body["email"]["approval_requested"] is False
        assert sum(not on for on in body["email"].values()) == 1  # that type only
        # Twice changes nothing more.
        assert anonymous.post(path).status_code == 200

    def test_opening_the_link_asks_first(self, review):
        path = "/" + self._link(review).split("/", 3)[3]
        page = Client().get(path)
        assert page.status_code == 200
        assert "Stop receiving “Awaiting your approval” e-mails?" in page.content.decode()
        assert review.api(review.ann).get(URL).json()["email"]["approval_requested"] is True

    def test_a_forged_or_altered_token_is_a_404(self, review):
        path = "/" + self._link(review).split("/", 3)[3]
        assert Client().post(path[:-2] + "xx").status_code == 404
        assert Client().get("/unsubscribe/not-a-token").status_code == 404


class TestDigest:
    @pytest.fixture
    def daily(self, review):
        review.api(review.ann).patch(URL, {"digest": "daily"}, format="json")
        return review

    def test_a_digest_reader_gets_no_single_e_mails_then_one_digest_a_day(self, daily):
        review = daily
        first = review.create(invoiceNumber="D-1")["id"]
        second = review.create(invoiceNumber="D-2")["id"]
        tasks.send_pending_emails()
        assert review.ann.email not in {m.to[0] for m in mail.outbox}
        mail.outbox.clear()

        day = timezone.now().date() + datetime.timedelta(days=1)
        assert digest.digests_due(now=at(7, day=day)) == []  # before 08:00
        assert digest.digests_due(now=at(8, day=day)) == [review.ann.pk]
        assert digest.digest_send(user_id=review.ann.pk, now=at(8, day=day)) == 1
        [message] = mail.outbox
        assert message.to == [review.ann.email]
        assert message.subject == "Your Cleo Pay digest: 2 notifications"
        assert "D-1" in message.body and "D-2" in message.body
        assert f"/payables/{first}" in message.body and f"/payables/{second}" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Idempotent: the same day again sends nothing, even with something new.
        review.create(invoiceNumber="D-3")
        assert digest.digest_send(user_id=review.ann.pk, now=at(9, day=day)) == 0
        assert digest.digests_due(now=at(15, day=day)) == []
        assert len(mail.outbox) == 1
        # The next day's digest has what came since.
        later = day + datetime.timedelta(days=1)
        assert digest.digest_send(user_id=review.ann.pk, now=at(8, day=later)) == 1
        assert "D-3" in mail.outbox[1].body and "D-1" not in mail.outbox[1].body

    def test_the_digest_hour_is_the_readers_own(self, daily):
        review = daily
        review.ann.time_zone = "America/Los_Angeles"
        review.ann.save(update_fields=["time_zone"])
        review.create()
        day = timezone.now().date() + datetime.timedelta(days=1)
        # 08:05 in London is 00:05 in Los Angeles: not yet; 16:05 UTC is 08:05 there.
        assert digest.digests_due(now=at(8, day=day)) == []
        assert digest.digests_due(now=at(16, day=day)) == [review.ann.pk]

    def test_the_beat_task_sends_due_digests_once(self, daily, monkeypatch):
        review = daily
        review.create()
        frozen = at(9, day=timezone.now().date() + datetime.timedelta(days=1))
        monkeypatch.setattr(timezone, "now", lambda: frozen)
        assert tasks.send_notification_digests() == 1
        assert tasks.send_notification_digests() == 0
        assert [m.to for m in mail.outbox] == [[review.ann.email]]

    def test_the_digest_links_open_their_pages(self, daily):
        review = daily
        review.create()
        day = timezone.now().date() + datetime.timedelta(days=1)
        digest.digest_send(user_id=review.ann.pk, now=at(8, day=day))
        [message] = mail.outbox
        client = Client()
        client.force_login(review.ann)
        for url in set(re.findall(r"https?://[^\s<>\"]+", message.body)):
            path = "/" + url.split("/", 3)[3]
            page = client.get(path, follow=True)
            assert page.status_code == 200, url

    def test_unsubscribing_from_the_digest_stops_all_notification_e_mail(self, daily):
        review = daily
        review.create()
        day = timezone.now().date() + datetime.timedelta(days=1)
        digest.digest_send(user_id=review.ann.pk, now=at(8, day=day))
        link = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
        assert Client().post("/" + link.split("/", 3)[3]).status_code == 200
        body = review.api(review.ann).get(URL).json()
        assert body["digest"] == "off" and not any(body["email"].values())

    def test_the_beat_schedule_runs_the_digest(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["send-notification-digests"]
        assert entry["task"] == "notifications.tasks.send_notification_digests"
        assert entry["schedule"] <= datetime.timedelta(hours=1)


class TestSettingsPage:
    def test_the_page_shows_and_saves_the_choices(self, review):
        client = Client()
        client.force_login(review.ann)
        url = reverse("settings-notifications", args=[review.payer.id])
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Awaiting your approval" in text and "Approval reminder" in text
        on = [t for t in NotificationType.values if t != "payable_paid"]
        saved = client.post(url, {"email": on, "digest": "daily"}, follow=True)
        assert "Notification settings saved." in saved.content.decode()
        body = review.api(review.ann).get(URL).json()
        assert body["digest"] == "daily"
        assert [t for t, v in body["email"].items() if not v] == ["payable_paid"]
