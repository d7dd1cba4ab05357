"""The approval and custom-field rules other apps call, under the names they have used: routing
lives in ``approvals.routing``, custom field values in ``approvals.field_values``."""

from approvals.field_values import (  # noqa: F401
    CUSTOM_FIELD_CLEANERS,
    PAYABLE_PATH,
    CleanedCustomFields,
    custom_field_definitions,
    custom_fields_validate,
    line_item_path,
    payable_custom_fields_validate,
)
from approvals.routing import (  # noqa: F401
    APPROVING_ROLES,
    SNAPSHOT_VERSION,
    ApprovalOutcome,
    ApprovalRoute,
    approval_route,
    eligible_approvers,
    manual_review_approvers,
    steps_shortfall,
    workflow_match,
    workflow_snapshot,
)
