"""
The authorization matrix: every route of the API and the pages, every method, every principal.

``MATRIX`` is the table: for each route and method, the objects the request names (``target``)
and the status each principal must get: per side, by capability (``cap("PAY")``), the same for
every role (``every(204)``) or each role named (``roles(owner=204, admin=404, ...)``), then the
unrelated business's owner. Foreign objects are a
404, a role that falls short a 403. Every response, errors included, is searched for IDs the
principal must never read (``World.forbidden_for``): there must be none.

A route of the resolver that the matrix does not list (or a method of it) fails
``test_every_route_and_method_is_in_the_matrix``: a new endpoint or page cannot ship unchecked.
Writes run inside a savepoint rolled back after each request, so every cell starts from the
same world.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken

from accounts.services import token_create
from tests.factories import PDF_BYTES
from tests.reliability.invariants import assert_invariants, response_leaks, response_text
from tests.reliability.report import figure
from tests.reliability.world import PRINCIPALS, ROLES, World

# --- the notation ----------------------------------------------------------------------------------
# Capabilities (accounts/permissions.py) as the five roles hold them.
HOLDERS = {
    "READ": ("owner", "admin", "accountant", "approver", "viewer"),
    "INVOICE": ("owner", "admin", "accountant"),
    "APPROVE": ("owner", "admin", "approver"),
    "PAY": ("owner", "admin"),
    "ADMINISTER": ("owner", "admin"),
    "COMMENT": ("owner", "admin", "accountant", "approver"),
}


def cap(capability: str, ok: int = 200, denied: int = 403) -> tuple[int, ...]:
    """``ok`` for the roles holding the capability, ``denied`` for the others."""
    return tuple(ok if role in HOLDERS[capability] else denied for role in ROLES)


def every(code: int) -> tuple[int, ...]:
    return (code,) * len(ROLES)


def roles(**codes: int) -> tuple[int, ...]:
    """The codes of one side's principals, each named: ``roles(owner=204, admin=404, ...)``."""
    assert set(codes) == set(ROLES), f"name every role of {ROLES}"
    return tuple(codes[role] for role in ROLES)


NONE = every(404)  # a business's object seen from another business: it does not exist
# A settings page for owners and admins (webhooks): the page, its form's 400, its action's 302;
# an endpoint of another business named there: 404 to them, 403 to the rest (the page first).
ADMIN_PAGE = cap("ADMINISTER")
ADMIN_PAGE_400 = cap("ADMINISTER", 400)
ADMIN_PAGE_302 = cap("ADMINISTER", 302)
NOT_HERE = cap("ADMINISTER", 404)


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    target: str
    payee: tuple[int, ...]
    payer: tuple[int, ...]
    outsider: int = 404
    body: object = None
    query: str = ""
    multipart: bool = False
    note: str = field(default="", compare=False)

    @property
    def page(self) -> bool:
        return self.route.startswith("page:")

    def expected(self, principal: str) -> int:
        if principal == "outsider":
            return self.outsider
        side, role = principal.split(".")
        return getattr(self, side)[ROLES.index(role)]


# --- the objects a request names -----------------------------------------------------------------
def _user_of(world: World, principal: str):
    return world.user(principal)


TARGETS = {
    "-": lambda w, p: {},
    "payee business": lambda w, p: {"business_id": w.payee.id},
    "payer business": lambda w, p: {"business_id": w.payer.id},
    "outsider business": lambda w, p: {"business_id": w.outsider_business.id},
    "payee viewer": lambda w, p: {
        "business_id": w.payee.id,
        "user_id": w.user("payee.viewer").id,
    },
    "payer viewer under payee": lambda w, p: {
        "business_id": w.payee.id,
        "user_id": w.user("payer.viewer").id,
    },
    "payee invitation": lambda w, p: {
        "business_id": w.payee.id,
        "invitation_id": w.invitations["payee_invitation"].id,
    },
    "invitation to payee viewer": lambda w, p: {
        "invitation_id": w.invitations["payee_invitation_to_viewer"].id
    },
    "payee invitation (to nobody here)": lambda w, p: {
        "invitation_id": w.invitations["payee_invitation"].id
    },
    "payer invitation under payee": lambda w, p: {
        "business_id": w.payee.id,
        "invitation_id": w.invitations["payer_invitation"].id,
    },
    "connection": lambda w, p: {"connection_id": w.connection.id},
    "pending connection": lambda w, p: {"connection_id": w.pending_connection.id},
    "third connection": lambda w, p: {"connection_id": w.third_connection.id},
    "outsider connection": lambda w, p: {"connection_id": w.outsider_connection.id},
    "payee tag": lambda w, p: {"tag_id": w.tags["payee_tag"].id},
    "payer tag": lambda w, p: {"tag_id": w.tags["payer_tag"].id},
    "outsider tag": lambda w, p: {"tag_id": w.tags["outsider_tag"].id},
    "shared file": lambda w, p: {"file_id": w.files["shared_file"].id},
    "payee private file": lambda w, p: {"file_id": w.files["payee_file_private"].id},
    "payer private file": lambda w, p: {"file_id": w.files["payer_file_private"].id},
    "outsider file": lambda w, p: {"file_id": w.files["outsider_file"].id},
    "payer workflow": lambda w, p: {"workflow_id": w.workflows["payer_workflow"].id},
    "outsider workflow": lambda w, p: {"workflow_id": w.workflows["outsider_workflow"].id},
    "payer custom field": lambda w, p: {
        "custom_field_id": w.custom_fields["shared_custom_field"].id
    },
    "outsider custom field": lambda w, p: {
        "custom_field_id": w.custom_fields["outsider_custom_field"].id
    },
    "payer owner's notification": lambda w, p: {
        "notification_id": w.extra["payer_notification"].id
    },
    "outsider's notification": lambda w, p: {
        "notification_id": w.extra["outsider_notification"].id
    },
    "own token": lambda w, p: {
        "token_key": AuthToken.objects.filter(user=w.user(p)).values_list("token_key", flat=True)[0]
    },
    "payer owner's token": lambda w, p: {
        "token_key": AuthToken.objects.filter(user=w.user("payer.owner")).values_list(
            "token_key", flat=True
        )[0]
    },
}


def _page_objects(w: World) -> dict:
    """What a page URL names besides its business: the objects the probes of the matrix use."""
    return {
        "endpoint_id": w.extra["payer_webhook"].id,
        "delivery_id": w.extra["payer_delivery"].id,
        "payable_id": w.payables["submitted"].id,
        "connection_id": w.connection.id,
        "user_id": w.user("payee.viewer").id,
        "invitation_id": w.invitations["payee_invitation"].id,
        "tag_id": w.tags["payee_tag"].id,
        "workflow_id": w.workflows["payer_workflow"].id,
        "custom_field_id": w.custom_fields["shared_custom_field"].id,
        "file_id": w.files["shared_file"].id,
        "notification_id": w.extra["payer_notification"].id,
        "bank_account_id": w.extra["payer_bank_account"].id,
        "run_id": w.extra["payer_run"].id,
        "credit_id": w.extra["shared_credit"].id,
        "import_id": w.extra["payee_import"].id,
        "delegation_id": w.extra["payer_delegation"].id,
        "comment_id": w.extra["shared_comment"].id,
        "action": "approve",
        "token_key": AuthToken.objects.filter(user=w.user("payee.owner")).values_list(
            "token_key", flat=True
        )[0],
        "uidb64": "MQ",
        "token": "set-password",
    }


def _foreign_objects(w: World) -> dict:
    """The unrelated business's objects, of every kind a page URL names."""
    return {
        **_page_objects(w),
        "endpoint_id": w.extra["outsider_webhook"].id,
        "delivery_id": w.extra["outsider_delivery"].id,
        "payable_id": w.payables["outsider_submitted"].id,
        "connection_id": w.outsider_connection.id,
        "user_id": w.user("outsider").id,
        "tag_id": w.tags["outsider_tag"].id,
        "workflow_id": w.workflows["outsider_workflow"].id,
        "custom_field_id": w.custom_fields["outsider_custom_field"].id,
        "file_id": w.files["outsider_file"].id,
        "notification_id": w.extra["outsider_notification"].id,
        "import_id": w.extra["outsider_import"].id,
        "comment_id": w.extra["outsider_comment"].id,
    }


TARGETS["page payee"] = lambda w, p: {**_page_objects(w), "business_id": w.payee.id}
TARGETS["page payer"] = lambda w, p: {**_page_objects(w), "business_id": w.payer.id}
TARGETS["page foreign under payer"] = lambda w, p: {
    **_foreign_objects(w),
    "business_id": w.payer.id,
}
TARGETS["page foreign under payee"] = lambda w, p: {
    **_foreign_objects(w),
    "business_id": w.payee.id,
}
for _status in ("payee_draft", "submitted", "approved", "declined", "scheduled", "paid"):
    TARGETS[f"payable:{_status}"] = lambda w, p, s=_status: {"payable_id": w.payables[s].id}
