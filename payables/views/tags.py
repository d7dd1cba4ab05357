"""A payable's tags on its page: each side labels a bill for itself, with its own tags, through
the API's own input and service (``services.payable_set_tags``); the other side never sees them."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.permissions import Capability
from cleopay.core.web import business_page, require_capability, service_errors, validated
from payables import services
from payables.inputs import PayableTagsInput
from payables.views.common import payable_or_404


@require_POST
@business_page()
def payable_tags(request, business_id: str, payable_id: str):
    """Replace the tags ``business_id`` put on the payable with those ticked (none: all off)."""
    payable = payable_or_404(request, business_id, payable_id)
    require_capability(request, Capability.INVOICE)  # as the service: who may tag
    tag_ids = request.POST.getlist("tagIds")
    with service_errors() as problems:
        data = validated(PayableTagsInput, {"tagIds": tag_ids, "businessId": business_id})
        services.payable_set_tags(
            payable_id=payable.pk,
            actor=request.user,
            tag_ids=data["tag_ids"],
            business_id=business_id,
        )
    if problems:
        found = [*problems.general, *(m for ms in problems.fields.values() for m in ms)]
        for message in found or ["Those tags could not be saved."]:
            messages.error(request, message)
    else:
        count = len(set(tag_ids))
        messages.success(
            request,
            f"Tags saved: {count} on this bill." if count else "Tags removed from this bill.",
        )
    return redirect("payable-detail", business_id=business_id, payable_id=payable.pk)
