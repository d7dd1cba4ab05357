from django.contrib import admin

from approvals.models import (
    Approval,
    ApprovalAssignment,
    ApprovalEmailLink,
    ApprovalReminder,
    ApprovalRequest,
    ApprovalWorkflow,
    CustomFieldDefinition,
    Delegation,
    WorkflowConnection,
    WorkflowStep,
    WorkflowStepApprover,
    WorkflowTag,
)


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = [
        "position",
        "required_approvals",
        "approver_roles",
        "approver_list",
        "remind_after_hours",
        "escalate_after_hours",
        "escalate_to_role",
    ]
    readonly_fields = ["approver_list"]
    show_change_link = True

    @admin.display(description="approvers named")
    def approver_list(self, step: WorkflowStep) -> str:
        return ", ".join(str(link.user) for link in step.approver_links.select_related("user"))


class WorkflowConnectionInline(admin.TabularInline):
    model = WorkflowConnection
    extra = 0
    raw_id_fields = ["connection"]


class WorkflowTagInline(admin.TabularInline):
    model = WorkflowTag
    extra = 0
    raw_id_fields = ["tag"]


@admin.register(ApprovalWorkflow)
class ApprovalWorkflowAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "business",
        "priority",
        "active",
        "min_amount",
        "max_amount",
        "updated_at",
    ]
    list_filter = ["active"]
    search_fields = ["id", "name", "business__name"]
    list_select_related = ["business"]
    ordering = ["business__name", "priority", "created_at"]
    readonly_fields = ["id", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["business"]
    inlines = [WorkflowStepInline, WorkflowConnectionInline, WorkflowTagInline]


class WorkflowStepApproverInline(admin.TabularInline):
    model = WorkflowStepApprover
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(WorkflowStep)
class WorkflowStepAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workflow", "position", "required_approvals", "approver_roles"]
    search_fields = ["workflow__id", "workflow__name", "workflow__business__name"]
    list_select_related = ["workflow"]
    raw_id_fields = ["workflow"]
    inlines = [WorkflowStepApproverInline]


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "label",
        "business",
        "type",
        "scope",
        "required",
        "active",
        "position",
        "deleted_at",
    ]
    list_filter = [
        "type",
        "scope",
        "required",
        "active",
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["id", "key", "label", "business__name"]
    list_select_related = ["business"]
    ordering = ["business__name", "position", "created_at"]
    readonly_fields = ["id", "key", "type", "scope", "created_at", "updated_at", "deleted_at"]
    autocomplete_fields = ["business"]

    def get_readonly_fields(self, request, obj=None):
        # Key, type and scope are set once: past values were written against them.
        if obj is None:
            return ["id", "created_at", "updated_at", "deleted_at"]
        return self.readonly_fields


# --- review rounds: read-only (they change only through approvals.review) -------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = ["step", "user", "on_behalf_of", "decision", "reason", "decided_at"]


class ApprovalAssignmentInline(ReadOnlyInline):
    model = ApprovalAssignment
    fields = ["position", "user", "role"]


class ApprovalReminderInline(ReadOnlyInline):
    model = ApprovalReminder
    fields = ["step", "kind", "number", "user", "sent_at"]


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "payable", "round", "outcome", "status", "current_step", "created_at"]
    list_filter = ["outcome", "status"]
    search_fields = ["id", "payable__id", "payable__invoice_number", "payable__payer__name"]
    list_select_related = ["payable"]
    readonly_fields = [
        "id",
        "payable",
        "round",
        "outcome",
        "snapshot",
        "status",
        "current_step",
        "step_started_at",
        "created_at",
        "closed_at",
    ]
    inlines = [ApprovalInline, ApprovalAssignmentInline, ApprovalReminderInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["business", "from_user", "to_user", "starts_on", "ends_on", "created_at"]
    search_fields = ["id", "business__name", "from_user__email", "to_user__email"]
    list_select_related = ["business", "from_user", "to_user"]
    raw_id_fields = ["business", "from_user", "to_user", "created_by"]
    readonly_fields = ["id", "created_at"]


@admin.register(ApprovalEmailLink)
class ApprovalEmailLinkAdmin(admin.ModelAdmin):
    """Read only: a link's row says when it was sent and used, never its token."""

    list_display = ["request", "user", "created_at", "expires_at", "used_at", "used_action"]
    search_fields = ["id", "request__payable__id", "user__email"]
    list_select_related = ["request", "user"]
    readonly_fields = [
        "id",
        "request",
        "user",
        "created_at",
        "expires_at",
        "used_at",
        "used_action",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
