"""Every write service authorizes its actor itself (docs/DEVELOPMENT.md, "Authorization").

Each service of accounts, connections, files, notifications, credits, payables, banking,
webhooks and imports is called directly, with no view in front: by an outsider (the owner of a business
with no part in Acme paying Globex), which is a not-found, and by a member of the right business
whose role falls short, which is a permission error; either way nothing is written. (The
approvals services, workflows, custom fields, the review and delegations, have the same test in
tests/approvals/test_service_authorization.py.) The last test finds every write service of every
app and asks that it be in one of the two.
"""

import datetime
import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts import invitations
from accounts import services as accounts
from banking import runs
from banking import services as banking
from comments import services as comments
from connections import services as connections
from connections import tags
from connections.models import ConnectionStatus
from credits import services as credits
from credits.models import Credit
from files import services as files
from imports import services as imports
from notifications import services as notifications
from notifications.models import NotificationType
from payables import bulk
from payables import services as payables
from payables.models import PayableStatus
from tests import factories
from tests.approvals.test_service_authorization import DELEGATION_WRITES, REVIEW_WRITES
from tests.approvals.test_service_authorization import SERVICES as APPROVALS_SERVICES
from webhooks import services as webhooks
from webhooks.models import WebhookEndpoint

TODAY = datetime.datetime.now(datetime.UTC).date()
WATCHED_APPS = (
    "accounts",
    "connections",
    "files",
    "notifications",
    "credits",
    "payables",
    "banking",
    "webhooks",
    "imports",
    "comments",
)


@pytest.fixture
def w(parties):
    """The shared world, with an object of each kind for the services to aim at."""
    payee, payer, connection = parties.payee, parties.payer, parties.connection
    parties.tag = factories.TagFactory(business=payee, name="Priority")
    parties.other = factories.BusinessFactory(name="Initech")
    parties.pending = factories.ConnectionFactory(
        payer=payee, payee=payer, invited_by_business=payee, status=ConnectionStatus.PENDING
    )
    parties.invitation = invitations.member_invite(
        business_id=payer.pk, email="new@acme.test", role="viewer", actor=parties.payer_owner
    )
    parties.draft = factories.PayableFactory(connection=connection)
    parties.submitted = factories.PayableFactory(
        connection=connection, status=PayableStatus.SUBMITTED
    )
    parties.approved = factories.PayableFactory(
        connection=connection, status=PayableStatus.APPROVED
    )
    parties.credit = Credit.objects.create(
        connection=connection,
        payee=payee,
        payer=payer,
        amount=Decimal("10.00"),
        created_by=parties.payee_owner,
    )
    (parties.notification,) = notifications.notify(
        type=NotificationType.PAYABLE_SUBMITTED,
        payable=parties.submitted,
        business_id=payer.pk,
        user_ids=[parties.payer_viewer.pk],
        message="Submitted.",
    )
    # banking: a payer's bank account, a payment run of another approved payable
    parties.bank_account = banking.bank_account_create(
        business_id=payer.pk,
        actor=parties.payer_owner,
        name="Operating",
        routing_number="021000021",
        account_number="000123456789",
        account_type="checking",
    )
    parties.run = runs.payment_run_create(
        business_id=payer.pk,
        actor=parties.payer_owner,
        payable_ids=[
            factories.PayableFactory(connection=connection, status=PayableStatus.APPROVED).pk
        ],
        on=TODAY,
    )
    # webhooks: an endpoint of the payer and a delivery (its test event)
    parties.endpoint = WebhookEndpoint.objects.create(
        business=payer,
        url="https://hooks.acme.test/cleopay",
        events=["*"],
        secret=webhooks.new_secret(),
        created_by=parties.payer_owner,
    )
    parties.delivery = webhooks.webhook_test(
        endpoint_id=parties.endpoint.pk, actor=parties.payer_owner
    )
    # comments: the payer's owner's internal note
    parties.comment = comments.comment_create(
        payable_id=parties.submitted.pk,
        actor=parties.payer_owner,
        body="Check the PO.",
        visibility="internal",
    )
    return parties


def _pdf():
    return SimpleUploadedFile("invoice.pdf", factories.PDF_BYTES, content_type="application/pdf")


def _payables_csv():
    return SimpleUploadedFile(
        "bills.csv",
        b"connection,invoiceNumber,amount\nAcme,IMP-1,10.00\n",
        content_type="text/csv",
    )


