"""Writes of the approvals app, by the names callers use: workflows (``approvals.workflows``),
custom field definitions (``approvals.fields``) and the review of a submitted payable
(``approvals.review``, called by the payables services)."""

from approvals.fields import (  # noqa: F401
    IMMUTABLE_CUSTOM_FIELD_KEYS,
    custom_field_create,
    custom_field_delete,
    custom_field_update,
)
from approvals.review import (  # noqa: F401
    ApprovalProgress,
    approval_decline,
    approval_record,
    approval_request_cancel,
    approval_request_start,
    approvers_now,
)
from approvals.routing import separate_payer_check  # noqa: F401
from approvals.workflows import workflow_create, workflow_delete, workflow_update  # noqa: F401
