from tests.pages.conftest import world  # noqa: F401  (Acme pays Globex, logged-in clients)
