"""Every API route obeys the one authorization mechanism (docs/DEVELOPMENT.md, "Authorization").

The routes come from the URL resolver, so a new endpoint is held to the rule the day it is added:

- a route under ``/api/businesses/{business_id}/`` declares, for each write method, the
  capability it needs, and that declaration is enforced before the handler runs: a member
  whose role falls short gets a 403 whatever the body, a non-member a 404;
- any other route declares nothing, and each of its write methods is listed below with the
  service that authorizes the actor (tests/platform/test_service_authorization.py calls those
  services with an outsider and with a wrong role), or as acting on the caller's own account.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from accounts.permissions import ROLE_CAPABILITIES, Capability, capability_for
from cleopay.api.views import ApiView
from tests import factories

WRITE_METHODS = ("post", "put", "patch", "delete")

# Object and account routes: (route name, method) → who authorizes the caller.
SERVICE_AUTHORIZED = {
    # The caller's own account: the service acts on request.user and nothing else.
    ("auth-logout", "post"): "own account (revokes the request's own token)",
    ("auth-logout-all", "post"): "accounts.services.user_logout_everywhere",
    ("auth-token-detail", "delete"): "accounts.services.token_revoke",
    ("auth-verify-email-resend", "post"): "accounts.verification.email_verification_send",
    ("business-list", "post"): "accounts.services.business_create",
    ("member-invitation-accept", "post"): "accounts.invitations.member_invitation_accept",
    ("member-invitation-decline", "post"): "accounts.invitations.member_invitation_decline",
    ("notification-read", "post"): "notifications.services.notification_mark_read",
    ("notification-read-all", "post"): "notifications.services.notifications_mark_all_read",
    ("notification-settings", "patch"): "notifications.preferences.notification_settings_update",
    # Objects reached through the caller's businesses: the service finds the object among
    # them (404) and checks the role on the side the caller acts for (403).
    ("connection-alias", "patch"): "connections.services.connection_set_alias",
    ("connection-tags", "patch"): "connections.services.connection_set_tags",
    ("connection-settings", "patch"): "connections.services.connection_update_settings",
    ("connection-archive", "patch"): "connections.services.connection_archive",
    ("connection-accept", "post"): "connections.services.connection_accept",
    ("tag-detail", "patch"): "connections.tags.tag_rename",
    ("tag-detail", "delete"): "connections.tags.tag_delete",
    ("file-upload", "post"): "files.services.file_upload",
    ("payable-detail", "patch"): "payables.services.payable_update",
    ("payable-tags", "patch"): "payables.services.payable_set_tags",
    ("payable-submit", "post"): "payables.services.payable_submit",
    ("payable-approve", "post"): "payables.services.payable_approve",
    ("payable-decline", "post"): "payables.services.payable_decline",
    ("payable-not-duplicate", "post"): "payables.services.payable_not_duplicate",
    ("payable-schedule", "post"): "payables.services.payable_schedule",
    ("payable-unschedule", "post"): "payables.services.payable_unschedule",
    ("payable-pay", "post"): "payables.services.payable_pay",
    ("payable-cancel", "post"): "payables.services.payable_cancel",
    ("credit-void", "post"): "credits.services.credit_void",
    ("payable-apply-credit", "post"): "credits.services.credit_apply",
    # Approval workflows and custom fields (refusals tested in tests/approvals).
    ("approval-workflow-detail", "patch"): "approvals.workflows.workflow_update",
    ("approval-workflow-detail", "delete"): "approvals.workflows.workflow_delete",
    ("custom-field-detail", "patch"): "approvals.fields.custom_field_update",
    ("custom-field-detail", "delete"): "approvals.fields.custom_field_delete",
    ("delegation-detail", "delete"): "approvals.delegation.delegation_delete",
    # Bank accounts and payment runs (owners and admins; refusals tested in tests/platform/test_service_authorization.py).
    ("bank-account-detail", "patch"): "banking.services.bank_account_update",
    ("bank-account-detail", "delete"): "banking.services.bank_account_delete",
    ("bank-account-verify", "post"): "banking.services.bank_account_verify",
    ("payment-run-mark-sent", "post"): "banking.runs.payment_run_mark_sent",
    # Webhook endpoints and deliveries (owners and admins; refusals tested in tests/platform/test_service_authorization.py).
    ("webhook-detail", "patch"): "webhooks.services.webhook_update",
    ("webhook-detail", "delete"): "webhooks.services.webhook_delete",
    ("webhook-rotate-secret", "post"): "webhooks.services.webhook_rotate_secret",
    ("webhook-test", "post"): "webhooks.services.webhook_test",
    ("webhook-delivery-retry", "post"): "webhooks.services.delivery_retry",
    # Comments (any working role of a side that sees the payable; only the author edits).
    ("payable-comments", "post"): "comments.services.comment_create",
    ("comment-detail", "patch"): "comments.services.comment_edit",
    ("comment-detail", "delete"): "comments.services.comment_delete",
}
# Routes without a signed-in caller (they create or prove one).
ANONYMOUS = {"auth-signup", "auth-token", "auth-verify-email"}


def _api_routes():
    """``(name, path template, view class)`` of every route under /api/ served by an ApiView."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                route = prefix + str(pattern.pattern)
                if route.startswith("api/") and view_class and issubclass(view_class, ApiView):
                    found.append((pattern.name, route, view_class))

    walk(get_resolver().url_patterns, "")
    return found


