"""``/b/<business_id>/``: a business's home is the list where its work is."""

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from cleopay.core.web import business_page
from payables import selectors


@require_safe
@business_page()
def business_home(request, business_id: str):
    """The inbox, or the invoices of a business that only sends them (``selectors.landing_list``)."""
    page, tab = selectors.landing_list(business_id=business_id)
    url = reverse(page, kwargs={"business_id": business_id})
    return redirect(f"{url}?tab={tab}" if tab else url)
