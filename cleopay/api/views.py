"""
Base classes of every API endpoint.

``ApiView`` brings the project's conventions: bearer-token auth, JSON in and out, the error
shape, throttling, and ``Idempotency-Key`` on POST (the claim, the work and the stored response
share one transaction). ``BusinessApiView`` is for routes under ``/api/businesses/{business_id}/``:
the tenant in the path is resolved once, before the handler, by the permission classes of
``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` (``accounts.permissions.BusinessPermission``:
membership, then the capability the view declares in ``capabilities``), and the caller's role
is left on ``self.role``. Routes on an object declare no capability: their service authorizes
the actor (docs/DEVELOPMENT.md, "Authorization").

Handlers stay thin: validate input with a serializer, call a selector or a service, serialize.
"""

from django.db import transaction
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from cleopay.core import idempotency


class ApiView(APIView):
    # Routes under /businesses/{business_id}/ only: the capability each unsafe method needs
    # there, e.g. {"POST": Capability.INVOICE} (an ``accounts.permissions.Capability``).
    capabilities: dict[str, str] = {}
    # POSTs honour Idempotency-Key unless a view has no user to scope keys to (sign-up).
    idempotent = True
    idempotency_record = None
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    def _wants_idempotency(self, request) -> bool:
        return (
            self.idempotent and request.method == "POST" and idempotency.HEADER in request.headers
        )

    def dispatch(self, request, *args, **kwargs):
        if self._wants_idempotency(request):
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self._wants_idempotency(request):
            self.idempotency_record = idempotency.claim(
                request=request, business_id=kwargs.get("business_id", "")
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.idempotency_record is not None:
            if response.status_code < 400:
                idempotency.complete(self.idempotency_record, response)
            else:
                # Nothing of a refused request is kept, the key included: a retry runs afresh.
                transaction.set_rollback(True)
        return response

    def paginate(self, queryset, serialize, *, parts=None):
        """One page of ``queryset`` as the list response; ``serialize`` maps the page's rows.
        ``parts``: disjoint querysets whose union ``queryset`` is (``LimitOffsetPagination``)."""
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(queryset, self.request, view=self, parts=parts)
        return paginator.get_paginated_response(serialize(rows))


class BusinessApiView(ApiView):
    """An endpoint under /api/businesses/{businessId}/ (membership checked before the handler)."""

    role: str | None = None


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: YAML by default, JSON with ``?format=json`` or
    ``Accept: application/json`` (the rest of the API answers JSON whatever is asked, so this
    view alone negotiates)."""

    content_negotiation_class = DefaultContentNegotiation
    renderer_classes = [
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
        OpenApiJsonRenderer2,  # application/json, chosen by ?format=json
        OpenApiJsonRenderer,
    ]
