"""``Authorization: Bearer <token>``: knox tokens, stored as SHA-512 digests, revocable, expiring."""

import binascii
from hmac import compare_digest

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from accounts.models import Membership
from accounts.permissions import remember_roles
from cleopay.aggregates import JSONObjectAgg


def _roles_of_token_user():
    """The token's user's ``{business_id: role}``, as a subquery of the token's row."""
    return Subquery(
        Membership.objects.filter(user=OuterRef("user_id"))
        .order_by()
        .values("user_id")
        .annotate(roles=JSONObjectAgg("business_id", "role"))
        .values("roles")
    )


class BearerTokenAuthentication(TokenAuthentication):
    """Knox's scheme in one query per request: the token, its user and the user's roles
    (``accounts.permissions.roles_of``, which every endpoint needs next).

    Unlike knox's own class it does not sweep the user's other tokens on every request (a
    periodic task deletes expired ones), and a token that is not valid text is a 401, not a 500.
    """

    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed("Invalid token.")
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise invalid from None
        if not text.isprintable() or len(text) > 200:
            raise invalid
        candidates = (
            AuthToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .annotate(roles=_roles_of_token_user())
        )
        for auth_token in candidates:
            try:
                digest = hash_token(text)
            except (TypeError, ValueError, binascii.Error):
                raise invalid from None
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                raise exceptions.AuthenticationFailed("Token expired.")
            user, auth_token = self.validate_user(auth_token)
            remember_roles(user, auth_token.roles or {})
            return user, auth_token
        raise invalid