TARGETS["payable:outsider"] = lambda w, p: {"payable_id": w.payables["outsider_submitted"].id}
TARGETS["payable:third"] = lambda w, p: {"payable_id": w.payables["third_submitted"].id}
TARGETS["payer bank account"] = lambda w, p: {"bank_account_id": w.extra["payer_bank_account"].id}
TARGETS["payee bank account"] = lambda w, p: {"bank_account_id": w.extra["payee_bank_account"].id}
TARGETS["outsider bank account"] = lambda w, p: {
    "bank_account_id": w.extra["outsider_bank_account"].id
}
TARGETS["payer run"] = lambda w, p: {"run_id": w.extra["payer_run"].id}
TARGETS["payer delegation"] = lambda w, p: {"delegation_id": w.extra["payer_delegation"].id}
TARGETS["run payment"] = lambda w, p: {"payment_id": w.extra["payer_run"].items.get().payment_id}
for _comment in ("shared", "payee_internal", "payer_internal", "outsider"):
    TARGETS[f"{_comment} comment"] = lambda w, p, c=_comment: {
        "comment_id": w.extra[f"{c}_comment"].id
    }
TARGETS["shared credit"] = lambda w, p: {"credit_id": w.extra["shared_credit"].id}
TARGETS["outsider credit"] = lambda w, p: {"credit_id": w.extra["outsider_credit"].id}
TARGETS["payee import"] = lambda w, p: {"import_id": w.extra["payee_import"].id}
TARGETS["outsider import"] = lambda w, p: {"import_id": w.extra["outsider_import"].id}
for _owner in ("payer", "outsider"):
    TARGETS[f"{_owner} webhook"] = lambda w, p, o=_owner: {"webhook_id": w.extra[f"{o}_webhook"].id}
    TARGETS[f"{_owner} delivery"] = lambda w, p, o=_owner: {
        "delivery_id": w.extra[f"{o}_delivery"].id
    }


def _in_a_week() -> str:
    return (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=7)).isoformat()


def _credentials(world, principal):
    return {"email": world.user(principal).email, "password": "correct horse battery staple"}


def _new_payable(world, principal):
    return {"connectionId": world.connection.id, "amount": "10.00", "invoiceNumber": "MATRIX-1"}


def _workflow_body(world, principal):
    return {
        "name": "Matrix",
        "steps": [{"approverRoles": ["approver"], "requiredApprovals": 1}],
    }


def _upload(world, principal):
    return {"file": SimpleUploadedFile("matrix.pdf", PDF_BYTES, content_type="application/pdf")}


def _import_file(world, principal):
    content = b"connection,invoiceNumber,amount\nAcme,MATRIX-IMP-1,10.00\n"
    return {"file": SimpleUploadedFile("matrix.csv", content, content_type="text/csv")}


def _bank_account(world, principal):
    return {"name": "Matrix", "routingNumber": "021000021", "accountNumber": "12345678",
            "accountType": "checking"}  # fmt: skip


def _run(world, principal):
    return {"payableIds": [world.payables["approved"].id], "date": _in_a_week()}


def _delegation(world, principal):
    tomorrow = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=1)
    return {"toUserId": world.user("payer.approver").id, "startsOn": tomorrow.isoformat(),
            "endsOn": tomorrow.isoformat()}  # fmt: skip


def _preview(world, principal):
    return {"amount": "10.00", "connectionId": world.connection.id}


R, INV, APP, PAY, ADM = (cap(c) for c in ("READ", "INVOICE", "APPROVE", "PAY", "ADMINISTER"))

