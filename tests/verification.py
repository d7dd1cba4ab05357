"""Following the e-mail verification link as its reader would (tests of several apps use it)."""

import re

from django.core import mail


def verification_token(email: str) -> str:
    """The token of the last verification link e-mailed to ``email``."""
    bodies = [m.body for m in mail.outbox if m.to == [email] and "/verify-email/" in m.body]
    assert bodies, f"no verification e-mail to {email}"
    return re.search(r"/verify-email/(\S+)", bodies[-1]).group(1)


def verify_by_link(client, email: str):
    """POST the e-mailed token to the API, as a client following the link would."""
    return client.post(
        "/api/auth/verify-email", {"token": verification_token(email)}, format="json"
    )
