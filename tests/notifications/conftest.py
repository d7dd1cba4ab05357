from tests.approvals.conftest import review  # noqa: F401  (the same people and helpers)
