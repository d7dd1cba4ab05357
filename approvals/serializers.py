"""JSON in and out of the approval workflow and custom field endpoints (camelCase)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role
from accounts.serializers import UserRefSerializer
from approvals import custom_fields
from approvals.models import ApprovalDecision, ApprovalStatus, CustomFieldScope, CustomFieldType
from approvals.routing import APPROVING_ROLES, ApprovalOutcome
from cleopay.core.api.fields import (
    PlausibleDateField,
    PublicIdField,
    StrictBooleanField,
    StrictCharField,
)
from cleopay.core.money import MoneySerializerField

MAX_STEPS = 10
MAX_APPROVERS_PER_STEP = 100
MAX_CONNECTIONS = 500
MAX_TAGS = 100
MAX_OPTIONS = 200
MAX_INT = 2_147_483_647
# Reminders and escalations wait at most 90 days.
MAX_REMINDER_HOURS = 2160
# Listed in the order of the role table, not alphabetically.
APPROVING_ROLE_CHOICES = [
    role for role in ("owner", "admin", "approver") if role in APPROVING_ROLES
]


# --- approval workflows ----------------------------------------------------------------------------


class WorkflowConditionsInput(serializers.Serializer):
    minAmount = MoneySerializerField(
        source="min_amount", required=False, allow_null=True, min_value=Decimal("0")
    )
    maxAmount = MoneySerializerField(
        source="max_amount", required=False, allow_null=True, min_value=Decimal("0")
    )
    connectionIds = serializers.ListField(
        source="connection_ids",
        child=PublicIdField(prefix="conn"),
        required=False,
        max_length=MAX_CONNECTIONS,
        help_text="Connections on which this business pays; empty: any connection.",
    )
    tagIds = serializers.ListField(
        source="tag_ids",
        child=PublicIdField(prefix="tag"),
        required=False,
        max_length=MAX_TAGS,
        help_text="This business's tags; the connection must carry any of them. Empty: any.",
    )


class WorkflowStepInput(serializers.Serializer):
    approverIds = serializers.ListField(
        source="approver_ids",
        child=PublicIdField(prefix="usr"),
        required=False,
        max_length=MAX_APPROVERS_PER_STEP,
        help_text="Members (owner, admin or approver) who may approve this step.",
    )
    approverRoles = serializers.ListField(
        source="approver_roles",
        child=serializers.ChoiceField(
            choices=APPROVING_ROLE_CHOICES,
            error_messages={
                "invalid_choice": "Must be one of owner, admin, approver (only they approve)."
            },
        ),
        required=False,
        max_length=len(APPROVING_ROLE_CHOICES),
        help_text="Every current member holding one of these roles may approve this step.",
    )
    requiredApprovals = serializers.IntegerField(
        source="required_approvals", min_value=1, max_value=100, default=1
    )
    remindAfterHours = serializers.IntegerField(
        source="remind_after_hours",
        min_value=1,
        max_value=MAX_REMINDER_HOURS,
        allow_null=True,
        required=False,
        help_text="Remind this step's approvers after this many hours waiting, then daily. "
        "Null or absent: no reminders.",
    )
    escalateAfterHours = serializers.IntegerField(
        source="escalate_after_hours",
        min_value=1,
        max_value=MAX_REMINDER_HOURS,
        allow_null=True,
        required=False,
        help_text="Tell the payer's owners and admins (or `escalateToRole`) once after this "
        "many hours waiting. Null or absent: never.",
    )
    escalateToRole = serializers.ChoiceField(
        source="escalate_to_role",
        choices=Role.choices,
        allow_null=True,
        required=False,
        help_text="Escalate to the members holding this role instead of the owners and admins.",
    )


class WorkflowInput(serializers.Serializer):
    """The body of a create (every key but name and steps optional) or of a PATCH (any key)."""

    name = StrictCharField(max_length=200)
    priority = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, help_text="Lower runs first."
    )
    active = StrictBooleanField(required=False)
    conditions = WorkflowConditionsInput(required=False)
    steps = WorkflowStepInput(many=True, max_length=MAX_STEPS)

    def validate_steps(self, value):
        if not value:
            raise serializers.ValidationError("A workflow needs at least one step.")
        return value


class WorkflowConditionsSerializer(serializers.Serializer):
    minAmount = MoneySerializerField(source="min_amount", allow_null=True)
    maxAmount = MoneySerializerField(source="max_amount", allow_null=True)
    connectionIds = serializers.ListField(source="connection_ids", child=serializers.CharField())
    tagIds = serializers.ListField(source="tag_ids", child=serializers.CharField())


class WorkflowStepSerializer(serializers.Serializer):
    approverIds = serializers.ListField(source="approver_ids", child=serializers.CharField())
    approverRoles = serializers.ListField(
        source="approver_roles", child=serializers.ChoiceField(choices=APPROVING_ROLE_CHOICES)
    )
    requiredApprovals = serializers.IntegerField(source="required_approvals")
    remindAfterHours = serializers.IntegerField(source="remind_after_hours", allow_null=True)
    escalateAfterHours = serializers.IntegerField(source="escalate_after_hours", allow_null=True)
    escalateToRole = serializers.CharField(
        source="escalate_to_role",
        allow_null=True,
        help_text="Null: the payer's owners and admins.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["escalateToRole"] = data["escalateToRole"] or None
        return data


class WorkflowSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    priority = serializers.IntegerField()
    active = serializers.BooleanField()
    conditions = WorkflowConditionsSerializer(source="*")
    steps = WorkflowStepSerializer(many=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class ApprovalPreviewInput(serializers.Serializer):
    amount = MoneySerializerField(min_value=Decimal("0.01"))
    connectionId = PublicIdField(prefix="conn", source="connection_id")
    tagIds = serializers.ListField(
        source="tag_ids",
        child=PublicIdField(prefix="tag"),
        required=False,
        max_length=MAX_TAGS,
        help_text="Match against these tags instead of those the connection carries.",
    )


class WorkflowRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class ApprovalPreviewStepSerializer(serializers.Serializer):
    requiredApprovals = serializers.IntegerField(source="required_approvals")
    approvers = UserRefSerializer(many=True)


class ApprovalPreviewSerializer(serializers.Serializer):
    workflow = WorkflowRefSerializer(allow_null=True)
    outcome = serializers.ChoiceField(choices=[outcome.value for outcome in ApprovalOutcome])
    steps = ApprovalPreviewStepSerializer(many=True)


# --- a payable's review (the payable's ``approval``) ------------------------------------------------


class ApprovalDecisionSerializer(serializers.Serializer):
    user = UserRefSerializer()
    onBehalfOf = serializers.CharField(
        source="on_behalf_of_id",
        allow_null=True,
        help_text="The user ID of the person `user` decided for under a delegation; null when "
        "they decided for themselves.",
    )
    decision = serializers.ChoiceField(choices=ApprovalDecision.choices)
    reason = serializers.CharField(
        allow_null=True, help_text="Why it was declined; null if approved."
    )
    at = serializers.DateTimeField(source="decided_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["reason"] = data["reason"] or None
        return data


class ApprovalStepProgressSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="0-based; steps run in this order.")
    requiredApprovals = serializers.IntegerField(source="required_approvals")
    approvers = UserRefSerializer(
        many=True, help_text="Who may approve this step now (current members; never its authors)."
    )
    approvals = ApprovalDecisionSerializer(many=True, help_text="Who decided, and when.")


class ApprovalOverviewSerializer(serializers.Serializer):
    """The payer's review of a payable (``approvals.selectors.approval_overview``)."""

    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    outcome = serializers.ChoiceField(
        choices=[outcome.value for outcome in ApprovalOutcome],
        help_text="How the submission is reviewed: a workflow, automatic approval or manual review.",
    )
    workflow = WorkflowRefSerializer(allow_null=True, help_text="As it was at submission.")
    currentStep = serializers.IntegerField(
        source="current_step", allow_null=True, help_text="The step under way; null once decided."
    )
    blocked = serializers.BooleanField(
        help_text="The steps left cannot be completed by distinct eligible people."
    )
    blockedReason = serializers.CharField(source="blocked_reason", allow_null=True)
    steps = ApprovalStepProgressSerializer(many=True)