ROUTES = _api_routes()


def _writes(view_class):
    return [method for method in WRITE_METHODS if hasattr(view_class, method)]


def _business_writes():
    return [
        pytest.param(name, route, view_class, method, id=f"{name}-{method}")
        for name, route, view_class in ROUTES
        if "<str:business_id>" in route
        for method in _writes(view_class)
    ]


def test_the_walk_finds_the_api():
    names = {name for name, _route, _view in ROUTES}
    assert {"payable-cancel", "member-list", "connection-accept", "tag-detail"} <= names
    assert len(ROUTES) > 40


@pytest.mark.parametrize(
    ("name", "route", "view_class"),
    [pytest.param(*row, id=row[0]) for row in ROUTES if "<str:business_id>" not in row[1]],
)
def test_an_object_route_declares_nothing_and_names_who_authorizes(name, route, view_class):
    assert not view_class.capabilities, (
        f"{view_class.__name__} declares capabilities, but only a /businesses/{{id}}/ route "
        "enforces them: let its service authorize the actor instead"
    )
    for method in _writes(view_class):
        assert name in ANONYMOUS or (name, method) in SERVICE_AUTHORIZED, (
            f"{method.upper()} {route}: name the service that authorizes the caller"
        )


def test_every_listed_service_exists():
    from importlib import import_module

    routes = {(name, method) for name, _route, view in ROUTES for method in _writes(view)}
    for (name, method), service in SERVICE_AUTHORIZED.items():
        assert (name, method) in routes, f"{name} {method} is no longer a route"
        if service.count(".") >= 2:
            module, function = service.rsplit(".", 1)
            assert callable(getattr(import_module(module), function)), service


def _url(route: str, business_id: str) -> str:
    path = route.replace("<str:business_id>", business_id)
    # Other path parts are never reached: the permission answers before the handler.
    while "<" in path:
        start = path.index("<")
        path = path[:start] + "xyz_000" + path[path.index(">", start) + 1 :]
    return "/" + path


def _short_role(capability: Capability) -> str | None:
    """The weakest role that lacks ``capability`` (None when every role has it)."""
    for role in (Role.VIEWER, Role.APPROVER, Role.ACCOUNTANT):
        if capability not in ROLE_CAPABILITIES[role]:
            return role
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route", "view_class", "method"), _business_writes())
def test_a_business_route_enforces_its_declared_capability(
    api, name, route, view_class, method, acme, stranger
):
    view = view_class()
    capability = capability_for(view, method.upper())  # ImproperlyConfigured when undeclared
    url = _url(route, acme.pk)

    outsider = getattr(api(stranger), method)(url, {}, format="json")
    assert outsider.status_code == 404, (name, method, outsider.content)

    short = _short_role(capability)
    if short is None:
        return  # every member may (a dry run, or the action's own capability is the service's)
    response = getattr(api(factories.member(acme, short)), method)(url, {}, format="json")
    assert response.status_code == 403, (name, method, response.content)
    assert response.json()["type"] == "permission_denied"
