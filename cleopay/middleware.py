"""Request checks that belong to no app."""

import zoneinfo

from django.http import Http404
from django.utils import timezone

from cleopay.core.api import handlers


class RefuseNulInUrl:
    """A URL whose path parameters carry a NUL byte (``/api/tags/%00``) is a 404 before any view.

    No ID, key or name can contain one, and PostgreSQL refuses NUL in text outright: a query
    with it fails with an error (a 500) where a missing object should be a 404. Every route,
    the API's and the pages', is covered here at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any("\x00" in str(value) for value in (*view_args, *view_kwargs.values())):
            raise Http404("Not found.")


class UserTimeZone:
    """Pages show times in the logged-in user's time zone (``User.time_zone``), else UTC.

    After ``AuthenticationMiddleware``. The API is left in UTC: its token users are known only
    inside DRF's view, and its timestamps are always written in UTC with ``Z``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = None
        if not request.path.startswith("/api/") and user is not None and user.is_authenticated:
            zone = getattr(user, "time_zone", None)
        try:
            if zone:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            else:
                timezone.deactivate()
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ApiNotFoundAsJson:
    """A 404 under ``/api/`` answers the API's error shape, with ``DEBUG`` on as well.

    ``handler404`` already does so with ``DEBUG`` off; with it on, Django renders its technical
    HTML page for an unknown route (or a 404 raised before any view) and offers no hook to
    change that, so the page is replaced here. JSON 404s (every API view's own) pass unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return handlers.not_found(request)
        return response
