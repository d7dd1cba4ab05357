"""The admin site works under the Content-Security-Policy: log in, a list, a change form and
its password-change form, with no refusal on the console (``open_page`` checks)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_runs_without_a_csp_violation(open_page):
    staff = factories.UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    page = open_page()
    page.goto("/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()

    for path in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{staff.pk}/change/",
        f"/admin/accounts/user/{staff.pk}/password/",
        "/admin/accounts/business/add/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.csp_violations == []
