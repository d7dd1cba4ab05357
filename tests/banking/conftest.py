from tests.payables.conftest import parties  # noqa: F401  (the same two businesses and people)
