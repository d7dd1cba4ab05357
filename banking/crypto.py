"""
Account numbers at rest: Fernet tokens under keys from the environment.

``BANK_ACCOUNT_KEYS`` holds one or more Fernet keys, comma-separated, newest first. New numbers
are encrypted under the first; any of them decrypts (``MultiFernet``), so a key is rotated by
putting the new one in front, running ``manage.py bank_account_keys_rotate`` (every number
re-encrypted under the new key) and then dropping the old one.

Without ``BANK_ACCOUNT_KEYS`` (development and tests only: ``check --deploy`` fails in
production, ``cleopay.checks``) a key is derived from ``SECRET_KEY``.

Nothing here logs, and no exception carries a number: callers get ``last4`` for display.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _keys() -> list[bytes]:
    keys = [key.encode() for key in getattr(settings, "BANK_ACCOUNT_KEYS", []) if key]
    if keys:
        return keys
    digest = hashlib.sha256(b"cleopay-bank-accounts:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same number, encrypted under the first key."""
    return _fernet().rotate(token.encode()).decode()


def last4(number: str) -> str:
    return number[-4:]


def generate_key() -> str:
    return Fernet.generate_key().decode()
