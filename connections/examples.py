"""Examples of inviting a business to connect, for the OpenAPI schema and its docs."""

from drf_spectacular.utils import OpenApiExample

INVITE = [
    OpenApiExample(
        "Invite a business you will pay, by its ID",
        value={"counterpartyBusinessId": "biz_abc123", "myRole": "payer", "netTerms": 30},
        request_only=True,
    ),
    OpenApiExample(
        "Invite a customer by e-mail",
        value={"counterpartyEmail": "ap@acme.example", "myRole": "payee", "alias": "Acme"},
        request_only=True,
    ),
    OpenApiExample(
        "The pending connection",
        value={
            "id": "conn_def456",
            "status": "pending",
            "alias": "",
            "tags": [],
            "settings": {"netTerms": 30, "autoApprove": False},
            "businessName": "Acme Manufacturing",
            "connectedBusinessName": "Globex Consulting",
            "businessId": "biz_xyz789",
            "connectedBusinessId": "biz_abc123",
            "role": "payer",
            "invitedEmail": None,
            "invitedByBusinessId": "biz_xyz789",
            "createdAt": "2026-04-01T10:00:00.000000Z",
            "acceptedAt": None,
            "archivedAt": None,
        },
        response_only=True,
        status_codes=["201"],
    ),
]
