"""Pages of notifications (the API's routes are in ``notifications.urls``)."""

from django.urls import path

from notifications import views

N = "b/<str:business_id>/notifications"

urlpatterns = [
    path(N, views.notification_list, name="notifications"),
    path(N + "/read-all", views.notification_read_all, name="notifications-read-all"),
    path(N + "/<str:notification_id>/open", views.notification_open, name="notification-open"),
    path(
        "b/<str:business_id>/settings/notifications",
        views.notification_settings,
        name="settings-notifications",
    ),
    path(
        "unsubscribe/<str:token>", views.notification_unsubscribe, name="notification-unsubscribe"
    ),
]
