"""Pages of a payer business's approval settings, one module per concern: ``workflows`` (the
approval workflows and their steps), ``custom_fields`` (the fields vendors fill in) and
``delegations`` (whose approvals someone holds while they are away)."""

from approvals.views.custom_fields import custom_field_delete, custom_field_edit, custom_field_list
from approvals.views.delegations import delegation_delete, delegation_list
from approvals.views.workflows import (
    workflow_delete,
    workflow_edit,
    workflow_list,
    workflow_new,
    workflow_step,
)

__all__ = [
    "custom_field_delete",
    "custom_field_edit",
    "custom_field_list",
    "delegation_delete",
    "delegation_list",
    "workflow_delete",
    "workflow_edit",
    "workflow_list",
    "workflow_new",
    "workflow_step",
]
