"""Notification endpoints: the caller's in-app notifications, marking them read, and the
caller's notification settings."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.permissions import roles_of
from cleopay.api.views import ApiView
from notifications import preferences, selectors, services
from notifications.serializers import (
    NotificationListParams,
    NotificationSerializer,
    NotificationSettingsInput,
    NotificationSettingsSerializer,
    NotificationsReadAllSerializer,
)


class NotificationListApi(ApiView):
    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.STR,
                enum=["true", "false"],
                description="true: unread only; false: read only. Both when absent.",
            ),
            OpenApiParameter(
                "businessId", OpenApiTypes.STR, description="Only those of one of your businesses."
            ),
        ],
        responses={200: NotificationSerializer(many=True)},
        description="The caller's notifications, newest first.",
    )
    def get(self, request):
        params = NotificationListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        unread = params.validated_data.get("unread")
        queryset = selectors.notification_list(
            user=request.user,
            unread=None if unread is None else unread == "true",
            business_id=params.validated_data.get("business_id"),
        )
        return self.paginate(queryset, lambda rows: NotificationSerializer(rows, many=True).data)


class NotificationReadApi(ApiView):
    @extend_schema(
        operation_id="notifications_read",
        request=None,
        responses={200: NotificationSerializer},
        description="Mark one of your notifications read.",
    )
    def post(self, request, notification_id: str):
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllApi(ApiView):
    @extend_schema(
        operation_id="notifications_read_all",
        request=None,
        responses={200: NotificationsReadAllSerializer},
        description="Mark all your unread notifications read.",
    )
    def post(self, request):
        updated = services.notifications_mark_all_read(
            user=request.user, business_ids=roles_of(request.user).keys()
        )
        return Response(NotificationsReadAllSerializer({"updated": updated}).data)


def _settings_body(row) -> dict:
    return NotificationSettingsSerializer(
        {"email": preferences.email_choices(row), "digest": row.digest}
    ).data


class NotificationSettingsApi(ApiView):
    @extend_schema(
        operation_id="notification_settings_retrieve",
        responses={200: NotificationSettingsSerializer},
        description="Your e-mail choices: each notification type on or off, and the digest.",
    )
    def get(self, request):
        return Response(_settings_body(preferences.notification_settings_get(user=request.user)))

    @extend_schema(
        operation_id="notification_settings_update",
        request=NotificationSettingsInput,
        responses={200: NotificationSettingsSerializer},
        description="Turn notification types on or off for e-mail, or choose the daily digest. "
        "Types not named keep their choice; an unknown type is a 400.",
    )
    def patch(self, request):
        data = NotificationSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = preferences.notification_settings_update(
            user=request.user,
            email=data.validated_data.get("email"),
            digest=data.validated_data.get("digest"),
        )
        return Response(_settings_body(row))
