"""``Authorization: Bearer <token>``: knox tokens, stored as SHA-512 digests, revocable, expiring."""

import binascii
import json
from functools import cache
from hmac import compare_digest

from django.db import connection
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from accounts.models import Membership, User
from accounts.permissions import remember_roles

# The user's roles as one JSON object ({business_id: role}), by the database's own aggregate;
# null (PostgreSQL) or {} (SQLite) for a user in no business.
_JSON_OBJECT_AGG = {"postgresql": "jsonb_object_agg", "sqlite": "json_group_object"}


@cache
def _candidates_sql(vendor: str) -> str:
    """The tokens with a key, each with its user's columns and roles: one plain statement.

    It runs on every API request; building it with the ORM (a join and a subquery) cost ten
    times what running it does. The columns are the models' own, in their order.
    """
    quote = connection.ops.quote_name
    token_columns = [f"t.{quote(f.column)}" for f in AuthToken._meta.concrete_fields]
    user_columns = [f"u.{quote(f.column)}" for f in User._meta.concrete_fields]
    roles = (
        f"(SELECT {_JSON_OBJECT_AGG[vendor]}(m.business_id, m.role) "  # noqa: S608 (names only)
        f"FROM {quote(Membership._meta.db_table)} AS m WHERE m.user_id = t.user_id)"
    )
    return (
        f"SELECT {', '.join([*token_columns, *user_columns, roles])} "  # noqa: S608 (names only)
        f"FROM {quote(AuthToken._meta.db_table)} AS t "
        f"JOIN {quote(User._meta.db_table)} AS u ON u.id = t.user_id "
        "WHERE t.token_key = %s"
    )


@cache
def _converters(model, vendor: str) -> list[tuple[int, list, object]]:
    """The database's and the fields' converters of ``model``'s columns (what the ORM applies
    to each value it reads: on SQLite, text to aware datetimes and integers to booleans)."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            found.append((index, functions, column))
    return found


def _instance(model, values):
    """A ``model`` instance from its columns' raw values, as the ORM would build it."""
    values = list(values)
    for index, functions, column in _converters(model, connection.vendor):
        for function in functions:
            values[index] = function(values[index], column, connection)
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, values)


def _candidates(token_key: str):
    """``(token, roles)`` for each token with this key, its user attached."""
    width = len(AuthToken._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(_candidates_sql(connection.vendor), [token_key])
        rows = cursor.fetchall()
    for row in rows:
        token = _instance(AuthToken, row[:width])
        token.user = _instance(User, row[width:-1])
        roles = row[-1]
        yield token, (json.loads(roles) if isinstance(roles, str) else roles) or {}


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
        for auth_token, roles in _candidates(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
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
            remember_roles(user, roles)
            return user, auth_token
        raise invalid
