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

A view may serve its GET as a plain Django view (``plain_get``): the same authentication,
permission and throttle checks, run by DRF's own methods in DRF's order, and any exception
answered by DRF's own handling (so every error keeps its shape and headers), but no content
negotiation, no ``Response`` and no renderer: the handler returns the data, written by the
API's JSON encoder. It is for the hottest reads, where that wrapping is a share of the request.
"""

from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from cleopay.core import idempotency
from cleopay.core.api.renderers import JSONRenderer, dumps


class ApiView(APIView):
    # Routes under /businesses/{business_id}/ only: the capability each unsafe method needs
    # there, e.g. {"POST": Capability.INVOICE} (an ``accounts.permissions.Capability``).
    capabilities: dict[str, str] = {}
    # POSTs honour Idempotency-Key unless a view has no user to scope keys to (sign-up).
    idempotent = True
    idempotency_record = None
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS
    # True: GET is served by ``plain_get`` (see the module's docstring), which returns the data.
    serves_plain_get = False

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        if not cls.serves_plain_get:
            return view

        def plain_or_drf(request, *args, **kwargs):
            if request.method != "GET":
                return view(request, *args, **kwargs)
            return cls(**initkwargs).serve_plain_get(request, *args, **kwargs)

        # What DRF's view function carries (the schema generator and the route tests read it).
        plain_or_drf.cls, plain_or_drf.initkwargs = view.cls, view.initkwargs
        plain_or_drf.view_class, plain_or_drf.view_initkwargs = cls, view.view_initkwargs
        plain_or_drf.csrf_exempt = True
        return plain_or_drf

    def serve_plain_get(self, request, *args, **kwargs):
        """``dispatch`` for a GET, minus content negotiation and the ``Response`` object."""
        self.setup(request, *args, **kwargs)
        self.format_kwarg = None
        drf_request = Request(request, authenticators=self.get_authenticators())
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            self.perform_authentication(drf_request)
            self.check_permissions(drf_request)
            self.check_throttles(drf_request)
            data = self.plain_get(drf_request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
            return self.finalize_response(drf_request, response, *args, **kwargs)
        response = HttpResponse(dumps(data), content_type=JSONRenderer.media_type)
        headers = dict(self.headers)
        vary = headers.pop("Vary", None)
        if vary is not None:
            patch_vary_headers(response, [part.strip() for part in vary.split(",")])
        for key, value in headers.items():
            response[key] = value
        return response

    def plain_get(self, request, *args, **kwargs):
        """The GET's data (what ``get`` would put in its ``Response``)."""
        raise NotImplementedError

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

    def page_data(self, queryset, serialize, *, parts=None) -> dict:
        """``paginate``'s data, without the ``Response`` (for ``plain_get``)."""
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(queryset, self.request, view=self, parts=parts)
        return paginator.get_paginated_data(serialize(rows))


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