# (service, the call with ``actor``, the member whose role falls short there)
CASES = [
    # accounts
    (
        "business_update_settings",
        lambda w, actor: accounts.business_update_settings(
            business_id=w.payer.pk, actor=actor, default_approval_action="auto_approve"
        ),
        "payer_viewer",
    ),
    (
        "member_change_role",
        lambda w, actor: accounts.member_change_role(
            business_id=w.payer.pk, user_id=w.payer_viewer.pk, role="admin", actor=actor
        ),
        "payer_accountant",
    ),
    (
        "member_remove",
        lambda w, actor: accounts.member_remove(
            business_id=w.payer.pk, user_id=w.payer_viewer.pk, actor=actor
        ),
        "payer_approver",
    ),
    (
        "member_invite",
        lambda w, actor: invitations.member_invite(
            business_id=w.payer.pk, email="someone@acme.test", role="viewer", actor=actor
        ),
        "payer_viewer",
    ),
    (
        "invitation_revoke",
        lambda w, actor: invitations.invitation_revoke(
            business_id=w.payer.pk, invitation_id=w.invitation.pk, actor=actor
        ),
        "payer_accountant",
    ),
    # connections and tags
    (
        "connection_invite",
        lambda w, actor: connections.connection_invite(
            business_id=w.payer.pk,
            actor=actor,
            my_role="payer",
            counterparty_business_id=w.other.pk,
        ),
        "payer_accountant",
    ),
    (
        "connection_accept",
        lambda w, actor: connections.connection_accept(
            connection_id=w.pending.pk, actor=actor, business_id=w.payer.pk
        ),
        "payer_viewer",
    ),
    (
        "connection_archive",
        lambda w, actor: connections.connection_archive(
            connection_id=w.connection.pk, actor=actor, business_id=w.payer.pk
        ),
        "payer_accountant",
    ),
    (
        "connection_set_alias",
        lambda w, actor: connections.connection_set_alias(
            connection_id=w.connection.pk, actor=actor, business_id=w.payee.pk, alias="Acme!"
        ),
        "payee_viewer",
    ),
    (
        "connection_set_tags",
        lambda w, actor: connections.connection_set_tags(
            connection_id=w.connection.pk,
            actor=actor,
            business_id=w.payee.pk,
            tag_ids=[w.tag.pk],
        ),
        "payee_viewer",
    ),
    (
        "connection_update_settings",
        lambda w, actor: connections.connection_update_settings(
            connection_id=w.connection.pk,
            actor=actor,
            business_id=w.payer.pk,
            changes={"net_terms": 10},
        ),
        "payer_approver",
    ),
    (
        "tag_create",
        lambda w, actor: tags.tag_create(business_id=w.payee.pk, actor=actor, name="New"),
        "payee_viewer",
    ),
    (
        "tag_rename",
        lambda w, actor: tags.tag_rename(tag_id=w.tag.pk, actor=actor, name="Renamed"),
        "payee_viewer",
    ),
    (
        "tag_delete",
        lambda w, actor: tags.tag_delete(tag_id=w.tag.pk, actor=actor),
        "payee_viewer",
    ),
    # files
    (
        "file_upload",
        lambda w, actor: files.file_upload(business_id=w.payee.pk, actor=actor, upload=_pdf()),
        "payee_viewer",
    ),
    # credits
    (
        "credit_create",
        lambda w, actor: credits.credit_create(
            business_id=w.payee.pk,
            actor=actor,
            connection_id=w.connection.pk,
            amount=Decimal("5.00"),
        ),
        "payee_viewer",
    ),
    (
        "credit_void",
        lambda w, actor: credits.credit_void(credit_id=w.credit.pk, actor=actor),
        "payee_viewer",
    ),
    (
        "credit_apply",
        lambda w, actor: credits.credit_apply(
            payable_id=w.approved.pk, actor=actor, credit_id=w.credit.pk
        ),
        "payer_approver",
    ),
    # payables
    (
        "payable_create",
        lambda w, actor: payables.payable_create(
            business_id=w.payee.pk,
            actor=actor,
            connection_id=w.connection.pk,
            amount=Decimal("50.00"),
        ),
        "payee_viewer",
    ),
    (
        "payable_update",
        lambda w, actor: payables.payable_update(
            payable_id=w.draft.pk, actor=actor, changes={"memo": "Changed"}
        ),
        "payee_viewer",
    ),
    (
        "payable_set_tags",
        lambda w, actor: payables.payable_set_tags(
            payable_id=w.submitted.pk, actor=actor, tag_ids=[w.tag.pk]
        ),
        "payee_viewer",
    ),
    (
        "payable_submit",
        lambda w, actor: payables.payable_submit(payable_id=w.draft.pk, actor=actor),
        "payee_viewer",
    ),
    (
        "payable_approve",
        lambda w, actor: payables.payable_approve(payable_id=w.submitted.pk, actor=actor),
        "payer_accountant",
    ),
    (
        "payable_decline",
        lambda w, actor: payables.payable_decline(
            payable_id=w.submitted.pk, actor=actor, reason="Wrong rate"
        ),
        "payer_viewer",
    ),
    (
        "payable_not_duplicate",
        lambda w, actor: payables.payable_not_duplicate(payable_id=w.submitted.pk, actor=actor),
        "payer_accountant",
    ),
    (
        "payable_schedule",
        lambda w, actor: payables.payable_schedule(payable_id=w.approved.pk, actor=actor, on=TODAY),
        "payer_approver",
    ),
    (
        "payable_unschedule",
        lambda w, actor: payables.payable_unschedule(payable_id=w.approved.pk, actor=actor),
        "payer_accountant",
    ),
    (
        "payable_pay",
        lambda w, actor: payables.payable_pay(payable_id=w.approved.pk, actor=actor),
        "payer_approver",
    ),
    (
        "payable_cancel",
        lambda w, actor: payables.payable_cancel(
            payable_id=w.submitted.pk, actor=actor, reason="No longer needed"
        ),
        "payer_approver",
    ),
    (
        "payables_bulk",
        lambda w, actor: bulk.payables_bulk(
            business_id=w.payer.pk, actor=actor, action="pay", payable_ids=[w.approved.pk]
        ),
        "payer_approver",
    ),
    # banking
    (
        "bank_account_create",
        lambda w, actor: banking.bank_account_create(
            business_id=w.payer.pk,
            actor=actor,
            name="Reserve",
            routing_number="021000021",
            account_number="000987654321",
            account_type="savings",
        ),
        "payer_accountant",
    ),
    (
        "bank_account_update",
        lambda w, actor: banking.bank_account_update(
            bank_account_id=w.bank_account.pk, actor=actor, changes={"name": "Renamed"}
        ),
        "payer_approver",
    ),
    (
        "bank_account_verify",
        lambda w, actor: banking.bank_account_verify(
            bank_account_id=w.bank_account.pk,
            actor=actor,
            amounts=[Decimal("0.45"), Decimal("0.32")],
        ),
        "payer_accountant",
    ),
    (
        "bank_account_delete",
        lambda w, actor: banking.bank_account_delete(
            bank_account_id=w.bank_account.pk, actor=actor
        ),
        "payer_viewer",
    ),
    (
        "payment_run_create",
        lambda w, actor: runs.payment_run_create(
            business_id=w.payer.pk, actor=actor, payable_ids=[w.approved.pk], on=TODAY
        ),
        "payer_approver",
    ),
    (
        "payment_run_mark_sent",
        lambda w, actor: runs.payment_run_mark_sent(run_id=w.run.pk, actor=actor),
        "payer_accountant",
    ),
    # webhooks
    (
        "webhook_create",
        lambda w, actor: webhooks.webhook_create(
            business_id=w.payer.pk, actor=actor, url="https://127.0.0.1/hook", events=["*"]
        ),
        "payer_approver",
    ),
    (
        "webhook_update",
        lambda w, actor: webhooks.webhook_update(
            endpoint_id=w.endpoint.pk, actor=actor, description="Changed"
        ),
        "payer_accountant",
    ),
    (
        "webhook_delete",
        lambda w, actor: webhooks.webhook_delete(endpoint_id=w.endpoint.pk, actor=actor),
        "payer_viewer",
    ),
    (
        "webhook_rotate_secret",
        lambda w, actor: webhooks.webhook_rotate_secret(endpoint_id=w.endpoint.pk, actor=actor),
        "payer_approver",
    ),
    (
        "webhook_test",
        lambda w, actor: webhooks.webhook_test(endpoint_id=w.endpoint.pk, actor=actor),
        "payer_accountant",
    ),
    (
        "delivery_retry",
        lambda w, actor: webhooks.delivery_retry(delivery_id=w.delivery.pk, actor=actor),
        "payer_viewer",
    ),
    # imports
    (
        "import_create",
        lambda w, actor: imports.import_create(
            business_id=w.payee.pk, actor=actor, upload=_payables_csv(), mode="draft"
        ),
        "payee_viewer",
    ),
    # comments
    (
        "comment_create",
        lambda w, actor: comments.comment_create(
            payable_id=w.submitted.pk, actor=actor, body="Hello", visibility="shared"
        ),
        "payer_viewer",
    ),
    (
        "comment_edit",
        lambda w, actor: comments.comment_edit(comment_id=w.comment.pk, actor=actor, body="New"),
        "payer_viewer",
    ),
    (
        "comment_delete",
        lambda w, actor: comments.comment_delete(comment_id=w.comment.pk, actor=actor),
        "payer_admin",
    ),
]


