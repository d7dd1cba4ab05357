from django.urls import path

from webhooks import apis

urlpatterns = [
    path(
        "businesses/<str:business_id>/webhooks", apis.WebhookListApi.as_view(), name="webhook-list"
    ),
    path("businesses/<str:business_id>/events", apis.EventFeedApi.as_view(), name="event-feed"),
    path("webhooks/<str:webhook_id>", apis.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<str:webhook_id>/rotate-secret",
        apis.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path("webhooks/<str:webhook_id>/test", apis.WebhookTestApi.as_view(), name="webhook-test"),
    path(
        "webhooks/<str:webhook_id>/deliveries",
        apis.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhook-deliveries/<str:delivery_id>/retry",
        apis.WebhookDeliveryRetryApi.as_view(),
        name="webhook-delivery-retry",
    ),
]
