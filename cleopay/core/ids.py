"""
Public IDs: a type prefix and 22 random base62 characters (~131 bits), e.g. ``pay_4Fh2...``.

Every model the API exposes uses one as its primary key, so URLs, foreign keys and JSON all
carry the same string and no database integer ever leaks or can be guessed.
"""

import re
import secrets
import string

from django.db import models
from rest_framework.exceptions import NotFound

ALPHABET = string.ascii_letters + string.digits
RANDOM_LENGTH = 22
MAX_LENGTH = 32

PREFIXES = {
    "usr",
    "biz",
    "conn",
    "tag",
    "pay",
    "li",
    "file",
    "apwf",
    "cf",
    "pmt",
    "crd",
    "evt",
    "ntf",
    "whk",
    "whd",
    "inv",
    "apr",
    "bank",
    "run",
    "imp",
    "dlg",
    "apl",
    "cmt",
}

_SHAPE = re.compile(rf"^([a-z]+)_([A-Za-z0-9]{{1,{MAX_LENGTH - 6}}})$")


def new_public_id(prefix: str) -> str:
    return f"{prefix}_{''.join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))}"


def is_public_id(value: object, prefix: str) -> bool:
    """True when `value` has the shape of an ID of this type (it may still not exist)."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        return False
    match = _SHAPE.match(value)
    return bool(match) and match.group(1) == prefix


def require_id_shape(value: object, prefix: str) -> None:
    """404 for an ID that cannot exist (wrong prefix, NUL bytes...), before any query sees it."""
    if not is_public_id(value, prefix):
        raise NotFound("Not found.")


class PublicIdField(models.CharField):
    """A primary key holding a prefixed random ID, generated when the row is built."""

    def __init__(self, *args, prefix: str, **kwargs):
        if prefix not in PREFIXES:
            raise ValueError(f"unknown public ID prefix {prefix!r}")
        self.prefix = prefix
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        for key, default in (
            ("max_length", MAX_LENGTH),
            ("primary_key", True),
            ("editable", False),
        ):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def has_default(self) -> bool:
        return True

    def get_default(self) -> str:
        return new_public_id(self.prefix)