def _everything() -> dict:
    """Every row of the watched apps, as values: any write shows up as a difference."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values()))
        for app in WATCHED_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.parametrize(
    ("call", "wrong_role"),
    [pytest.param(call, role, id=name) for name, call, role in CASES],
)
@pytest.mark.parametrize("who", ["outsider", "wrong_role"])
def test_a_write_service_refuses_and_writes_nothing(w, call, wrong_role, who):
    before = _everything()
    actor = w.outsider if who == "outsider" else getattr(w, wrong_role)
    expected = NotFound if who == "outsider" else PermissionDenied
    with pytest.raises(expected):
        call(w, actor)
    assert _everything() == before


@pytest.mark.parametrize(
    "call",
    [pytest.param(call, id=name) for name, call, _role in CASES],
)
def test_the_right_member_gets_past_the_check(w, call):
    """The refusals above are the role's, not the arguments': an owner or admin of the side
    is not refused (whatever the status then says)."""
    name = next(name for name, c, _role in CASES if c is call)
    actor = w.payee_owner if _payee_side(name) else w.payer_owner
    try:
        call(w, actor)
    except (NotFound, PermissionDenied) as exc:
        pytest.fail(f"{name} refused {actor.email}: {exc}")
    except Exception:
        pass  # a 400 or 409 of the action itself: past the authorization


PAYEE_SIDE = {
    "connection_set_alias",
    "connection_set_tags",
    "tag_create",
    "tag_rename",
    "tag_delete",
    "file_upload",
    "credit_create",
    "credit_void",
    "payable_create",
    "payable_update",
    "payable_set_tags",
    "payable_submit",
    "import_create",
}


def _payee_side(name: str) -> bool:
    return name in PAYEE_SIDE


def test_notifications_are_the_readers_own(w):
    before = _everything()
    with pytest.raises(NotFound):
        notifications.notification_mark_read(user=w.outsider, notification_id=w.notification.pk)
    assert (
        notifications.notifications_mark_all_read(user=w.outsider, business_ids=[w.payer.pk]) == 0
    )
    assert _everything() == before


# Functions that take an ``actor`` but are no write service of their own: the checks the
# services call, the steps a service runs after its check, and reads.
NOT_SERVICES = {
    "approvals.review.require_not_author": "a check payable_approve / payable_decline make",
    "approvals.review.acting_for": "a read of approval_record: whom the actor approves for",
    "approvals.routing.separate_payer_check": "a check payable_approve / payable_pay make",
    "banking.runs.payment_run_get": "a read (it authorizes too: tests/banking)",
    "banking.runs.payment_run_nacha": "a read (it authorizes too: tests/banking)",
    "connections.services.connection_authorize": "the check the connection services make",
    "connections.tags.tag_authorize": "the check the tag services make",
    "payables.payments.payment_record_outside": "a step of payable_pay, under its lock and check",
    "payables.payments.payment_settled": "a step of payable_pay and the worker's settle",
    "payables.services.base.lock_payable": "the lookup every payables service starts with",
    "payables.services.base.require_side": "the check the payables services make",
    "payables.services.base.acting_side": "which side a service acts for (side_of)",
    "payables.services.lifecycle.submit_payable": "a step of payable_submit / payable_create",
    "payables.services.paying.payment_execute": "a step of payable_pay and the worker's sweep",
}
# Modules whose functions take an ``actor`` to record it, not to authorize it.
RECORDERS = ("events", "apis", "views", "selectors", "serializers", "demo", "admin", "receivers")
APPS = (
    "accounts",
    "connections",
    "files",
    "notifications",
    "approvals",
    "payables",
    "credits",
    "banking",
    "webhooks",
    "imports",
    "comments",
)


def _functions_taking_an_actor():
    for app in APPS:
        package = importlib.import_module(app)
        names = [app] + [
            info.name
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}.")
            if ".migrations" not in info.name and ".management" not in info.name
        ]
        for name in names:
            if name.rsplit(".", 1)[-1] in RECORDERS or ".views." in name:
                continue
            module = importlib.import_module(name)
            for attr, value in vars(module).items():
                if (
                    inspect.isfunction(value)
                    and value.__module__ == name
                    and not attr.startswith("_")
                    and "actor" in inspect.signature(value).parameters
                ):
                    yield f"{name}.{attr}"


def test_every_write_service_of_every_app_is_tested_here_or_in_tests_approvals():
    tested = (
        {name for name, _call, _role in CASES}
        | set(APPROVALS_SERVICES)
        | set(REVIEW_WRITES)
        | set(DELEGATION_WRITES)
    )
    found = set(_functions_taking_an_actor())
    untested = {
        path for path in found if path not in NOT_SERVICES and path.rsplit(".", 1)[-1] not in tested
    }
    assert untested == set(), "write services no refusal test calls"
    assert set(NOT_SERVICES) <= found, "an exemption names a function that is gone"
