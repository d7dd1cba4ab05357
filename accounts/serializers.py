"""JSON in and out of the accounts endpoints (camelCase names, as everywhere in the API)."""

from rest_framework import serializers

from accounts.models import DefaultApprovalAction, Role
from accounts.validators import validate_business_name
from cleopay.core.api.fields import StrictCharField


class UserRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.EmailField()


class BusinessRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class SignupInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False)
    businessName = StrictCharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_business_name]
    )
    fullName = StrictCharField(max_length=200, required=False, allow_blank=True)


class SignupOutput(serializers.Serializer):
    user = UserRefSerializer()
    business = BusinessRefSerializer(allow_null=True)
    token = serializers.CharField()


class TokenInput(serializers.Serializer):
    email = StrictCharField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenInfoSerializer(serializers.Serializer):
    tokenKey = serializers.CharField(source="token_key", help_text="The token's first characters.")
    createdAt = serializers.DateTimeField(source="created")
    expiresAt = serializers.DateTimeField(source="expiry", allow_null=True)


class MembershipOfMeSerializer(serializers.Serializer):
    business = BusinessRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.EmailField()
    emailVerified = serializers.BooleanField(
        source="email_verified",
        help_text="Whether the address is proven; invitations reach the account only then.",
    )
    fullName = serializers.CharField(source="full_name")
    memberships = MembershipOfMeSerializer(many=True)


class BusinessSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, help_text="The caller's role here.")
    defaultApprovalAction = serializers.ChoiceField(
        source="default_approval_action", choices=DefaultApprovalAction.choices
    )
    requireSeparatePayer = serializers.BooleanField(
        source="require_separate_payer",
        help_text="Whoever approved a payable may not schedule or pay it.",
    )
    approvalRemindAfterHours = serializers.IntegerField(
        source="approval_remind_after_hours",
        allow_null=True,
        help_text="Where a workflow step sets no reminders, and under manual review: remind "
        "the approvers after this many hours waiting, then daily. Null: never.",
    )
    approvalEscalateAfterHours = serializers.IntegerField(
        source="approval_escalate_after_hours",
        allow_null=True,
        help_text="Likewise: tell the owners and admins after this many hours. Null: never.",
    )
    createdAt = serializers.DateTimeField(source="created_at")


class BusinessCreateInput(serializers.Serializer):
    name = StrictCharField(max_length=200, validators=[validate_business_name])


class BusinessSettingsInput(serializers.Serializer):
    defaultApprovalAction = serializers.ChoiceField(
        choices=DefaultApprovalAction.choices, required=False
    )
    requireSeparatePayer = serializers.BooleanField(
        required=False, help_text="Whoever approved a payable may not schedule or pay it."
    )
    approvalRemindAfterHours = serializers.IntegerField(
        source="approval_remind_after_hours",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2160,
        help_text="Remind approvers after this many hours (then daily); null: never.",
    )
    approvalEscalateAfterHours = serializers.IntegerField(
        source="approval_escalate_after_hours",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2160,
        help_text="Tell the owners and admins after this many hours; null: never.",
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                "Name a setting: defaultApprovalAction, requireSeparatePayer, "
                "approvalRemindAfterHours or approvalEscalateAfterHours."
            )
        return attrs


class MemberSerializer(serializers.Serializer):
    user = UserRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at")

    def get_status(self, obj) -> str:
        return "active"


class InvitationSerializer(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at")
    expiresAt = serializers.DateTimeField(source="expires_at")

    def get_status(self, obj) -> str:
        return "invited"


class MyInvitationSerializer(serializers.Serializer):
    """An invitation addressed to the caller: to join a business, or to connect with one."""

    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["member", "connection"])
    business = BusinessRefSerializer(help_text="The business that invites.")
    role = serializers.CharField(
        help_text="member: the role offered; connection: the side offered (payer or payee)."
    )
    invitedBy = serializers.EmailField(source="invited_by_email", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    expiresAt = serializers.DateTimeField(source="expires_at", allow_null=True)


class EmailVerifyInput(serializers.Serializer):
    token = StrictCharField(max_length=500)


class EmailVerifiedOutput(serializers.Serializer):
    emailVerified = serializers.BooleanField()


class MemberAddInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
