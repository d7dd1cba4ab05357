"""The OpenAPI parameters the payables endpoints share (and the endpoints on a payable elsewhere)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

BUSINESS_PARAM = OpenApiParameter(
    "businessId",
    OpenApiTypes.STR,
    description="For a member of both sides: the business to see the payable from.",
)
LIST_PARAMS = [
    OpenApiParameter(
        "direction",
        OpenApiTypes.STR,
        enum=["incoming", "outgoing"],
        description="incoming: this business pays; outgoing: it is paid. Both when absent.",
    ),
    OpenApiParameter(
        "status", OpenApiTypes.STR, description="One status or several, comma-separated."
    ),
    OpenApiParameter("connectionId", OpenApiTypes.STR),
    OpenApiParameter("dueBefore", OpenApiTypes.DATE, description="Due on or before."),
    OpenApiParameter("dueAfter", OpenApiTypes.DATE, description="Due on or after."),
    OpenApiParameter("amountMin", OpenApiTypes.DECIMAL, description="Amount at least."),
    OpenApiParameter("amountMax", OpenApiTypes.DECIMAL, description="Amount at most."),
    OpenApiParameter("tag", OpenApiTypes.STR, description="A tag of this business: ID or name."),
    OpenApiParameter(
        "search", OpenApiTypes.STR, description="In invoice number and memo (case-insensitive)."
    ),
    OpenApiParameter(
        "awaitingMyApproval",
        OpenApiTypes.STR,
        enum=["true", "false"],
        description="true: submitted incoming payables the caller may approve.",
    ),
    OpenApiParameter(
        "open",
        OpenApiTypes.STR,
        enum=["true", "false"],
        description="true: still to be paid (SUBMITTED, APPROVED or SCHEDULED).",
    ),
    OpenApiParameter(
        "asOf",
        OpenApiTypes.DATE,
        description="Still to be paid at the end of that day, as the aging report of that day "
        "counts them (docs/api/reports.md).",
    ),
    OpenApiParameter(
        "paymentFailed",
        OpenApiTypes.STR,
        enum=["true", "false"],
        description="true: approved payables with a payment that failed in the last 30 days.",
    ),
    OpenApiParameter(
        "scheduledAfter", OpenApiTypes.DATE, description="A payment on its way dated on or after."
    ),
    OpenApiParameter(
        "scheduledBefore",
        OpenApiTypes.DATE,
        description="A payment on its way dated on or before.",
    ),
]
