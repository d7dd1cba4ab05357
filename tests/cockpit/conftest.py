"""The pages' world (Acme pays Globex, logged-in clients) for the cockpit's page tests."""

from tests.pages.conftest import world  # noqa: F401