# --- delegations -----------------------------------------------------------------------------------


class DelegationInput(serializers.Serializer):
    toUserId = PublicIdField(
        source="to_user_id",
        prefix="usr",
        help_text="The member (owner, admin or approver) who approves on the delegator's behalf.",
    )
    startsOn = PlausibleDateField(source="starts_on", help_text="The first day (UTC), included.")
    endsOn = PlausibleDateField(source="ends_on", help_text="The last day (UTC), included.")
    fromUserId = PublicIdField(
        source="from_user_id",
        prefix="usr",
        required=False,
        help_text="Whose approvals are delegated; the caller's by default. Owners and admins "
        "only, for another member.",
    )


class DelegationSerializer(serializers.Serializer):
    id = serializers.CharField()
    businessId = serializers.CharField(source="business_id")
    fromUser = UserRefSerializer(source="from_user", help_text="Whose approvals are delegated.")
    toUser = UserRefSerializer(source="to_user", help_text="Who approves on their behalf.")
    startsOn = serializers.DateField(source="starts_on")
    endsOn = serializers.DateField(source="ends_on")
    active = serializers.SerializerMethodField(help_text="Whether today (UTC) is in the range.")
    createdBy = UserRefSerializer(source="created_by", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")

    def get_active(self, delegation) -> bool:
        from approvals.delegation import today

        return delegation.is_active_on(today())


# --- custom fields ---------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "equals"],
        "properties": {
            "key": {"type": "string", "pattern": custom_fields.KEY_PATTERN},
            "equals": {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
        },
        "nullable": True,
        "example": {"key": "hasPurchaseOrder", "equals": True},
    }
)
class VisibleWhenField(serializers.Field):
    """``{"key": <field key>, "equals": <string, number or boolean>}`` and nothing else."""

    default_error_messages = {
        "shape": 'Must be {{"key": "<another field\'s key>", "equals": <a value>}}.',
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict) or set(data) != {"key", "equals"}:
            self.fail("shape")
        key, equals = data["key"], data["equals"]
        if not isinstance(key, str) or not custom_fields.KEY.match(key):
            self.fail("shape")
        if isinstance(equals, str):
            if "\x00" in equals or len(equals) > 200:
                self.fail("shape")
        elif isinstance(equals, Decimal | int) and not isinstance(equals, bool):
            if isinstance(equals, Decimal) and not equals.is_finite():
                self.fail("shape")
        elif not isinstance(equals, bool):
            self.fail("shape")
        return {"key": key, "equals": equals}

    def to_representation(self, value):
        return value or None


