"""
Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against one
live server for the whole run.

``browser`` is launched once per session; ``open_page(user, width=...)`` gives a page in a fresh
context (its own cookies), logged in through the login page when a user is given. Every test is
marked ``browser`` (tests/conftest.py deselects them where Chromium is missing).
``screenshot(page, name)`` saves under ``$ARTIFACTS_DIR/screenshots/`` (default test-artifacts/),
which CI keeps.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("ARTIFACTS_DIR", "test-artifacts")) / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one test module (a launch takes well under a second).

    While Playwright's sync API is open an asyncio loop runs in this thread, and Django refuses
    ORM calls from a thread with a running loop; the tests' own ORM calls (set up, check) are
    plain synchronous calls all the same, hence DJANGO_ALLOW_ASYNC_UNSAFE, for this module only.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(user=None, viewport=LAPTOP)``: a page of its own, logged in as ``user``."""
    contexts = []

    def make(user=None, viewport=LAPTOP):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="en-US", timezone_id="UTC"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        # Chromium reports each Content-Security-Policy refusal on the console.
        violations = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.csp_violations = violations
        if user is not None:
            log_in(page, user.email)
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            assert page.js_errors == [], f"JavaScript errors on {page.url}: {page.js_errors}"
            assert page.csp_violations == [], f"CSP violations on {page.url}"
        context.close()


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/b/**")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
