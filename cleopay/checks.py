"""Deploy checks: ``manage.py check --deploy`` (and ``make check``) fail on a setup that would
run in production without a broker or with a guessable secret key.

Django's own ``security.W009`` only warns about a weak SECRET_KEY; here it is an error, and the
values shipped in the repository (the development default and ``.env.example``) count as weak.
"""

from django.conf import settings
from django.core import checks

DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-used-with-debug-on"
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"
KNOWN_SECRET_KEYS = frozenset({DEVELOPMENT_SECRET_KEY, EXAMPLE_SECRET_KEY})
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


@checks.register(checks.Tags.security, deploy=True)
def check_redis_url(app_configs=None, **kwargs):
    """With DEBUG off, tasks must go to a real broker, not run in the web process."""
    if settings.DEBUG or getattr(settings, "REDIS_URL", ""):
        return []
    return [
        checks.Error(
            "REDIS_URL is not set while DEBUG is off: Celery tasks would run inside web requests "
            "and the periodic sweeps would never run.",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) and run the worker and beat.",
            id="cleopay.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    """SECRET_KEY signs sessions and tokens: it must be long, varied and not a published value."""
    key = str(getattr(settings, "SECRET_KEY", "") or "")
    reasons = []
    if key in KNOWN_SECRET_KEYS:
        reasons.append("it is the value published in the repository")
    if len(key) < SECRET_KEY_MIN_LENGTH:
        reasons.append(f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters")
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        reasons.append(f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} unique characters")
    if not reasons:
        return []
    return [
        checks.Error(
            "SECRET_KEY is weak: " + "; ".join(reasons) + ".",
            hint=(
                "Generate one with: python -c 'from django.core.management.utils import "
                "get_random_secret_key as k; print(k())'"
            ),
            id="cleopay.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_bank_account_keys(app_configs=None, **kwargs):
    """Bank account numbers are encrypted under BANK_ACCOUNT_KEYS: in production it must be set
    (valid Fernet keys), not derived from SECRET_KEY as in development."""
    from cryptography.fernet import Fernet

    keys = getattr(settings, "BANK_ACCOUNT_KEYS", [])
    problem = None
    if not keys:
        problem = "BANK_ACCOUNT_KEYS is not set"
    else:
        try:
            for key in keys:
                Fernet(key.encode())
        except ValueError:
            problem = "BANK_ACCOUNT_KEYS holds a value that is not a Fernet key"
    if problem is None or settings.DEBUG:
        return []
    return [
        checks.Error(
            f"{problem}: bank account numbers would be encrypted under a key derived from "
            "SECRET_KEY.",
            hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())' (comma-separate several to rotate).",
            id="cleopay.E003",
        )
    ]
