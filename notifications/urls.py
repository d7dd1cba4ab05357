from django.urls import path

from notifications import apis

urlpatterns = [
    path("notifications", apis.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/read-all",
        apis.NotificationReadAllApi.as_view(),
        name="notification-read-all",
    ),
    path(
        "me/notification-settings",
        apis.NotificationSettingsApi.as_view(),
        name="notification-settings",
    ),
    path(
        "notifications/<str:notification_id>/read",
        apis.NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
