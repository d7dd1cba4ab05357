"""
Who may do what: one table for the whole product (docs/api/conventions.md#roles), and the checks built on it.

One mechanism (docs/DEVELOPMENT.md, "Authorization"): **every write service authorizes its
actor** with ``require`` below, from ``ROLE_CAPABILITIES``. The API adds one thing in front:
a route under ``/api/businesses/{business_id}/`` names its tenant in the path, so
``BusinessPermission`` resolves the caller's membership once, before the handler (404 for a
non-member, never a 403: a business's existence is not the caller's to learn) and enforces the
``capabilities`` the view declares for the method (403), so a role that falls short is refused
before its body is read. A route on an object (``/api/payables/{id}``) declares nothing: its
service finds the object through a queryset scoped to the caller's businesses (404) and checks
the role on the side the caller acts for (403). ``tests/platform/test_route_authorization.py``
walks every route and holds each one to this.
"""

from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role


class Capability(StrEnum):
    READ = "read"
    # Create, edit, submit and cancel the business's own invoices; manage tags and aliases.
    INVOICE = "invoice"
    # Approve or decline incoming payables.
    APPROVE = "approve"
    # Schedule, pay and cancel incoming payables.
    PAY = "pay"
    # Connections (invite, accept, settings, archive), workflows, custom fields, settings, members.
    ADMINISTER = "administer"
    # Write comments on the payables the business sees (everyone who works on them; viewers read).
    COMMENT = "comment"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(Capability),
    Role.ADMIN: frozenset(Capability),
    Role.ACCOUNTANT: frozenset({Capability.READ, Capability.INVOICE, Capability.COMMENT}),
    Role.APPROVER: frozenset({Capability.READ, Capability.APPROVE, Capability.COMMENT}),
    Role.VIEWER: frozenset({Capability.READ}),
}


def role_allows(role: str | None, capability: Capability) -> bool:
    return role is not None and capability in ROLE_CAPABILITIES.get(role, frozenset())


def roles_of(user) -> dict[str, str]:
    """The user's role in each of their businesses, ``{business_id: role}``.

    Read once per request and kept on the user object, which lives as long as the request
    does: an API token's authentication reads them with the token and the user (one query for
    the three), a session's with one query here.
    """
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, "_cleopay_roles", None)
    if cached is None:
        from accounts.models import Membership

        cached = dict(
            Membership.objects.filter(user=user).order_by().values_list("business_id", "role")
        )
        remember_roles(user, cached)
    return cached


def remember_roles(user, roles: dict[str, str]) -> None:
    """Keep ``roles`` (``{business_id: role}``, read with the user) for the rest of the request."""
    user._cleopay_roles = roles


def forget_roles(user) -> None:
    """Drop the cached roles after a membership of this user changed within the request."""
    if user is not None and hasattr(user, "_cleopay_roles"):
        del user._cleopay_roles


def require(user, business_id: str, capability: Capability) -> str:
    """The caller's role in ``business_id``; 404 if not a member, 403 if the role falls short."""
    role = roles_of(user).get(business_id)
    if role is None:
        raise NotFound("Not found.")
    if not role_allows(role, capability):
        raise PermissionDenied(f"Your role ({role}) does not allow this.")
    return role


def capability_for(view, method: str) -> Capability:
    """The capability the view declares for this method; safe methods default to READ."""
    declared = getattr(view, "capabilities", {}) or {}
    if method in declared:
        return declared[method]
    if method in SAFE_METHODS or not hasattr(view, method.lower()):
        # Reading, or a method the view does not implement (the view answers 405 after this).
        return Capability.READ
    raise ImproperlyConfigured(f"{type(view).__name__} declares no capability for {method}")


class BusinessPermission(BasePermission):
    """The tenant of a ``/businesses/{business_id}/`` route: membership (else 404) and the
    capability the view declares for the method (else 403), before the handler.

    The caller's role is left on the view as ``view.role``. Routes without a ``business_id``
    pass: their services authorize the actor on the object they find.
    """

    def has_permission(self, request, view):
        business_id = view.kwargs.get("business_id")
        if business_id is None:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        view.role = require(request.user, business_id, capability_for(view, request.method))
        return True
