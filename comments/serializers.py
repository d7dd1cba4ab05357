"""Comments' request bodies and JSON (docs/api/comments.md)."""

from rest_framework import serializers

from accounts.serializers import UserRefSerializer
from cleopay.core.api.fields import StrictCharField
from comments.models import BODY_MAX_LENGTH, CommentVisibility


class CommentCreateInput(serializers.Serializer):
    body = StrictCharField(
        max_length=BODY_MAX_LENGTH,
        help_text="The text; `@person@example.com` notifies that member of your business.",
    )
    visibility = serializers.ChoiceField(
        choices=CommentVisibility.values,
        help_text="shared: both sides read it; internal: only your business.",
    )


class CommentEditInput(serializers.Serializer):
    body = StrictCharField(max_length=BODY_MAX_LENGTH)


class CommentVersionSerializer(serializers.Serializer):
    body = serializers.CharField()
    writtenAt = serializers.DateTimeField(source="written_at")
    replacedAt = serializers.DateTimeField(source="replaced_at")


class CommentSerializer(serializers.Serializer):
    id = serializers.CharField()
    payableId = serializers.CharField(source="payable_id")
    businessId = serializers.CharField(
        source="business_id", help_text="The author's business (the side they wrote for)."
    )
    author = UserRefSerializer()
    visibility = serializers.ChoiceField(choices=CommentVisibility.values)
    body = serializers.CharField(allow_null=True, help_text="null once deleted.")
    createdAt = serializers.DateTimeField(source="created_at")
    editedAt = serializers.DateTimeField(
        source="edited_at", allow_null=True, help_text="The last edit; null if never edited."
    )
    deletedAt = serializers.DateTimeField(source="deleted_at", allow_null=True)
    versions = CommentVersionSerializer(
        many=True,
        source="shown_revisions",
        help_text="The earlier texts, oldest first (none once deleted).",
    )

    def to_representation(self, instance):
        instance.shown_revisions = [] if instance.is_deleted else instance.revisions.all()
        data = super().to_representation(instance)
        if instance.is_deleted:
            data["body"] = None
        return data