# Attributes a client may send back as it read them; they are not set through the input.
READ_ONLY_ATTRIBUTES = {"id", "createdAt", "updatedAt"}


class CustomFieldInput(serializers.Serializer):
    key = StrictCharField(
        max_length=50,
        help_text="1-50 letters, digits or underscores, starting with a letter "
        "(poNumber, po_number).",
    )
    label = StrictCharField(max_length=200)
    type = serializers.ChoiceField(choices=CustomFieldType.choices)
    required = StrictBooleanField(required=False)
    scope = serializers.ChoiceField(choices=CustomFieldScope.choices, required=False)
    options = serializers.ListField(
        child=StrictCharField(max_length=200),
        required=False,
        max_length=MAX_OPTIONS,
        help_text="The choices of a select or multi_select field (at least one, no repeats).",
    )
    order = serializers.IntegerField(
        source="position", required=False, min_value=0, max_value=MAX_INT
    )
    active = StrictBooleanField(required=False)
    placeholder = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A hint shown in the empty input of the payee's editor.",
    )
    visibleWhen = VisibleWhenField(
        source="visible_when",
        required=False,
        allow_null=True,
        help_text="Shown, required and kept only while another field of the same scope holds "
        "this value (for a multi_select, while it is among the choices). Null: always.",
    )

    def validate_key(self, value: str) -> str:
        if not custom_fields.KEY.match(value):
            raise serializers.ValidationError(custom_fields.KEY_RULE)
        return value

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields) - READ_ONLY_ATTRIBUTES)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown attribute of a custom field."] for name in unknown}
                )
        return attrs


class CustomFieldSerializer(serializers.Serializer):
    id = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=CustomFieldType.choices)
    required = serializers.BooleanField()
    scope = serializers.ChoiceField(choices=CustomFieldScope.choices)
    options = serializers.ListField(child=serializers.CharField())
    placeholder = serializers.CharField()
    visibleWhen = VisibleWhenField(source="visible_when", allow_null=True)
    order = serializers.IntegerField(source="position")
    active = serializers.BooleanField()
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
