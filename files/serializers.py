from rest_framework import serializers


class FileSerializer(serializers.Serializer):
    id = serializers.CharField()
    businessId = serializers.CharField(source="business_id")
    filename = serializers.CharField(source="original_filename")
    size = serializers.IntegerField()
    contentType = serializers.CharField(source="content_type")
    sha256 = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")
