"""JSON in and out of the connections endpoints (docs/api/connections.md).

A connection is always shown from one side, the caller's: ``alias``, ``tags``, ``role``,
``businessName`` and ``businessId`` are that side's; ``connectedBusiness*`` the other's. The
side is chosen by ``selectors.acting_business_id`` from the serializer context
(``business_ids``: the caller's businesses, ``prefer``: the request's ``?businessId=``).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserRefSerializer
from cleopay.core.api.fields import PublicIdField, StrictBooleanField, StrictCharField
from connections.models import MAX_NET_TERMS, ConnectionEventType, ConnectionRole, ConnectionStatus
from connections.selectors import acting_business_id


class StrictIntegerField(serializers.IntegerField):
    """A whole number that must arrive as a JSON integer (not a string, a bool or 30.5)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def net_terms_field(**kwargs) -> StrictIntegerField:
    return StrictIntegerField(
        min_value=0,
        max_value=MAX_NET_TERMS,
        help_text="Default payment terms in days (30 for Net 30), 0 to 365.",
        **kwargs,
    )


class TagRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class ConnectionSettingsSerializer(serializers.Serializer):
    netTerms = serializers.IntegerField(source="net_terms", allow_null=True)
    autoApprove = serializers.BooleanField(source="auto_approve")


class ConnectionSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=ConnectionStatus.choices)
    alias = serializers.SerializerMethodField(help_text="Your business's label for it.")
    tags = serializers.SerializerMethodField(help_text="Your business's tags on it.")
    settings = serializers.SerializerMethodField()
    businessName = serializers.SerializerMethodField(help_text="Your business's name.")
    connectedBusinessName = serializers.SerializerMethodField(
        help_text="The other side's name (the invited e-mail until that side has a business)."
    )
    businessId = serializers.SerializerMethodField()
    connectedBusinessId = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField(help_text="Your business's side.")
    invitedEmail = serializers.SerializerMethodField()
    invitedByBusinessId = serializers.CharField(source="invited_by_business_id")
    createdAt = serializers.DateTimeField(source="created_at")
    acceptedAt = serializers.DateTimeField(source="accepted_at", allow_null=True)
    archivedAt = serializers.DateTimeField(source="archived_at", allow_null=True)

    def _side(self, obj) -> str:
        cached = getattr(obj, "_acting_business_id", None)
        if cached is None:
            cached = acting_business_id(
                obj, self.context["business_ids"], self.context.get("prefer")
            )
            obj._acting_business_id = cached
        return cached

    def _business(self, obj, business_id):
        if business_id is None:
            return None
        return obj.payer if business_id == obj.payer_id else obj.payee

    @extend_schema_field(serializers.CharField())
    def get_alias(self, obj) -> str:
        return obj.alias_of(self._side(obj))

    @extend_schema_field(TagRefSerializer(many=True))
    def get_tags(self, obj) -> list[dict]:
        side = self._side(obj)
        tags = getattr(obj, "visible_tags", None)
        if tags is None:
            tags = obj.tags.filter(business_id=side).order_by("name", "id")
        return [{"id": tag.id, "name": tag.name} for tag in tags if tag.business_id == side]

    @extend_schema_field(ConnectionSettingsSerializer())
    def get_settings(self, obj) -> dict:
        return ConnectionSettingsSerializer(obj).data

    def get_businessName(self, obj) -> str:
        return self._business(obj, self._side(obj)).name

    def get_connectedBusinessName(self, obj) -> str:
        other = self._business(obj, obj.counterparty_id(self._side(obj)))
        return other.name if other is not None else obj.invited_email

    def get_businessId(self, obj) -> str:
        return self._side(obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_connectedBusinessId(self, obj) -> str | None:
        return obj.counterparty_id(self._side(obj))

    @extend_schema_field(serializers.ChoiceField(choices=ConnectionRole.choices))
    def get_role(self, obj) -> str:
        return str(obj.role_of(self._side(obj)))

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_invitedEmail(self, obj) -> str | None:
        return obj.invited_email or None


class ConnectionEventSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=ConnectionEventType.choices)
    actor = UserRefSerializer(allow_null=True, help_text="Who did it; null for the system.")
    businessId = serializers.CharField(source="business_id", allow_null=True)
    fromStatus = serializers.CharField(source="from_status", allow_null=True)
    toStatus = serializers.CharField(source="to_status", allow_null=True)
    changes = serializers.JSONField()
    createdAt = serializers.DateTimeField(source="created_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["fromStatus"] = data["fromStatus"] or None
        data["toStatus"] = data["toStatus"] or None
        return data


# --- input ---------------------------------------------------------------------------------------
class BusinessIdQuery(serializers.Serializer):
    businessId = PublicIdField(prefix="biz", required=False)


class ConnectionListQuery(BusinessIdQuery):
    status = serializers.ChoiceField(choices=ConnectionStatus.choices, required=False)
    tag = StrictCharField(max_length=64, required=False)
    search = StrictCharField(max_length=200, required=False)


class ConnectionInviteInput(serializers.Serializer):
    counterpartyBusinessId = PublicIdField(prefix="biz", required=False)
    counterpartyEmail = serializers.EmailField(max_length=254, required=False)
    myRole = serializers.ChoiceField(
        choices=ConnectionRole.choices, help_text="Your business's side of the connection."
    )
    netTerms = net_terms_field(required=False, allow_null=True)
    alias = StrictCharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        given = [f for f in ("counterpartyBusinessId", "counterpartyEmail") if f in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "counterpartyBusinessId": [
                        "Give exactly one of counterpartyBusinessId and counterpartyEmail."
                    ]
                }
            )
        return attrs


class AliasInput(serializers.Serializer):
    alias = StrictCharField(max_length=200, allow_blank=True)


class TagIdsInput(serializers.Serializer):
    tagIds = serializers.ListField(
        child=PublicIdField(prefix="tag"), allow_empty=True, max_length=100
    )


class SettingsInput(serializers.Serializer):
    netTerms = net_terms_field(required=False, allow_null=True)
    autoApprove = StrictBooleanField(
        required=False, help_text="Approve incoming payables automatically (payer only)."
    )


class TagSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")


class TagInput(serializers.Serializer):
    name = StrictCharField(max_length=100)
