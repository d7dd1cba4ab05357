"""Webhook endpoints and the event feed (docs/api/webhooks.md): thin views over selectors and services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import Capability
from cleopay.api.views import ApiView, BusinessApiView
from webhooks import selectors, services
from webhooks.rendering import event_body
from webhooks.serializers import (
    DeliverySerializer,
    EventFeedQuery,
    EventSerializer,
    WebhookCreateInput,
    WebhookSerializer,
    WebhookUpdateInput,
    WebhookWithSecretSerializer,
)


class WebhookListApi(BusinessApiView):
    capabilities = {"GET": Capability.ADMINISTER, "POST": Capability.ADMINISTER}

    @extend_schema(operation_id="webhooks_list", responses={200: WebhookSerializer(many=True)})
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.endpoint_list(business_id=business_id),
            lambda rows: WebhookSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookCreateInput,
        responses={201: WebhookWithSecretSerializer},
        description="Register an endpoint. Its signing `secret` is in this response only.",
    )
    def post(self, request, business_id: str):
        data = WebhookCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_create(
            business_id=business_id, actor=request.user, **data.validated_data
        )
        return Response(WebhookWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(ApiView):
    @extend_schema(operation_id="webhooks_retrieve", responses={200: WebhookSerializer})
    def get(self, request, webhook_id: str):
        endpoint = selectors.endpoint_get(user=request.user, endpoint_id=webhook_id)
        return Response(WebhookSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_update",
        request=WebhookUpdateInput,
        responses={200: WebhookSerializer},
        description="Change the URL, the events or the description; `status` enables or "
        "disables it.",
    )
    def patch(self, request, webhook_id: str):
        data = WebhookUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_update(
            endpoint_id=webhook_id, actor=request.user, **data.validated_data
        )
        return Response(WebhookSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_delete", responses={204: None})
    def delete(self, request, webhook_id: str):
        services.webhook_delete(endpoint_id=webhook_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretApi(ApiView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        request=None,
        responses={200: WebhookWithSecretSerializer},
        description="A new secret (in this response only); deliveries carry a signature with "
        "the previous one too for 24 hours.",
    )
    def post(self, request, webhook_id: str):
        endpoint = services.webhook_rotate_secret(endpoint_id=webhook_id, actor=request.user)
        return Response(WebhookWithSecretSerializer(endpoint).data)


class WebhookTestApi(ApiView):
    @extend_schema(
        operation_id="webhooks_test",
        request=None,
        responses={202: DeliverySerializer},
        description="Send a `webhook.test` event to this endpoint; the delivery is returned "
        "pending and runs in the background.",
    )
    def post(self, request, webhook_id: str):
        delivery = services.webhook_test(endpoint_id=webhook_id, actor=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(ApiView):
    @extend_schema(
        operation_id="webhooks_deliveries_list", responses={200: DeliverySerializer(many=True)}
    )
    def get(self, request, webhook_id: str):
        endpoint = selectors.endpoint_get(user=request.user, endpoint_id=webhook_id)
        return self.paginate(
            selectors.delivery_list(endpoint=endpoint),
            lambda rows: DeliverySerializer(rows, many=True).data,
        )


class WebhookDeliveryRetryApi(ApiView):
    @extend_schema(
        operation_id="webhook_deliveries_retry",
        request=None,
        responses={202: DeliverySerializer},
        description="Attempt the delivery again now (a fresh three-day retry window).",
    )
    def post(self, request, delivery_id: str):
        delivery = services.delivery_retry(delivery_id=delivery_id, actor=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class EventFeedApi(BusinessApiView):
    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter(
                "type", OpenApiTypes.STR, description="One event type or several, comma-separated."
            ),
            OpenApiParameter(
                "createdAfter", OpenApiTypes.DATETIME, description="On or after (ISO 8601)."
            ),
            OpenApiParameter(
                "createdBefore", OpenApiTypes.DATETIME, description="Before (ISO 8601)."
            ),
        ],
        responses={200: EventSerializer(many=True)},
        description="The business's events, newest first: the objects webhooks deliver.",
    )
    def get(self, request, business_id: str):
        query = EventFeedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        fields = query.validated_data
        events = selectors.event_feed(
            business_id=business_id,
            types=fields.get("type"),
            created_after=fields.get("createdAfter"),
            created_before=fields.get("createdBefore"),
        )
        return self.paginate(events, lambda rows: [event_body(row) for row in rows])
