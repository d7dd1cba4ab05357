"""Django-level 404 and 500: the API's error shape under /api/, plain pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults

from cleopay.core.errors import error_body


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(404, "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(error_body(500, "Something went wrong on our side."), status=500)
    return defaults.server_error(request)
