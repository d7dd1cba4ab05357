"""Examples of the main payable operations, for the OpenAPI schema and its interactive docs."""

from drf_spectacular.utils import OpenApiExample

CREATE_BODY = {
    "connectionId": "conn_def456",
    "amount": 2500.00,
    "dueDate": "2026-05-15",
    "invoiceNumber": "INV-2026-0042",
    "memo": "Q1 consulting services",
    "lineItems": [
        {"description": "Strategy consulting", "quantity": 10, "unitPrice": 200.00},
        {"description": "Implementation support", "quantity": 5, "unitPrice": 100.00},
    ],
}


def _payable(status: str, **extra) -> dict:
    return {
        "id": "pay_4Fh2kQ9xYb7LmN3pR8sT1v",
        "status": status,
        "createdAt": "2026-04-15T09:30:00.000000Z",
        "connectionId": "conn_def456",
        "payeeBusinessId": "biz_abc123",
        "payerBusinessId": "biz_xyz789",
        "amount": 2500.00,
        "currency": "USD",
        "issueDate": "2026-04-15",
        "dueDate": "2026-05-15",
        "invoiceNumber": "INV-2026-0042",
        "memo": "Q1 consulting services",
        "lineItems": [
            {
                "id": "li_7Tq2mX9vB4nK1pR6sW3yZa",
                "description": "Strategy consulting",
                "quantity": 10,
                "unitPrice": 200.00,
                "accountingCategory": "",
                "customFields": {},
                "total": 2000.00,
            },
            {
                "id": "li_2Hk8nV5cX1mQ9wE4rT7yUb",
                "description": "Implementation support",
                "quantity": 5,
                "unitPrice": 100.00,
                "accountingCategory": "",
                "customFields": {},
                "total": 500.00,
            },
        ],
        "attachments": [],
        "tags": [],
        "customFields": {},
        "approval": None,
        "payments": [],
        "declineReason": None,
        "cancelReason": None,
        "submittedAt": None,
        "updatedAt": "2026-04-15T09:30:00.000000Z",
        **extra,
    }


CREATE = [
    OpenApiExample("A draft with line items", value=CREATE_BODY, request_only=True),
    OpenApiExample(
        "Created and submitted at once",
        value={**CREATE_BODY, "submit": True},
        request_only=True,
    ),
    OpenApiExample(
        "The draft created", value=_payable("DRAFT"), response_only=True, status_codes=["201"]
    ),
]

APPROVE = [
    OpenApiExample(
        "Approved (the last step of its workflow)",
        value=_payable(
            "APPROVED",
            submittedAt="2026-04-15T09:31:00.000000Z",
            approval={
                "status": "approved",
                "outcome": "workflow",
                "workflow": {"id": "apwf_9Lm2Qx7Rt4Vb1Nc8Kd5Fg3", "name": "Over $1,000"},
                "currentStep": None,
                "blocked": False,
                "blockedReason": None,
                "steps": [],
            },
        ),
        response_only=True,
        status_codes=["200"],
    ),
]

PAY = [
    OpenApiExample(
        "Paid",
        value=_payable(
            "PAID",
            submittedAt="2026-04-15T09:31:00.000000Z",
            payments=[
                {
                    "id": "pmt_3Xc9Vb2Nm7Kq4Wr8Ty1Ua6",
                    "amount": 2500.00,
                    "date": "2026-05-01",
                    "scheduledFor": "2026-05-01",
                    "status": "completed",
                    "failureReason": None,
                    "createdAt": "2026-05-01T08:00:00.000000Z",
                    "completedAt": "2026-05-01T08:00:01.000000Z",
                }
            ],
        ),
        response_only=True,
        status_codes=["200"],
    ),
]
