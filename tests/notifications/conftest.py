from tests.approvals.conftest import review  # noqa: F401  (its people and helpers)
