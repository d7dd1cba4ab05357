"""A Content-Security-Policy on every page: scripts and styles from this origin only, and the
templates give it nothing to refuse (no inline script, style element or style attribute)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login", "/signup", "/password-reset", "/api/docs/", "/"])
def test_every_page_carries_the_policy(client, path):
    membership = factories.MembershipFactory(role="owner")
    if path == "/":
        client.force_login(membership.user)
    response = client.get(path, follow=True)

    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in policy and "http" not in policy


def test_the_page_templates_have_no_inline_script_or_style():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if template.parts[-2] == "email":
            continue  # e-mails are read by mail clients, not served under the policy
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template.name}: inline <script>")
        if "<style" in text or re.search(r"\sstyle=\"", text):
            offenders.append(f"{template.name}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{template.name}: inline event handler")
    assert offenders == []


def test_no_page_loads_anything_from_another_site():
    for template in TEMPLATES.rglob("*.html"):
        if template.parts[-2] == "email":
            continue
        assert not re.search(r"(src|href)=\"(https?:)?//", template.read_text()), template.name
