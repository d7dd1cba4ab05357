"""Approving or declining from the approval e-mail: signed, single-use, 72-hour links for one
approver and one payable, each opening a confirm page that works without a session."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from approvals.models import ApprovalEmailLink
from notifications.models import Notification
from notifications.services import notification_email_send
from payables.models import Payable, PayableEvent
from tests.approvals.conftest import review  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"^(Approve|Decline): (\S+)$", re.MULTILINE)


def _links(user, payable_id, mailoutbox) -> dict[str, str]:
    """The approve and decline paths of the approval e-mail ``user`` got about the payable."""
    notification = Notification.objects.get(
        user=user, payable_id=payable_id, type="approval_requested"
    )
    mailoutbox.clear()
    assert notification_email_send(notification_id=notification.pk) == 1
    (message,) = mailoutbox
    found = {kind.lower(): url for kind, url in LINK.findall(message.body)}
    html = message.alternatives[0][0]
    for url in found.values():
        assert url.replace("&", "&amp;") in html or url in html
    return {kind: re.sub(r"^https?://[^/]+", "", url) for kind, url in found.items()}


@pytest.fixture
def bill(review, mailoutbox):  # noqa: F811
    """A bill awaiting Ann alone, and the links of her e-mail."""
    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    pid = review.create()["id"]
    return pid, _links(review.ann, pid, mailoutbox)


def _status(pid) -> str:
    return Payable.objects.get(pk=pid).status


def test_the_approve_link_confirms_then_approves_without_a_session(review, bill):  # noqa: F811
    pid, links = bill
    browser = Client()
    page = browser.get(links["approve"])
    assert page.status_code == 200
    assert b"Approve invoice" in page.content and b"ann@acme.test" in page.content
    assert _status(pid) == "SUBMITTED"  # opening the link does nothing

    done = browser.post(links["approve"])
    assert done.status_code == 200
    assert b"is approved" in done.content
    assert _status(pid) == "APPROVED"
    event = PayableEvent.objects.get(payable_id=pid, type="payable.approved")
    assert event.actor == review.ann
    # The browser got no session out of it.
    assert "_auth_user_id" not in browser.session


def test_a_used_link_explains_itself_and_spends_its_pair(review, bill):  # noqa: F811
    pid, links = bill
    assert Client().post(links["approve"]).status_code == 200
    for url in (links["approve"], links["decline"]):
        for method in ("get", "post"):
            replay = getattr(Client(), method)(url, {"reason": "Again"})
            assert replay.status_code == 410, (url, method)
            assert b"already used" in replay.content
    assert _status(pid) == "APPROVED"
    assert PayableEvent.objects.filter(payable_id=pid, type="payable.approved").count() == 1


def test_an_expired_link_explains_itself(review, bill, monkeypatch):  # noqa: F811
    pid, links = bill
    later = timezone.now() + datetime.timedelta(hours=72, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for method in ("get", "post"):
        response = getattr(Client(), method)(links["approve"])
        assert response.status_code == 410
        assert b"This link has expired" in response.content
    assert _status(pid) == "SUBMITTED"


def test_a_link_still_works_just_before_72_hours(review, bill, monkeypatch):  # noqa: F811
    pid, links = bill
    later = timezone.now() + datetime.timedelta(hours=71, minutes=59)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Client().post(links["approve"]).status_code == 200
    assert _status(pid) == "APPROVED"


@pytest.mark.parametrize("change", ["last character", "action", "garbage"])
def test_a_tampered_link_does_not_work(review, bill, change):  # noqa: F811
    pid, links = bill
    url = links["approve"]
    if change == "last character":
        forged = url[:-1] + ("A" if url[-1] != "A" else "B")
    elif change == "action":
        # The decline token's payload with the approve token's signature.
        approve_token, decline_token = url.rsplit("/", 1)[1], links["decline"].rsplit("/", 1)[1]
        forged = url.replace(
            approve_token, decline_token.split(":")[0] + ":" + approve_token.split(":")[1]
        )
    else:
        forged = url.rsplit("/", 1)[0] + "/not-a-token"
    for method in ("get", "post"):
        response = getattr(Client(), method)(forged, {"reason": "x"})
        assert response.status_code == 400
        assert b"This link does not work" in response.content
    assert _status(pid) == "SUBMITTED"
    assert ApprovalEmailLink.objects.get().used_at is None


def test_a_link_opened_by_someone_else_signed_in_does_nothing(review, bill):  # noqa: F811
    pid, links = bill
    browser = Client()
    browser.force_login(review.bob)
    for method in ("get", "post"):
        response = getattr(browser, method)(links["approve"])
        assert response.status_code == 400
        assert b"sent to someone else" in response.content
    assert _status(pid) == "SUBMITTED"
    # Ann herself, signed in, may use it.
    ann = Client()
    ann.force_login(review.ann)
    assert ann.post(links["approve"]).status_code == 200
    assert _status(pid) == "APPROVED"


def test_a_link_under_another_payables_address_does_nothing(review, bill):  # noqa: F811
    pid, links = bill
    other = review.create(invoiceNumber="OTHER-1")["id"]
    response = Client().post(links["approve"].replace(pid, other))
    assert response.status_code == 400
    assert b"for another invoice" in response.content
    assert {_status(pid), _status(other)} == {"SUBMITTED"}


def test_a_stale_link_explains_itself(review, bill):  # noqa: F811
    pid, links = bill
    assert review.decline(review.owner, pid).status_code == 200
    response = Client().get(links["approve"])
    assert response.status_code == 400
    assert b"no longer awaits your approval" in response.content
    # Resubmitted: a new round, the old e-mail's links stay dead.
    assert review.submit(pid).status_code == 200
    response = Client().post(links["approve"])
    assert b"no longer awaits your approval" in response.content
    assert _status(pid) == "SUBMITTED"


def test_the_decline_link_asks_for_a_reason(review, bill):  # noqa: F811
    pid, links = bill
    browser = Client()
    page = browser.get(links["decline"])
    assert b"Decline invoice" in page.content and b'name="reason"' in page.content
    missing = browser.post(links["decline"], {"reason": "  "})
    assert missing.status_code == 400
    assert b"A reason is required" in missing.content
    assert _status(pid) == "SUBMITTED"
    assert ApprovalEmailLink.objects.get().used_at is None

    done = browser.post(links["decline"], {"reason": "Wrong rate"})
    assert done.status_code == 200, done.content
    payable = Payable.objects.get(pk=pid)
    assert (payable.status, payable.decline_reason) == ("DECLINED", "Wrong rate")


def test_a_delegates_e_mail_approves_on_behalf(review, mailoutbox):  # noqa: F811
    from approvals import delegation

    review.workflow(steps=[{"approverIds": [review.ann.id], "requiredApprovals": 1}])
    delegation.delegation_create(
        business_id=review.payer.id,
        actor=review.ann,
        to_user_id=review.bob.id,
        starts_on=delegation.today(),
        ends_on=delegation.today(),
    )
    pid = review.create()["id"]
    links = _links(review.bob, pid, mailoutbox)
    assert "on behalf of ann@acme.test" in mailoutbox[0].body
    assert Client().post(links["approve"]).status_code == 200
    approval = review.seen_by_payer(pid)["approval"]["steps"][0]["approvals"][0]
    assert (approval["user"]["id"], approval["onBehalfOf"]) == (review.bob.id, review.ann.id)


def test_other_e_mails_carry_no_links(review, mailoutbox):  # noqa: F811
    pid = review.create()["id"]  # manual review: the owner is asked; the others are told
    submitted = Notification.objects.filter(payable_id=pid, type="payable_submitted").first()
    if submitted is not None:
        notification_email_send(notification_id=submitted.pk)
        assert "email-approval" not in mailoutbox[-1].body
    asked = Notification.objects.filter(payable_id=pid, type="approval_requested").first()
    notification_email_send(notification_id=asked.pk)
    assert "/email-approval/" in mailoutbox[-1].body