# --- the matrix -----------------------------------------------------------------------------------
# fmt: off
MATRIX: list[Row] = [
    # accounts: a user's own session, tokens and businesses
    Row("auth-signup", "POST", "-", every(201), every(201), 201,
        body={"email": "fresh@matrix.test", "password": "a long enough passphrase 42"}),
    Row("auth-token", "POST", "-", every(200), every(200), 200, body=_credentials),
    Row("auth-logout", "POST", "-", every(204), every(204), 204),
    Row("auth-logout-all", "POST", "-", every(204), every(204), 204),
    Row("auth-tokens", "GET", "-", R, R, 200),
    Row("auth-token-detail", "DELETE", "own token", every(204), every(204), 204),
    Row("auth-token-detail", "DELETE", "payer owner's token", every(404),
        roles(owner=204, admin=404, accountant=404, approver=404, viewer=404), 404,
        note="another person's token does not exist for the caller (even a teammate's)"),
    Row("me", "GET", "-", R, R, 200),
    Row("auth-verify-email", "POST", "-", every(400), every(400), 400, body={"token": "forged"},
        note="a token that is not signed by the server verifies nothing"),
    Row("auth-verify-email-resend", "POST", "-", every(202), every(202), 202),
    Row("me-invitations", "GET", "-", R, R, 200),
    Row("member-invitation-accept", "POST", "invitation to payee viewer",
        roles(owner=404, admin=404, accountant=404, approver=404, viewer=200), every(404),
        note="only the person the invitation is addressed to may accept it"),
    Row("member-invitation-accept", "POST", "payee invitation (to nobody here)", every(404),
        every(404)),
    Row("member-invitation-decline", "POST", "invitation to payee viewer",
        roles(owner=404, admin=404, accountant=404, approver=404, viewer=204), every(404)),
    Row("member-invitation-decline", "POST", "payee invitation (to nobody here)", every(404),
        every(404)),
    Row("business-list", "GET", "-", R, R, 200),
    Row("business-list", "POST", "-", every(201), every(201), 201, body={"name": "New Co"}),
    Row("business-detail", "GET", "payee business", R, NONE),
    Row("business-detail", "GET", "payer business", NONE, R),
    Row("business-detail", "GET", "outsider business", NONE, NONE, 200),
    Row("business-settings", "PATCH", "payee business", ADM, NONE,
        body={"defaultApprovalAction": "manual_review"}),
    Row("business-settings", "PATCH", "payer business", NONE, ADM,
        body={"defaultApprovalAction": "manual_review"}),
    Row("member-list", "GET", "payee business", R, NONE),
    Row("member-list", "GET", "payer business", NONE, R),
    Row("member-list", "POST", "payee business", cap("ADMINISTER", 201), NONE,
        body={"email": "joiner@matrix.test", "role": "viewer"}),
    Row("member-list", "POST", "payer business", NONE, cap("ADMINISTER", 201),
        body={"email": "joiner@matrix.test", "role": "viewer"}),
    Row("member-detail", "GET", "payee viewer", R, NONE),
    Row("member-detail", "GET", "payer viewer under payee", every(404), NONE,
        note="a user of another business is not a member here"),
    Row("member-detail", "PATCH", "payee viewer", ADM, NONE, body={"role": "approver"}),
    Row("member-detail", "PATCH", "payer viewer under payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), NONE,
        body={"role": "approver"}),
    Row("member-detail", "DELETE", "payee viewer", cap("ADMINISTER", 204), NONE),
    Row("member-detail", "DELETE", "payer viewer under payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), NONE),
    Row("invitation-list", "GET", "payee business", R, NONE),
    Row("invitation-list", "GET", "payer business", NONE, R),
    Row("invitation-detail", "DELETE", "payee invitation", cap("ADMINISTER", 204), NONE),
    Row("invitation-detail", "DELETE", "payer invitation under payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403),
        NONE),
    # connections, tags
    Row("connection-list", "GET", "-", R, R, 200),
    Row("connection-list", "GET", "-", R, R, 200, query="search=Initech"),
    Row("connection-list", "GET", "-", R, R, 200, query="search=Umbrella"),
    Row("connection-export", "GET", "-", R, R, 200),
    Row("connection-detail", "GET", "connection", R, R),
    Row("connection-detail", "GET", "third connection", NONE, R),
    Row("connection-detail", "GET", "outsider connection", NONE, NONE, 200),
    Row("connection-alias", "PATCH", "connection", INV, INV, body={"alias": "Them"}),
    Row("connection-alias", "PATCH", "outsider connection", NONE, NONE, 200,
        body={"alias": "Them"}),
    Row("connection-tags", "PATCH", "connection", INV, INV, body={"tagIds": []}),
    Row("connection-settings", "PATCH", "connection", ADM, ADM, body={"netTerms": 45}),
    Row("connection-archive", "PATCH", "connection", ADM, ADM),
    Row("connection-archive", "PATCH", "outsider connection", NONE, NONE, 200),
    Row("connection-accept", "POST", "pending connection",
        roles(owner=403, admin=403, accountant=403, approver=403, viewer=403), ADM,
        note="the inviter cannot accept its own invitation; the invited side's admins can"),
    Row("connection-accept", "POST", "connection", every(403), roles(owner=409, admin=409, accountant=403, approver=403, viewer=403),
        note="already active: a 409 for the invited side's admins, the inviter never accepts"),
    Row("connection-events", "GET", "connection", R, R),
    Row("connection-events", "GET", "outsider connection", NONE, NONE, 200),
    Row("business-connection-list", "GET", "payee business", R, NONE),
    Row("business-connection-list", "GET", "payer business", NONE, R),
    Row("business-connection-list", "POST", "payer business", NONE, cap("ADMINISTER", 201),
        body={"counterpartyEmail": "vendor@matrix.test", "myRole": "payer"}),
    Row("business-connection-list", "POST", "outsider business", NONE, NONE, 201,
        body={"counterpartyEmail": "vendor@matrix.test", "myRole": "payer"}),
    Row("tag-list", "GET", "payee business", R, NONE),
    Row("tag-list", "POST", "payer business", NONE, cap("INVOICE", 201), body={"name": "new"}),
    Row("tag-detail", "GET", "payee tag", R, NONE),
    Row("tag-detail", "GET", "payer tag", NONE, R),
    Row("tag-detail", "GET", "outsider tag", NONE, NONE, 200),
    Row("tag-detail", "PATCH", "payer tag", NONE, INV, body={"name": "renamed"}),
    Row("tag-detail", "DELETE", "payee tag", cap("INVOICE", 204), NONE),
    Row("tag-detail", "DELETE", "outsider tag", NONE, NONE, 204),
    # payables
    Row("payable-list", "GET", "payee business", R, NONE),
    Row("payable-list", "GET", "payer business", NONE, R),
    Row("payable-list", "GET", "payer business", NONE, R, query="search=F-&direction=incoming"),
    Row("payable-list", "GET", "payer business", NONE, R, query="awaitingMyApproval=true"),
    Row("payable-list", "POST", "payee business", cap("INVOICE", 201), NONE, body=_new_payable),
    Row("payable-list", "POST", "payer business", NONE, cap("INVOICE", 400), body=_new_payable,
        note="Acme is not the payee of the connection: a 400 on connectionId"),
    Row("payable-export", "GET", "payee business", R, NONE),
    Row("payable-export", "GET", "payer business", NONE, R,
        note="the payer's export: never the payee's drafts, never the other side's tags"),
    Row("payable-export", "GET", "payer business", NONE, R, query="search=F-&status=DRAFT"),
    Row("payable-export", "GET", "outsider business", NONE, NONE, 200),
    Row("connection-invoices", "GET", "connection", R, R),
    Row("connection-invoices", "GET", "third connection", NONE, R),
    Row("connection-invoices", "GET", "outsider connection", NONE, NONE, 200),
    Row("payable-detail", "GET", "payable:submitted", R, R),
    Row("payable-detail", "GET", "payable:payee_draft", R, NONE),
    Row("payable-detail", "GET", "payable:third", NONE, R),
    Row("payable-detail", "GET", "payable:outsider", NONE, NONE, 200),
    Row("payable-detail", "PATCH", "payable:payee_draft", INV, NONE, body={"memo": "edited"}),
    Row("payable-detail", "PATCH", "payable:declined", INV, every(403), body={"memo": "edited"}),
    Row("payable-detail", "PATCH", "payable:submitted", cap("INVOICE", 409), every(403),
        body={"memo": "edited"}),
    Row("payable-events", "GET", "payable:paid", R, R),
    Row("payable-events", "GET", "payable:payee_draft", R, NONE),
    Row("payable-events", "GET", "payable:outsider", NONE, NONE, 200),
    Row("payable-tags", "PATCH", "payable:submitted", INV, INV, body={"tagIds": []}),
    Row("payable-tags", "PATCH", "payable:payee_draft", INV, NONE, body={"tagIds": []}),
    Row("payable-submit", "POST", "payable:payee_draft", INV, NONE),
    Row("payable-submit", "POST", "payable:declined", INV, every(403)),
    Row("payable-submit", "POST", "payable:outsider", NONE, NONE, 403,
        note="the outsider is the payer of its own payable: not its side to submit"),
    Row("payable-approve", "POST", "payable:submitted", every(403), APP),
    Row("payable-approve", "POST", "payable:payee_draft", every(403), NONE),
    Row("payable-approve", "POST", "payable:outsider", NONE, NONE, 200),
    Row("payable-decline", "POST", "payable:submitted", every(403), APP, body={"reason": "No"}),
    Row("payable-not-duplicate", "POST", "payable:submitted", every(403), cap("APPROVE", 409),
        note="the payer's reviewers; 409: not flagged"),
    Row("payable-not-duplicate", "POST", "payable:payee_draft", every(403), NONE),
    Row("payable-not-duplicate", "POST", "payable:outsider", NONE, NONE, 409),
    # comments: working roles of either side write; internal notes stay with their side
    Row("payable-comments", "GET", "payable:submitted", R, R),
    Row("payable-comments", "GET", "payable:payee_draft", R, NONE),
    Row("payable-comments", "GET", "payable:outsider", NONE, NONE, 200),
    Row("payable-comments", "POST", "payable:submitted", cap("COMMENT", 201), cap("COMMENT", 201),
        body={"body": "Hello", "visibility": "shared"}),
    Row("payable-comments", "POST", "payable:payee_draft", cap("COMMENT", 201), NONE,
        body={"body": "Note", "visibility": "internal"}),
    Row("payable-comments", "POST", "payable:outsider", NONE, NONE, 201,
        body={"body": "Hello", "visibility": "shared"}),
    Row("comment-detail", "GET", "shared comment", R, R),
    Row("comment-detail", "GET", "payee_internal comment", R, NONE),
    Row("comment-detail", "GET", "payer_internal comment", NONE, R),
    Row("comment-detail", "GET", "outsider comment", NONE, NONE, 200),
    Row("comment-detail", "PATCH", "shared comment", roles(owner=200, admin=403, accountant=403, approver=403, viewer=403), every(403),
        body={"body": "Edited"}, note="only its author, the payee's owner"),
    Row("comment-detail", "PATCH", "payer_internal comment", NONE, roles(owner=200, admin=403, accountant=403, approver=403, viewer=403),
        body={"body": "Edited"}),
    Row("comment-detail", "PATCH", "outsider comment", NONE, NONE, 200, body={"body": "Edited"}),
    Row("comment-detail", "DELETE", "payee_internal comment", roles(owner=204, admin=403, accountant=403, approver=403, viewer=403), NONE),
    Row("comment-detail", "DELETE", "shared comment", roles(owner=204, admin=403, accountant=403, approver=403, viewer=403), every(403)),
    Row("comment-detail", "DELETE", "outsider comment", NONE, NONE, 204),
    Row("payable-schedule", "POST", "payable:approved", every(403), PAY,
        body=lambda w, p: {"date": _in_a_week()}),
    Row("payable-unschedule", "POST", "payable:scheduled", every(403), PAY),
    Row("payable-pay", "POST", "payable:approved", every(403), PAY),
    Row("payable-pay", "POST", "payable:paid", every(403), cap("PAY", 409)),
    Row("payable-cancel", "POST", "payable:submitted", INV, PAY, body={"reason": "x"}),
    Row("payable-cancel", "POST", "payable:payee_draft", INV, NONE),
    Row("payable-cancel", "POST", "payable:outsider", NONE, NONE, 200),
    Row("payable-bulk", "POST", "payer business", NONE, APP,
        body=lambda w, p: {"action": "approve", "payableIds": [w.payables["submitted"].id]}),
    Row("payable-bulk", "POST", "payer business", NONE, PAY,
        body=lambda w, p: {"action": "pay", "payableIds": [w.payables["approved"].id]}),
    Row("payable-bulk", "POST", "payee business", APP, NONE,
        body=lambda w, p: {"action": "approve", "payableIds": [w.payables["submitted"].id]},
        note="Globex does not pay it: 200 with the item not found"),
    Row("payable-bulk", "POST", "outsider business", NONE, NONE, 200,
        body=lambda w, p: {"action": "pay", "payableIds": [w.payables["approved"].id]},
        note="Acme's payable under Umbrella: 200 with the item not found"),
    # credits
    # reports (docs/api/reports.md): any member reads them; another business's are a 404
    Row("report-aging", "GET", "payee business", R, NONE, query="side=receivables"),
    Row("report-aging", "GET", "payer business", NONE, R, query="side=payables&asOf=2026-01-31"),
    Row("report-aging", "GET", "outsider business", NONE, NONE, 200),
    Row("report-aging", "GET", "payer business", NONE, every(400), query="asOf=someday"),
    Row("report-aging-export", "GET", "payee business", R, NONE),
    Row("report-aging-export", "GET", "payer business", NONE, R),
    Row("report-cash-flow", "GET", "payee business", R, NONE, query="side=in&weeks=4"),
    Row("report-cash-flow", "GET", "payer business", NONE, R),
    Row("report-cash-flow", "GET", "outsider business", NONE, NONE, 200),
    Row("report-cash-flow-export", "GET", "payee business", R, NONE),
    Row("report-cash-flow-export", "GET", "payer business", NONE, R, query="side=out"),
    Row("connection-balance", "GET", "connection", R, R),
    Row("connection-balance", "GET", "third connection", NONE, R),
    Row("connection-balance", "GET", "outsider connection", NONE, NONE, 200),
    Row("connection-balance-export", "GET", "connection", R, R),
    Row("connection-balance-export", "GET", "outsider connection", NONE, NONE, 200),
    Row("credit-list", "GET", "payee business", R, NONE),
    Row("credit-list", "GET", "payer business", NONE, R),
    Row("credit-list", "GET", "outsider business", NONE, NONE, 200),
    Row("credit-list", "POST", "payee business", cap("INVOICE", 201), NONE,
        body=lambda w, p: {"connectionId": w.connection.id, "amount": "5.00"}),
    Row("credit-list", "POST", "payer business", NONE, cap("INVOICE", 400),
        body=lambda w, p: {"connectionId": w.connection.id, "amount": "5.00"},
        note="Acme is not the payee of the connection: a 400 on connectionId"),
    Row("credit-void", "POST", "shared credit", INV, every(403)),
    Row("credit-void", "POST", "outsider credit", NONE, NONE, 403,
        note="Umbrella receives Hooli's credit: only its issuer voids it"),
    Row("payable-apply-credit", "POST", "payable:approved", every(403), PAY,
        body=lambda w, p: {"creditId": w.extra["shared_credit"].id}),
    Row("payable-apply-credit", "POST", "payable:paid", every(403), cap("PAY", 409),
        body=lambda w, p: {"creditId": w.extra["shared_credit"].id}),
    Row("payable-apply-credit", "POST", "payable:outsider", NONE, NONE, 409,
        body=lambda w, p: {"creditId": w.extra["outsider_credit"].id}),
    # bank accounts: owners and admins of their own business only
    Row("bank-account-list", "GET", "payer business", NONE, ADM),
    Row("bank-account-list", "GET", "payee business", ADM, NONE),
    Row("bank-account-list", "POST", "payer business", NONE, cap("ADMINISTER", 201),
        body=_bank_account),
    Row("bank-account-list", "POST", "payee business", cap("ADMINISTER", 201), NONE,
        body=_bank_account),
    Row("bank-account-events", "GET", "payer business", NONE, ADM),
    Row("bank-account-events", "GET", "payee business", ADM, NONE),
    Row("bank-account-detail", "GET", "payer bank account", NONE, ADM),
    Row("bank-account-detail", "GET", "payee bank account", ADM, NONE),
    Row("bank-account-detail", "GET", "outsider bank account", NONE, NONE, 200),
    Row("bank-account-detail", "PATCH", "payer bank account", NONE, ADM, body={"name": "Ops"}),
    Row("bank-account-detail", "DELETE", "payer bank account", NONE, cap("ADMINISTER", 409),
        note="the run's payment on its way uses it"),
    Row("bank-account-detail", "DELETE", "payee bank account", cap("ADMINISTER", 409), NONE),
    Row("bank-account-detail", "DELETE", "outsider bank account", NONE, NONE, 204),
    Row("bank-account-verify", "POST", "payer bank account", NONE, cap("ADMINISTER", 409),
        body={"amounts": ["0.32", "0.45"]}),
    # payment runs: the payer's
    Row("payment-run-list", "GET", "payer business", NONE, R),
    Row("payment-run-list", "GET", "payee business", R, NONE),
    Row("payment-run-list", "POST", "payer business", NONE, cap("PAY", 201), body=_run),
    Row("payment-run-list", "POST", "payee business", cap("PAY", 400), NONE, body=_run,
        note="another business's payable: named, never disclosed"),
    Row("payment-run-detail", "GET", "payer run", NONE, R),
    Row("payment-run-mark-sent", "POST", "payer run", NONE, ADM),
    Row("payment-run-nacha", "GET", "payer run", NONE, ADM),
    Row("payment-bank-accounts", "GET", "run payment", R, R,
        note="both sides of the payment read it; each sees the other's last four digits only"),
    # webhooks and the event feed: owners and admins manage endpoints; every member reads events
    Row("webhook-list", "GET", "payer business", NONE, cap("ADMINISTER")),
    Row("webhook-list", "GET", "outsider business", NONE, NONE, 200),
    Row("webhook-list", "POST", "payer business", NONE, cap("ADMINISTER", 201),
        body={"url": "https://8.8.8.8/hooks", "events": ["*"]}),
    Row("webhook-detail", "GET", "payer webhook", NONE, cap("ADMINISTER")),
    Row("webhook-detail", "GET", "outsider webhook", NONE, NONE, 200),
    Row("webhook-detail", "PATCH", "payer webhook", NONE, cap("ADMINISTER"),
        body={"description": "ERP"}),
    Row("webhook-detail", "DELETE", "payer webhook", NONE, cap("ADMINISTER", 204)),
    Row("webhook-detail", "DELETE", "outsider webhook", NONE, NONE, 204),
    Row("webhook-rotate-secret", "POST", "payer webhook", NONE, cap("ADMINISTER")),
    Row("webhook-test", "POST", "payer webhook", NONE, cap("ADMINISTER", 202)),
    Row("webhook-test", "POST", "outsider webhook", NONE, NONE, 202),
    Row("webhook-deliveries", "GET", "payer webhook", NONE, cap("ADMINISTER")),
    Row("webhook-deliveries", "GET", "outsider webhook", NONE, NONE, 200),
    Row("webhook-delivery-retry", "POST", "payer delivery", NONE, cap("ADMINISTER", 202)),
    Row("webhook-delivery-retry", "POST", "outsider delivery", NONE, NONE, 202),
    Row("event-feed", "GET", "payee business", R, NONE),
    Row("event-feed", "GET", "payer business", NONE, R),
    Row("event-feed", "GET", "outsider business", NONE, NONE, 200),
    # imports of payables from CSV: the payee's team uploads; every member reads
    Row("import-list", "GET", "payee business", R, NONE),
    Row("import-list", "GET", "outsider business", NONE, NONE, 200),
    Row("import-list", "POST", "payee business", cap("INVOICE", 202), NONE, body=_import_file,
        multipart=True),
    Row("import-detail", "GET", "payee import", R, NONE),
    Row("import-detail", "GET", "outsider import", NONE, NONE, 200),
    Row("import-errors", "GET", "payee import", R, NONE),
    Row("import-errors", "GET", "outsider import", NONE, NONE, 200),
    Row("import-template", "GET", "-", R, R, 200),
    # files
    Row("file-upload", "POST", "-", cap("INVOICE", 201), cap("INVOICE", 201), 201,
        body=_upload, multipart=True),
    Row("file-download", "GET", "shared file", R, R),
    Row("file-download", "GET", "payee private file", R, NONE),
    Row("file-download", "GET", "payer private file", NONE, R),
    Row("file-download", "GET", "outsider file", NONE, NONE, 404,
        note="Hooli's file on Hooli's draft: not even its payer sees it"),
    # approvals, custom fields
    Row("approval-workflow-list", "GET", "payer business", NONE, R),
    Row("approval-workflow-list", "POST", "payer business", NONE, cap("ADMINISTER", 201),
        body=_workflow_body),
    Row("approval-workflow-preview", "POST", "payer business", NONE, R, body=_preview),
    Row("approval-workflow-detail", "GET", "payer workflow", NONE, R),
    Row("approval-workflow-detail", "GET", "outsider workflow", NONE, NONE, 200),
    Row("approval-workflow-detail", "PATCH", "payer workflow", NONE, ADM, body={"name": "Re"}),
    Row("approval-workflow-detail", "DELETE", "payer workflow", NONE, cap("ADMINISTER", 204)),
    Row("approval-workflow-detail", "DELETE", "outsider workflow", NONE, NONE, 204),
    Row("delegation-list", "GET", "payer business", NONE, R),
    Row("delegation-list", "POST", "payer business", NONE,
        roles(owner=201, admin=201, accountant=403, approver=400, viewer=403), body=_delegation),
    Row("delegation-detail", "GET", "payer delegation", NONE, R),
    Row("delegation-detail", "DELETE", "payer delegation", NONE,
        roles(owner=204, admin=204, accountant=403, approver=204, viewer=403)),
    Row("custom-field-list", "GET", "payer business", NONE, R),
    Row("custom-field-list", "POST", "payer business", NONE, cap("ADMINISTER", 201),
        body={"key": "cost_center", "label": "Cost center", "type": "text"}),
    Row("custom-field-detail", "GET", "payer custom field", NONE, R),
    Row("custom-field-detail", "GET", "outsider custom field", NONE, NONE, 200),
    Row("custom-field-detail", "PATCH", "payer custom field", NONE, ADM, body={"label": "PO"}),
    Row("custom-field-detail", "DELETE", "payer custom field", NONE, cap("ADMINISTER", 204)),
    Row("connection-custom-field-list", "GET", "connection", R, R),
    Row("connection-custom-field-list", "GET", "outsider connection", NONE, NONE, 200),
    # notifications: one person's own
    Row("notification-list", "GET", "-", R, R, 200),
    Row("notification-read-all", "POST", "-", R, R, 200),
    Row("notification-read", "POST", "payer owner's notification", NONE,
        roles(owner=200, admin=404, accountant=404, approver=404, viewer=404), note="a notification is one person's: a teammate gets 404"),
    Row("notification-read", "POST", "outsider's notification", NONE, NONE, 200),
    Row("notification-settings", "GET", "-", R, R, 200),
    Row("notification-settings", "PATCH", "-", R, R, 200, body={"digest": "daily"}),
    # the schema and its docs: public descriptions, no data
    Row("schema", "GET", "-", R, R, 200),
    Row("api-docs", "GET", "-", R, R, 200),
    # pages (session login), every route under each side's business: a business one is not a
    # member of is a 404, a role short of the page's capability a 403, a GET to a POST-only
    # action a 405. Empty form posts answer 400 (the form again, with its errors) or do the
    # action (302).
    Row("page:business-new", "GET", "page payee", every(200), every(200), 200),
    Row("page:business-new", "POST", "page payee", every(400), every(400), 400),
    Row("page:connection-accept", "GET", "page payee", roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:connection-accept", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), 404),
    Row("page:connection-accept", "POST", "page payee", every(403), every(404), 404),
    Row("page:connection-accept", "POST", "page payer", every(404), roles(owner=409, admin=409, accountant=403, approver=403, viewer=403), 404),
    Row("page:connection-archive", "GET", "page payee", roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:connection-archive", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), 404),
    Row("page:connection-archive", "POST", "page payee", roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:connection-archive", "POST", "page payer", every(404), roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), 404),
    Row("page:connection-detail", "GET", "page payee", every(200), every(404), 404),
    Row("page:connection-detail", "GET", "page payer", every(404), every(200), 404),
    Row("page:connection-detail", "POST", "page payee", roles(owner=302, admin=302, accountant=302, approver=403, viewer=403), every(404), 404),
    Row("page:connection-detail", "POST", "page payer", every(404), roles(owner=302, admin=302, accountant=302, approver=403, viewer=403), 404),
    Row("page:connections", "GET", "page payee", every(200), every(404), 404),
    Row("page:connections", "GET", "page payer", every(404), every(200), 404),
    Row("page:connections", "POST", "page payee", roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:connections", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:connections-export", "GET", "page payee", every(200), every(404), 404),
    Row("page:connections-export", "GET", "page payer", every(404), every(200), 404),
    Row("page:connections-export", "POST", "page payee", every(200), every(404), 404),
    Row("page:connections-export", "POST", "page payer", every(404), every(200), 404),
    Row("page:file-download", "GET", "page payee", every(200), every(404), 404),
    Row("page:file-download", "GET", "page payer", every(404), every(200), 404),
    Row("page:file-download", "POST", "page payee", every(200), every(404), 404),
    Row("page:file-download", "POST", "page payer", every(404), every(200), 404),
    Row("page:business-home", "GET", "page payee", every(200), every(404), 404),
    Row("page:business-home", "GET", "page payer", every(404), every(200), 404),
    Row("page:business-home", "GET", "page payer", every(404), every(200), 404, query="side=payee"),
    Row("page:business-home", "POST", "page payee", every(405), every(405), 405),
    Row("page:reports-aging-csv", "GET", "page payee", every(200), every(404), 404),
    Row("page:reports-aging-csv", "GET", "page payer", every(404), every(200), 404,
        query="side=receivables&asOf=2026-01-31"),
    Row("page:reports-aging-csv", "POST", "page payee", every(405), every(405), 405),
    Row("page:reports-cash-flow-csv", "GET", "page payee", every(200), every(404), 404, query="side=in"),
    Row("page:reports-cash-flow-csv", "GET", "page payer", every(404), every(200), 404),
    Row("page:reports-cash-flow-csv", "POST", "page payee", every(405), every(405), 405),
    Row("page:invitations", "GET", "page payee", every(200), every(200), 200),
    Row("page:invitations", "POST", "page payee", every(200), every(200), 200),
    Row("page:invitation-accept", "GET", "page payee", every(405), every(405), 405),
    Row("page:invitation-accept", "POST", "page payee", every(404), every(404), 404,
        note="an invitation addressed to someone else does not exist for the caller"),
    Row("page:invitation-decline", "GET", "page payee", every(405), every(405), 405),
    Row("page:invitation-decline", "POST", "page payee", every(404), every(404), 404),
    Row("page:notification-unsubscribe", "GET", "page payee", every(404), every(404), 404,
        note="a forged token: 404, with or without a session"),
    Row("page:notification-unsubscribe", "POST", "page payee", every(404), every(404), 404),
    Row("page:verify-email", "GET", "page payee", every(200), every(200), 200),
    Row("page:verify-email", "POST", "page payee", every(400), every(400), 400),
    Row("page:verify-email-resend", "GET", "page payee", every(405), every(405), 405),
    Row("page:verify-email-resend", "POST", "page payee", every(302), every(302), 302),
    Row("page:home", "GET", "page payee", every(302), every(302), 302),
    Row("page:home", "POST", "page payee", every(302), every(302), 302),
    Row("page:inbox", "GET", "page payee", every(200), every(404), 404),
    Row("page:inbox", "GET", "page payer", every(404), every(200), 404),
    Row("page:inbox", "POST", "page payee", every(200), every(404), 404),
    Row("page:inbox", "POST", "page payer", every(404), every(200), 404),
    Row("page:inbox-bulk", "GET", "page payer", every(405), every(405), 405),
    Row("page:inbox-bulk", "POST", "page payee", every(400), every(404), 404,
        note="nothing selected"),
    Row("page:inbox-bulk", "POST", "page payer", every(404), every(400), 404,
        note="nothing selected"),
    Row("page:inbox-bulk", "POST", "page payer", every(404), cap("APPROVE"), 404,
        body=lambda w, p: {"action": "approve", "payableIds": [w.payables["submitted"].id]},
        note="the results page; a role that may not approve: 403"),
    Row("page:inbox-bulk", "POST", "page payee", cap("PAY"), every(404), 404,
        body=lambda w, p: {"action": "pay", "payableIds": [w.payables["approved"].id]},
        note="Globex does not pay it: the results page with the item not found"),
    Row("page:inbox-export", "GET", "page payee", every(200), every(404), 404,
        note="the CSV of the list: Globex receives no bills, an empty file"),
    Row("page:inbox-export", "GET", "page payer", every(404), every(200), 404),
    Row("page:inbox-export", "POST", "page payer", every(405), every(405), 405),
    Row("page:invoices-export", "GET", "page payee", every(200), every(404), 404),
    Row("page:invoices-export", "GET", "page payer", every(404), every(200), 404),
    Row("page:invoices-export", "POST", "page payee", every(405), every(405), 405),
    Row("page:invoice-line-row", "GET", "page payee", roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), every(404), 404),
    Row("page:invoice-line-row", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), 404),
    Row("page:invoice-line-row", "POST", "page payee", roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), every(404), 404),
    Row("page:invoice-line-row", "POST", "page payer", every(404), roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), 404),
    Row("page:invoice-new", "GET", "page payee", roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), every(404), 404),
    Row("page:invoice-new", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), 404),
    Row("page:invoice-new", "POST", "page payee", roles(owner=400, admin=400, accountant=400, approver=403, viewer=403), every(404), 404),
    Row("page:invoice-new", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=400, approver=403, viewer=403), 404),
    Row("page:invoices", "GET", "page payee", every(200), every(404), 404),
    Row("page:invoices", "GET", "page payer", every(404), every(200), 404),
    Row("page:invoices", "POST", "page payee", every(200), every(404), 404),
    Row("page:invoices", "POST", "page payer", every(404), every(200), 404),
    Row("page:login", "GET", "page payee", every(302), every(302), 302),
    Row("page:login", "POST", "page payee", every(302), every(302), 302),
    Row("page:login", "PUT", "page payee", every(302), every(302), 302),
    Row("page:logout", "GET", "page payee", every(405), every(405), 405),
    Row("page:logout", "POST", "page payee", every(302), every(302), 302),
    Row("page:logout-everywhere", "GET", "page payee", every(405), every(405), 405),
    Row("page:logout-everywhere", "POST", "page payee", every(302), every(302), 302),
    Row("page:notification-open", "GET", "page payee", every(405), every(405), 405),
    Row("page:notification-open", "GET", "page payer", every(405), every(405), 405),
    Row("page:notification-open", "POST", "page payee", every(404), every(404), 404),
    Row("page:notification-open", "POST", "page payer", every(404), roles(owner=302, admin=404, accountant=404, approver=404, viewer=404), 404),
    Row("page:notifications", "GET", "page payee", every(200), every(404), 404),
    Row("page:notifications", "GET", "page payer", every(404), every(200), 404),
    Row("page:notifications", "POST", "page payee", every(200), every(404), 404),
    Row("page:notifications", "POST", "page payer", every(404), every(200), 404),
    Row("page:notifications-read-all", "GET", "page payee", every(405), every(405), 405),
    Row("page:notifications-read-all", "GET", "page payer", every(405), every(405), 405),
    Row("page:notifications-read-all", "POST", "page payee", every(302), every(404), 404),
    Row("page:notifications-read-all", "POST", "page payer", every(404), every(302), 404),
    Row("page:password-reset", "GET", "page payee", every(200), every(200), 200),
    Row("page:password-reset", "POST", "page payee", every(200), every(200), 200),
    Row("page:password-reset", "PUT", "page payee", every(200), every(200), 200),
    Row("page:password-reset-complete", "GET", "page payee", every(200), every(200), 200),
    Row("page:password-reset-complete", "POST", "page payee", every(405), every(405), 405),
    Row("page:password-reset-confirm", "GET", "page payee", every(200), every(200), 200),
    Row("page:password-reset-confirm", "POST", "page payee", every(200), every(200), 200),
    Row("page:password-reset-confirm", "PUT", "page payee", every(200), every(200), 200),
    Row("page:password-reset-sent", "GET", "page payee", every(200), every(200), 200),
    Row("page:password-reset-sent", "POST", "page payee", every(405), every(405), 405),
    # The confirm step exists only for whom the action is (approve: the payer's approvers).
    Row("page:payable-action", "GET", "page payee", every(404), every(404), 404),
    Row("page:payable-action", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=404, approver=200, viewer=404), 404),
    Row("page:payable-action", "POST", "page payee", every(403), every(404), 404),
    Row("page:payable-action", "POST", "page payer", every(404), roles(owner=302, admin=302, accountant=403, approver=302, viewer=403), 404),
    Row("page:payable-detail", "GET", "page payee", every(200), every(404), 404),
    Row("page:payable-detail", "GET", "page payer", every(404), every(200), 404),
    Row("page:payable-detail", "POST", "page payee", every(200), every(404), 404),
    Row("page:payable-detail", "POST", "page payer", every(404), every(200), 404),
    Row("page:payable-tags-page", "GET", "page payer", every(405), every(405), 405),
    Row("page:payable-tags-page", "POST", "page payee", cap("INVOICE", 302), every(404), 404,
        note="each side's own tags: the empty form takes them all off"),
    Row("page:payable-tags-page", "POST", "page payer", every(404), cap("INVOICE", 302), 404),
    Row("page:payable-tags-page", "POST", "page foreign under payer", NONE, every(404), 404),
    Row("page:payable-edit", "GET", "page payee", roles(owner=302, admin=302, accountant=302, approver=403, viewer=403), every(404), 404),
    Row("page:payable-edit", "GET", "page payer", every(404), roles(owner=404, admin=404, accountant=404, approver=403, viewer=403), 404),
    Row("page:payable-edit", "POST", "page payee", roles(owner=302, admin=302, accountant=302, approver=403, viewer=403), every(404), 404),
    Row("page:payable-edit", "POST", "page payer", every(404), roles(owner=404, admin=404, accountant=404, approver=403, viewer=403), 404),
    Row("page:payable-redirect", "GET", "page payee", every(302), every(302), 404),
    Row("page:payable-redirect", "POST", "page payee", every(302), every(302), 404),
    Row("page:reports", "GET", "page payee", every(200), every(404), 404),
    Row("page:reports", "GET", "page payer", every(404), every(200), 404),
    Row("page:reports", "POST", "page payee", every(200), every(404), 404),
    Row("page:reports", "POST", "page payer", every(404), every(200), 404),
    Row("page:settings", "GET", "page payee", every(302), every(404), 404),
    Row("page:settings", "GET", "page payer", every(404), every(302), 404),
    Row("page:settings", "POST", "page payee", every(302), every(404), 404),
    Row("page:settings", "POST", "page payer", every(404), every(302), 404),
    Row("page:settings-approvals", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-approvals", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-approvals", "POST", "page payee", roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-approvals", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-custom-field", "GET", "page payee", every(404), every(404), 404),
    Row("page:settings-custom-field", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-custom-field", "POST", "page payee", every(404), every(404), 404),
    Row("page:settings-custom-field", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-custom-field-delete", "GET", "page payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-custom-field-delete", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-custom-field-delete", "POST", "page payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-custom-field-delete", "POST", "page payer", every(404), roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-custom-fields", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-custom-fields", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-custom-fields", "POST", "page payee", roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-custom-fields", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-invitation-revoke", "GET", "page payee", every(405), every(405), 405),
    Row("page:settings-invitation-revoke", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-invitation-revoke", "POST", "page payee", roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-invitation-revoke", "POST", "page payer", every(404), roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-member-remove", "GET", "page payee", roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-member-remove", "GET", "page payer", every(404), roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-member-remove", "POST", "page payee", roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-member-remove", "POST", "page payer", every(404), roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-member-role", "GET", "page payee", every(405), every(405), 405),
    Row("page:settings-member-role", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-member-role", "POST", "page payee", roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-member-role", "POST", "page payer", every(404), roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-members", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-members", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-members", "POST", "page payee", roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-members", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-tag-delete", "GET", "page payee", roles(owner=200, admin=200, accountant=200, approver=403, viewer=403), every(404), 404),
    Row("page:settings-tag-delete", "GET", "page payer", every(404), roles(owner=404, admin=404, accountant=404, approver=403, viewer=403), 404),
    Row("page:settings-tag-delete", "POST", "page payee", roles(owner=302, admin=302, accountant=302, approver=403, viewer=403), every(404), 404),
    Row("page:settings-tag-delete", "POST", "page payer", every(404), roles(owner=404, admin=404, accountant=404, approver=403, viewer=403), 404),
    Row("page:settings-tag-rename", "GET", "page payee", every(405), every(405), 405),
    Row("page:settings-tag-rename", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-tag-rename", "POST", "page payee", roles(owner=302, admin=302, accountant=302, approver=403, viewer=403), every(404), 404),
    Row("page:settings-tag-rename", "POST", "page payer", every(404), roles(owner=404, admin=404, accountant=404, approver=403, viewer=403), 404),
    Row("page:settings-tags", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-tags", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-tags", "POST", "page payee", roles(owner=400, admin=400, accountant=400, approver=403, viewer=403), every(404), 404),
    Row("page:settings-tags", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=400, approver=403, viewer=403), 404),
    Row("page:settings-token-revoke", "GET", "page payee", roles(owner=200, admin=404, accountant=404, approver=404, viewer=404), every(404), 404),
    Row("page:settings-token-revoke", "GET", "page payer", every(404), every(404), 404),
    Row("page:settings-token-revoke", "POST", "page payee", roles(owner=302, admin=404, accountant=404, approver=404, viewer=404), every(404), 404),
    Row("page:settings-token-revoke", "POST", "page payer", every(404), every(404), 404),
    Row("page:settings-notifications", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-notifications", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-notifications", "POST", "page payee", every(400), every(404), 404),
    Row("page:settings-notifications", "POST", "page payer", every(404), every(400), 404),
    Row("page:settings-profile", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-profile", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-profile", "POST", "page payee", every(400), every(404), 404),
    Row("page:settings-profile", "POST", "page payer", every(404), every(400), 404),
    # webhook pages: owners and admins of the endpoint's business; the payer's endpoint named
    # under the payee's business is a 404 to those who may manage webhooks there
    Row("page:settings-webhooks", "GET", "page payee", ADMIN_PAGE, every(404), 404),
    Row("page:settings-webhooks", "GET", "page payer", every(404), ADMIN_PAGE, 404),
    Row("page:settings-webhooks", "POST", "page payee", ADMIN_PAGE_400, every(404), 404),
    Row("page:settings-webhooks", "POST", "page payer", every(404), ADMIN_PAGE_400, 404),
    Row("page:settings-webhook", "GET", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook", "GET", "page payer", every(404), ADMIN_PAGE, 404),
    Row("page:settings-webhook", "GET", "page foreign under payer", NONE, NOT_HERE, 404),
    Row("page:settings-webhook", "POST", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook", "POST", "page payer", every(404), ADMIN_PAGE_400, 404),
    Row("page:settings-webhook-delete", "GET", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook-delete", "GET", "page payer", every(404), ADMIN_PAGE, 404),
    Row("page:settings-webhook-delete", "POST", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook-delete", "POST", "page payer", every(404), ADMIN_PAGE_302, 404),
    Row("page:settings-webhook-delete", "POST", "page foreign under payer", NONE, NOT_HERE, 404),
    Row("page:settings-webhook-rotate", "POST", "page payer", every(404), ADMIN_PAGE, 404),
    Row("page:settings-webhook-rotate", "POST", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook-status", "POST", "page payer", every(404), ADMIN_PAGE_302, 404),
    Row("page:settings-webhook-status", "POST", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook-test", "POST", "page payer", every(404), ADMIN_PAGE_302, 404),
    Row("page:settings-webhook-test", "POST", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook-delivery-retry", "POST", "page payer", every(404),
        ADMIN_PAGE_302, 404),
    Row("page:settings-webhook-delivery-retry", "POST", "page payee", NOT_HERE, every(404), 404),
    Row("page:settings-webhook-delivery-retry", "POST", "page foreign under payer", NONE,
        NOT_HERE, 404),
    Row("page:settings-webhook-rotate", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-webhook-status", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-webhook-test", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-webhook-delivery-retry", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-tokens", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-tokens", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-tokens", "POST", "page payee", every(200), every(404), 404),
    Row("page:settings-tokens", "POST", "page payer", every(404), every(200), 404),
    Row("page:settings-workflow", "GET", "page payee", every(404), every(404), 404),
    Row("page:settings-workflow", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-workflow", "POST", "page payee", every(404), every(404), 404),
    Row("page:settings-workflow", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-workflow-delete", "GET", "page payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-workflow-delete", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-workflow-delete", "POST", "page payee", roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-workflow-delete", "POST", "page payer", every(404), roles(owner=302, admin=302, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-workflow-new", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-workflow-new", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-workflow-new", "POST", "page payee", roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-workflow-new", "POST", "page payer", every(404), roles(owner=400, admin=400, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-workflow-step", "GET", "page payee", roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-workflow-step", "GET", "page payer", every(404), roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-workflow-step", "POST", "page payee", roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), every(404), 404),
    Row("page:settings-workflow-step", "POST", "page payer", every(404), roles(owner=200, admin=200, accountant=403, approver=403, viewer=403), 404),
    Row("page:settings-delegations", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-delegations", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-delegations", "POST", "page payee", cap("APPROVE", 400), every(404), 404),
    Row("page:settings-delegations", "POST", "page payer", every(404), cap("APPROVE", 400), 404),
    Row("page:settings-delegation-delete", "GET", "page payee", every(404), every(404), 404),
    Row("page:settings-delegation-delete", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-delegation-delete", "POST", "page payee", every(404), every(404), 404),
    Row("page:settings-delegation-delete", "POST", "page payer", every(404),
        roles(owner=302, admin=302, accountant=403, approver=302, viewer=403), 404),
    Row("page:email-approval", "GET", "page payee", every(400), every(400), 400),
    Row("page:email-approval", "POST", "page payee", every(400), every(400), 400),
    Row("page:settings-workflows", "GET", "page payee", every(200), every(404), 404),
    Row("page:settings-workflows", "GET", "page payer", every(404), every(200), 404),
    Row("page:settings-workflows", "POST", "page payee", every(200), every(404), 404),
    Row("page:settings-workflows", "POST", "page payer", every(404), every(200), 404),
    Row("page:signup", "GET", "page payee", every(302), every(302), 302),
    Row("page:signup", "POST", "page payee", every(302), every(302), 302),
    # bank accounts (owners and admins of their own business only) and payment runs
    Row("page:settings-bank-accounts", "GET", "page payee", ADM, every(404), 404),
    Row("page:settings-bank-accounts", "GET", "page payer", every(404), ADM, 404),
    Row("page:settings-bank-accounts", "POST", "page payer", every(404), cap("ADMINISTER", 400),
        404),
    Row("page:settings-bank-accounts", "POST", "page payee", cap("ADMINISTER", 400), every(404),
        404),
    Row("page:settings-bank-account-verify", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-bank-account-verify", "POST", "page payer", every(404),
        cap("ADMINISTER", 302), 404),
    Row("page:settings-bank-account-verify", "POST", "page payee", cap("ADMINISTER", 404),
        every(404), 404),
    Row("page:settings-bank-account-default", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-bank-account-default", "POST", "page payer", every(404),
        cap("ADMINISTER", 302), 404),
    Row("page:settings-bank-account-default", "POST", "page payee", cap("ADMINISTER", 404),
        every(404), 404),
    Row("page:settings-bank-account-delete", "GET", "page payer", every(405), every(405), 405),
    Row("page:settings-bank-account-delete", "POST", "page payer", every(404),
        cap("ADMINISTER", 302), 404, note="in use by the run: refused, shown as a message"),
    Row("page:settings-bank-account-delete", "POST", "page payee", cap("ADMINISTER", 404),
        every(404), 404),
    Row("page:runs", "GET", "page payer", every(404), every(200), 404),
    Row("page:runs", "GET", "page payee", every(200), every(404), 404),
    Row("page:runs", "POST", "page payer", every(404), every(200), 404),
    Row("page:run-new", "GET", "page payer", every(404), PAY, 404),
    Row("page:run-new", "GET", "page payee", PAY, every(404), 404),
    Row("page:run-new", "POST", "page payer", every(404), cap("PAY", 400), 404),
    Row("page:run-new", "POST", "page payee", cap("PAY", 400), every(404), 404),
    Row("page:run-detail", "GET", "page payer", every(404), every(200), 404),
    Row("page:run-detail", "GET", "page payee", every(404), every(404), 404),
    Row("page:run-detail", "POST", "page payer", every(404), every(200), 404),
    Row("page:run-mark-sent", "GET", "page payer", every(405), every(405), 405),
    Row("page:run-mark-sent", "POST", "page payer", every(404), cap("ADMINISTER", 302), 404),
    Row("page:run-mark-sent", "POST", "page payee", cap("ADMINISTER", 404), every(404), 404),
    # imports pages: the payee's team
    Row("page:invoice-import", "GET", "page payee", INV, every(404), 404),
    Row("page:invoice-import", "GET", "page payer", every(404), INV, 404),
    Row("page:invoice-import", "POST", "page payee", cap("INVOICE", 400), every(404), 404),
    Row("page:invoice-import", "POST", "page payer", every(404), cap("INVOICE", 400), 404),
    Row("page:import-page", "GET", "page payee", INV, every(404), 404),
    Row("page:import-page", "GET", "page payer", every(404), cap("INVOICE", 404), 404,
        note="Globex's import named under Acme: not Acme's"),
    Row("page:import-page", "GET", "page foreign under payee", cap("INVOICE", 404), every(404),
        404),
    Row("page:import-page", "POST", "page payee", INV, every(404), 404),
    # credits pages
    Row("page:credits", "GET", "page payee", every(200), every(404), 404),
    Row("page:credits", "GET", "page payer", every(404), every(200), 404),
    Row("page:credits", "POST", "page payee", cap("INVOICE", 400), every(404), 404),
    Row("page:credits", "POST", "page payer", every(404), cap("INVOICE", 400), 404),
    Row("page:credit-void-page", "GET", "page payee", every(405), every(405), 405),
    Row("page:credit-void-page", "POST", "page payee", cap("INVOICE", 302), every(404), 404),
    Row("page:credit-void-page", "POST", "page payer", every(404), cap("INVOICE", 302), 404,
        note="the payer may not void it: refused, shown as a message"),
    Row("page:comment-post", "GET", "page payee", every(405), every(405), 405),
    Row("page:comment-post", "POST", "page payee", cap("COMMENT", 302), every(404), 404,
        body={"body": "Hello", "visibility": "shared"}),
    Row("page:comment-post", "POST", "page payer", every(404), cap("COMMENT", 302), 404,
        body={"body": "Hello", "visibility": "internal"}),
    Row("page:comment-post", "POST", "page foreign under payer", every(404), cap("COMMENT", 404),
        404, body={"body": "Hello", "visibility": "shared"}),
    Row("page:comment-edit", "GET", "page payee", every(405), every(405), 405),
    Row("page:comment-edit", "POST", "page payee", cap("COMMENT", 302), every(404), 404,
        body={"body": "Edited"}, note="only its author edits: others are refused by a message"),
    Row("page:comment-edit", "POST", "page payer", every(404), cap("COMMENT", 302), 404,
        body={"body": "Edited"}, note="the payee's comment: refused, shown as a message"),
    Row("page:comment-edit", "POST", "page foreign under payee", cap("COMMENT", 404), every(404),
        404, body={"body": "Edited"}),
    Row("page:comment-delete", "GET", "page payee", every(405), every(405), 405),
    Row("page:comment-delete", "POST", "page payee", cap("COMMENT", 302), every(404), 404),
    Row("page:comment-delete", "POST", "page foreign under payer", every(404), cap("COMMENT", 404),
        404),
    Row("page:credit-apply", "GET", "page payer", every(404), PAY, 404),
    Row("page:credit-apply", "GET", "page payee", cap("PAY", 404), every(404), 404),
    Row("page:credit-apply", "POST", "page payer", every(404), cap("PAY", 400), 404),
    Row("page:credit-apply", "POST", "page payee", cap("PAY", 404), every(404), 404),
    # another business's objects named under one's own business: 404, whoever asks
    Row("page:payable-detail", "GET", "page foreign under payer", NONE, every(404), 404),
    Row("page:payable-action", "POST", "page foreign under payer", NONE, every(404), 404),
    Row("page:payable-edit", "GET", "page foreign under payee", roles(owner=404, admin=404, accountant=404, approver=403, viewer=403),
        NONE, 404),
    Row("page:connection-detail", "GET", "page foreign under payer", NONE, every(404), 404),
    Row("page:connection-archive", "POST", "page foreign under payer", NONE,
        roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), 404),
    Row("page:file-download", "GET", "page foreign under payer", NONE, every(404), 404),
    Row("page:settings-workflow", "GET", "page foreign under payer", NONE, every(404), 404),
    Row("page:settings-custom-field", "GET", "page foreign under payer", NONE, every(404), 404),
    Row("page:settings-tag-rename", "POST", "page foreign under payer", NONE,
        roles(owner=404, admin=404, accountant=404, approver=403, viewer=403), 404),
    Row("page:notification-open", "POST", "page foreign under payer", NONE, every(404), 404),
    Row("page:settings-member-remove", "POST", "page foreign under payer", NONE,
        roles(owner=404, admin=404, accountant=403, approver=403, viewer=403), 404),
]
# fmt: on

# Routes outside the matrix, with the reason.
EXEMPT = {
    "admin:*": "the Django admin serves platform staff only (is_staff), tested in tests/platform",
    "page:health-*": "public by design (no auth, no secrets), tested in tests/platform/test_health.py",
    "page:metrics": "a scraper's bearer METRICS_TOKEN, not a user's; a 404 unless METRICS_ENABLED; "
    "tested in tests/platform/test_metrics.py",
}


# --- the routes of the resolver -------------------------------------------------------------------
def resolver_routes() -> dict[str, tuple[str, set[str]]]:
    """``{route: (URL pattern, methods its view implements)}`` for every URL pattern, walked
    recursively. API routes are keyed by name, pages by ``page:<name>`` (a page may share its
    name with the API route it mirrors). A function view answers GET and POST (the matrix says
    which of them it refuses, with 405)."""
    routes: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
                continue
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            if namespace == "admin":
                routes.setdefault("admin:*", (route, set()))
                continue
            assert pattern.name, f"an unnamed route: {route}"
            if namespace:
                name = f"{namespace}:{pattern.name}"
            elif route.startswith("api/"):
                name = pattern.name
            else:
                name = f"page:{pattern.name}"
            view = getattr(pattern.callback, "view_class", None) or getattr(
                pattern.callback, "cls", None
            )
            if view is None:
                methods = {"GET", "POST"}
            else:
                methods = {
                    m.upper()
                    for m in view.http_method_names
                    if m not in ("options", "head", "trace") and hasattr(view, m)
                }
            routes[name] = ("/" + route, methods)

    walk(get_resolver().url_patterns)
    return routes


ROUTES = resolver_routes()


def _exempt(name: str) -> bool:
    return any(
        name.startswith(rule[:-1]) if rule.endswith("*") else name == rule for rule in EXEMPT
    )


def test_every_route_and_method_is_in_the_matrix():
    covered = {(row.route, row.method) for row in MATRIX}
    missing = [
        f"{name} {method}"
        for name, (_pattern, methods) in sorted(resolver_routes().items())
        if not _exempt(name)
        for method in sorted(methods)
        if (name, method) not in covered
    ]
    assert missing == [], "routes missing from the authorization matrix"
    stale = {row.route for row in MATRIX} - set(resolver_routes())
    assert stale == set(), "rows for routes that no longer exist"


# --- running a cell --------------------------------------------------------------------------------
def _ids_in(value) -> set[str]:
    return set(re.findall(r"[a-z]+_[A-Za-z0-9]{6,}", str(value)))


def url_of(row: Row, values: dict) -> str:
    """The row's URL pattern with its parameters filled in from ``values``."""
    pattern, _methods = ROUTES[row.route]
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], pattern)


def request(world, clients, row: Row, principal: str):
    url = url_of(row, TARGETS[row.target](world, principal))
    if row.query:
        url = f"{url}?{row.query}"
    body = row.body(world, principal) if callable(row.body) else row.body
    if row.page:
        # A fresh session for each page request: a cell that logs out must not log out the next.
        client = Client()
        client.force_login(world.user(principal))
    else:
        client = clients[principal]
    method = getattr(client, row.method.lower())
    if row.multipart:
        response = method(url, body, format="multipart")
    elif row.page:
        response = method(url, body or {})
    elif body is None:
        response = method(url)
    else:
        response = method(url, body, format="json")
    return response, _ids_in(url) | _ids_in(body)


@pytest.mark.django_db
def test_the_matrix(world, clients):
    """Every cell: the expected status, and no ID the principal must not read."""
    wrong, leaks, cells = [], [], 0
    for row in MATRIX:
        for principal in PRINCIPALS:
            with transaction.atomic():
                response, sent = request(world, clients, row, principal)
                transaction.set_rollback(True)
            cells += 1
            expected = row.expected(principal)
            if response.status_code != expected:
                body = response_text(response)[:160] if response.status_code != 200 else ""
                wrong.append(
                    f"{row.route} {row.method} [{row.target}{' ?' + row.query if row.query else ''}]"
                    f" as {principal}: {response.status_code}, expected {expected} {body}"
                )
            found = response_leaks(response, world.forbidden_for(principal), sent=sent)
            if found:
                leaks.append(f"{row.route} {row.method} [{row.target}] as {principal}: {found}")
    routes = {(row.route, row.method) for row in MATRIX}
    figure(
        "authorization-matrix",
        routes=len({row.route for row in MATRIX}),
        route_methods=len(routes),
        rows=len(MATRIX),
        principals=len(PRINCIPALS),
        cells=cells,
        wrong_status=len(wrong),
        leaks=len(leaks),
    )
    assert (wrong, leaks) == ([], []), "\n" + "\n".join([*wrong, "LEAKS:", *leaks])
    assert_invariants()


@pytest.mark.django_db
def test_without_credentials_every_api_route_is_401_and_every_page_asks_to_log_in(world):
    public = {
        "auth-signup",
        "auth-token",
        "auth-verify-email",
        "schema",
        "api-docs",
        "page:login",
        "page:signup",
        "page:verify-email",
        "page:email-approval",  # its signed link is the credential (tests/payables)
        "page:notification-unsubscribe",
        "page:password-reset",
        "page:password-reset-sent",
        "page:password-reset-confirm",
        "page:password-reset-complete",
    }
    for principal in ("payee.owner", "payer.owner"):
        token_create(user=world.user(principal))
    checked = 0
    for row in {(r.route, r.method, r.target, r.page): r for r in MATRIX}.values():
        if row.route in public:
            continue
        url = url_of(row, TARGETS[row.target](world, "payee.owner"))
        with transaction.atomic():
            response = getattr(Client(), row.method.lower())(url)
            transaction.set_rollback(True)
        checked += 1
        if row.page and row.expected("payee.owner") == 405:
            assert response.status_code == 405, (row.route, response.status_code)
        elif row.page:
            assert response.status_code == 302, (row.route, row.method, response.status_code)
            assert response["Location"].startswith("/login"), row.route
        else:
            assert response.status_code == 401, (row.route, row.method, response.status_code)
            assert response.json()["type"] == "authentication_error"
        assert response_leaks(response, world.forbidden_for("outsider") - _ids_in(url)) == set()
    figure("anonymous", requests=checked, answered_without_login=0)


def test_a_missing_route_fails_the_completeness_check(monkeypatch):
    """The check above can fail: drop one row and it names the route."""
    reduced = [row for row in MATRIX if row.route != "payable-pay"]
    monkeypatch.setattr("tests.reliability.test_authorization_matrix.MATRIX", reduced)
    with pytest.raises(AssertionError):
        test_every_route_and_method_is_in_the_matrix()
