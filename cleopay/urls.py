"""URLs: the API under /api/ (paths without trailing slashes), its schema and docs, the admin, and
the pages (each app's ``page_urls``; per business under /b/<business_id>/)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from cleopay import health, metrics
from cleopay.api.views import SchemaView
from cleopay.core.api import handlers

api_patterns = [
    path("", include("accounts.urls")),
    path("", include("connections.urls")),
    path("", include("payables.urls")),
    path("", include("credits.urls")),
    path("", include("banking.urls")),
    path("", include("files.urls")),
    path("", include("approvals.urls")),
    path("", include("notifications.urls")),
    path("", include("webhooks.urls")),
    path("", include("imports.urls")),
    path("", include("comments.urls")),
    path("", include("cockpit.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI from pinned local assets (drf-spectacular-sidecar), its start-up script a file
    # of its own (?script): the page runs under the same Content-Security-Policy as every other.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("", include("accounts.page_urls")),
    path("", include("payables.page_urls")),
    path("", include("connections.page_urls")),
    path("", include("approvals.page_urls")),
    path("", include("files.page_urls")),
    path("", include("notifications.page_urls")),
    path("", include("banking.page_urls")),
    path("", include("credits.page_urls")),
    path("", include("webhooks.page_urls")),
    path("", include("imports.page_urls")),
    path("", include("comments.page_urls")),
    path("", include("cockpit.page_urls")),
]

handler404 = handlers.not_found
handler500 = handlers.server_error
