"""Shared pieces of the list filters (django-filter)."""

import django_filters


class CachedFormFilterSet(django_filters.FilterSet):
    """A filter set whose form class is built once per class instead of once per request.

    django-filter builds a new form class, and a form field for every filter, each time a
    filter set is made: on a list served hundreds of times a second that is a measurable share
    of the request. Only for filter sets whose filters do not change from one instance to the
    next (every filter set of this project).
    """

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class
