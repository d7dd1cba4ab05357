"""What the payables' pages share: the payable as the page's business sees it."""

from cleopay.core.web import service_errors
from payables import selectors
from payables.models import Payable


def payable_or_404(request, business_id: str, payable_id: str) -> Payable:
    """The payable as ``business_id`` sees it (404 unless the caller may see it from there)."""
    with service_errors():
        payable, _viewing = selectors.payable_get(
            user=request.user, payable_id=payable_id, prefer=business_id
        )
    return payable
