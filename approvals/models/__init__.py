"""
Approvals: how a payer business decides on the payables it receives, and the extra data it
asks its vendors for.

An ``ApprovalWorkflow`` is a rule of one (payer) business: optional conditions, combined with
AND (an amount range, specific connections, connection tags the payer put on its side), and
ordered ``WorkflowStep``s. Each step names approvers by user and/or by role and needs
``required_approvals`` distinct people among them. Active workflows are tried by ``priority``
(lower first, ties by age); the first whose conditions all hold applies. With none, the
connection's ``auto_approve`` or else the business's ``default_approval_action`` decides.

A workflow is never read again once it has been applied: at submit the review
(``approvals.review``) stores a frozen snapshot of it on the review round
(``approvals.routing.workflow_snapshot``), so editing or deleting a workflow leaves every review
already under way intact. Who may approve a step is
resolved from current memberships each time (someone who left the business approves nothing).

Applying a workflow is an ``ApprovalRequest``: one per submission round of a payable, holding the
route taken (a workflow, ``auto_approve`` or ``manual_review``), the frozen snapshot, the step
under way and the outcome. Each decision is an ``Approval`` row on a step. A resubmission starts
a new round; the database holds at most one pending round per payable and at most one approval
per person per round (so nobody satisfies two steps). ``ApprovalAssignment`` rows repeat who
each step of the snapshot names, so "awaiting my approval" is one SQL query. A step that waits
longer than its ``remind_after_hours`` / ``escalate_after_hours`` is reminded and escalated by
beat's sweep (``approvals.reminders``); each ``ApprovalReminder`` row is one person told once.

Connection and tag conditions are links that *restrict* deletion of the connection or tag:
a workflow whose only tag vanished would otherwise silently start matching every payable.

A ``Delegation`` hands one member's approvals to another member for a date range; while it is
active the delegate approves on the delegator's behalf (``Approval.on_behalf_of``). An
``ApprovalEmailLink`` makes the approve and decline links of one approval e-mail single-use.

A ``CustomFieldDefinition`` is a field the payer asks its payees to fill in, on the payable or
on each line item. Values live on the payables themselves (a JSON object keyed by ``key``);
a definition is soft-deleted so that past values stay readable with their label, and its key
becomes free for a new definition.
"""

from approvals.models.delegation import ApprovalEmailLink, Delegation  # noqa: F401
from approvals.models.fields import (  # noqa: F401
    CustomFieldDefinition,
    CustomFieldQuerySet,
    CustomFieldScope,
    CustomFieldType,
)
from approvals.models.review import (  # noqa: F401
    Approval,
    ApprovalAssignment,
    ApprovalDecision,
    ApprovalReminder,
    ApprovalRequest,
    ApprovalRequestOutcome,
    ApprovalRequestStatus,
    ApprovalStatus,
    ReminderKind,
)
from approvals.models.workflows import (  # noqa: F401
    ApprovalWorkflow,
    WorkflowConnection,
    WorkflowStep,
    WorkflowStepApprover,
    WorkflowTag,
)
