"""The API: DRF, API tokens (knox), the OpenAPI schema, idempotency keys."""

import os
from datetime import timedelta

from cleopay.settings.security import (
    THROTTLE_RATE_AUTH,
    THROTTLE_RATE_USER,
    TRUSTED_PROXY_COUNT,
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.BusinessPermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["cleopay.core.api.parsers.DecimalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["cleopay.core.api.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cleopay.core.api.negotiation.JSONOnlyNegotiation",
    "DEFAULT_PAGINATION_CLASS": "cleopay.core.pagination.LimitOffsetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["cleopay.core.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"auth": THROTTLE_RATE_AUTH, "user": THROTTLE_RATE_USER},
    "EXCEPTION_HANDLER": "cleopay.core.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_PREFIX": "cleo_",
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Cleo Pay API",
    "DESCRIPTION": (
        "Connections, payables, approval workflows and payments between businesses. "
        "Authenticate with `Authorization: Bearer <token>` (POST /api/auth/token)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the pinned drf-spectacular-sidecar package, served by us: the
    # docs work offline and load nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api",
    # Choice sets that share a field name ("role") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "accounts.models.Role.choices",
        "ConnectionRoleEnum": "connections.models.ConnectionRole.choices",
        "ConnectionEventTypeEnum": "connections.models.ConnectionEventType.choices",
        "CustomFieldTypeEnum": "approvals.models.CustomFieldType.choices",
        "PayableStatusEnum": "payables.models.PayableStatus",
        "PaymentStatusEnum": "payables.models.PaymentStatus",
        "ApprovalStatusEnum": "payables.models.ApprovalStatus",
        "NotificationTypeEnum": "notifications.models.NotificationType.choices",
        "WebhookStatusEnum": "webhooks.models.EndpointStatus.choices",
        "ImportStatusEnum": "imports.models.ImportStatus.choices",
        "ImportModeEnum": "imports.models.ImportMode.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cleopay.core.api.schema.add_error_responses",
        "cleopay.core.api.schema.empty_query_values",
        "cleopay.core.api.schema.camel_case_path_parameters",
        "cleopay.core.api.schema.tags_by_resource",
        "cleopay.core.api.schema.decimal_not_double",
        "cleopay.core.api.schema.idempotency_key_header",
    ],
}

# Keys of the Idempotency-Key header are kept at least this long.
IDEMPOTENCY_KEY_TTL = timedelta(hours=int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "48")))
