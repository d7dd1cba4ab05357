"""Swagger UI at /api/docs/ works offline: every file from this server (drf-spectacular-sidecar),
every operation listed, nothing refused by the Content-Security-Policy."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_the_operations_offline_under_the_csp(open_page, live_server):
    page = open_page()
    ours = urlparse(live_server.url).netloc
    elsewhere = []

    def only_this_server(route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == ours:
            route.continue_()
        else:  # no network: anything from a CDN fails, and is recorded
            elsewhere.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_this_server)
    response = page.goto("/api/docs/")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    operations = page.locator(".opblock").count()
    assert operations > 40
    expect(page.locator('.opblock-summary-path[data-path="/api/auth/token"]')).to_be_visible()
    assert elsewhere == []
    assert page.csp_violations == []
