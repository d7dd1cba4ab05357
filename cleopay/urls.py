"""URLs: the API under /api/ (paths without trailing slashes), its schema and docs, the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views
from cleopay.api import handlers

api_patterns = [
    path("", include("accounts.urls")),
    path("", include("connections.urls")),
    path("", include("payables.urls")),
    path("", include("files.urls")),
    path("", include("approvals.urls")),
    path("", include("notifications.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("login", account_views.LoginView.as_view(), name="login"),
    path("logout", account_views.LogoutView.as_view(), name="logout"),
    path("", account_views.home, name="home"),
]

handler404 = handlers.not_found
handler500 = handlers.server_error
