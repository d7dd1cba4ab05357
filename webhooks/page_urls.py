from django.urls import path

from webhooks import views

B = "b/<str:business_id>/settings/webhooks"
E = B + "/<str:endpoint_id>"

urlpatterns = [
    path(B, views.webhook_list, name="settings-webhooks"),
    path(E, views.webhook_detail, name="settings-webhook"),
    path(E + "/status", views.webhook_status, name="settings-webhook-status"),
    path(E + "/rotate-secret", views.webhook_rotate, name="settings-webhook-rotate"),
    path(E + "/test", views.webhook_test, name="settings-webhook-test"),
    path(E + "/delete", views.webhook_delete, name="settings-webhook-delete"),
    path(
        E + "/deliveries/<str:delivery_id>/retry",
        views.delivery_retry,
        name="settings-webhook-delivery-retry",
    ),
]
