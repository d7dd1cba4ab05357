"""Reports endpoints (docs/api/reports.md, CONTRACT §11): thin views over ``cockpit.reports``
and ``cockpit.selectors``; each also as ``text/csv`` at ``.../export-csv``."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cleopay.api.views import ApiView, BusinessApiView
from cleopay.core.ids import require_id_shape
from cleopay.core.money import MoneySerializerField
from cockpit import exports, params, reports
from cockpit.selectors import connection_balance
from connections.selectors import caller_business_id, connection_get


class BucketSerializer(serializers.Serializer):
    label = serializers.CharField(source="key")
    count = serializers.IntegerField()
    amount = MoneySerializerField()


class CounterpartySerializer(serializers.Serializer):
    connectionId = serializers.CharField(source="connection_id")
    name = serializers.CharField()
    buckets = BucketSerializer(many=True)
    total = MoneySerializerField()


class AgingSerializer(serializers.Serializer):
    asOf = serializers.DateField(source="as_of")
    side = serializers.CharField()
    buckets = BucketSerializer(many=True)
    total = MoneySerializerField()
    counterparties = CounterpartySerializer(many=True)


class WeekSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    scheduled = MoneySerializerField()
    due = MoneySerializerField()
    total = MoneySerializerField()


class CashFlowSerializer(serializers.Serializer):
    side = serializers.CharField(source="direction")
    start = serializers.DateField()
    weeks = WeekSerializer(many=True)
    total = MoneySerializerField()


class BalanceSerializer(serializers.Serializer):
    connectionId = serializers.CharField(source="connection_id")
    side = serializers.CharField()
    billed = MoneySerializerField()
    paid = MoneySerializerField()
    credits = MoneySerializerField()
    outstanding = MoneySerializerField()
    overdue = MoneySerializerField()
    openCredits = MoneySerializerField(source="open_credits")


SIDE = OpenApiParameter(
    "side", OpenApiTypes.STR, enum=[reports.PAYABLES, reports.RECEIVABLES],
    description="payables: what this business owes; receivables: what it is owed. Default payables.",
)  # fmt: skip
AS_OF = OpenApiParameter(
    "asOf", OpenApiTypes.DATE, description="The day to age on (default today, UTC)."
)
FLOW_SIDE = OpenApiParameter(
    "side", OpenApiTypes.STR, enum=[reports.OUT, reports.IN],
    description="out: money this business pays; in: money it is paid. Default out.",
)  # fmt: skip
WEEKS = OpenApiParameter(
    "weeks", OpenApiTypes.INT, description=f"1 to {reports.WEEKS_MAX}, default 8."
)
BUSINESS = OpenApiParameter(
    "businessId", OpenApiTypes.STR, description="For a member of both sides: the side to see from."
)
CSV = {(200, "text/csv"): OpenApiResponse(response=str, description="The report as CSV.")}


def _aging(request, business_id: str) -> reports.Aging:
    today = timezone.now().date()
    return reports.aging(
        business_id=business_id,
        side=params.aging_side(request.query_params.get("side")),
        as_of=params.as_of(request.query_params.get("asOf"), today),
        today=today,
    )


def _cash_flow(request, business_id: str) -> reports.CashFlow:
    return reports.cash_flow(
        business_id=business_id,
        direction=params.flow_direction(request.query_params.get("side")),
        start=timezone.now().date(),
        weeks=params.weeks(request.query_params.get("weeks")),
    )


class AgingApi(BusinessApiView):
    @extend_schema(
        operation_id="reports_aging",
        parameters=[SIDE, AS_OF],
        responses={200: AgingSerializer},
        description="Payables still to be paid, by days past due on `asOf`, on `amountDue`: "
        "in total and per connection.",
    )
    def get(self, request, business_id: str):
        return Response(AgingSerializer(_aging(request, business_id)).data)


class AgingExportApi(BusinessApiView):
    @extend_schema(operation_id="reports_aging_export_csv", parameters=[SIDE, AS_OF], responses=CSV)
    def get(self, request, business_id: str):
        return exports.aging_csv(_aging(request, business_id))


class CashFlowApi(BusinessApiView):
    @extend_schema(
        operation_id="reports_cash_flow",
        parameters=[FLOW_SIDE, WEEKS],
        responses={200: CashFlowSerializer},
        description="Week by week from today: pending payments by date, and submitted or "
        "approved payables not scheduled by due date (late ones in the first week).",
    )
    def get(self, request, business_id: str):
        return Response(CashFlowSerializer(_cash_flow(request, business_id)).data)


class CashFlowExportApi(BusinessApiView):
    @extend_schema(
        operation_id="reports_cash_flow_export_csv", parameters=[FLOW_SIDE, WEEKS], responses=CSV
    )
    def get(self, request, business_id: str):
        return exports.cash_flow_csv(_cash_flow(request, business_id))


def _balance(request, connection_id: str) -> dict:
    require_id_shape(connection_id, "conn")
    connection = connection_get(user=request.user, connection_id=connection_id)
    business_id = caller_business_id(
        connection=connection,
        user=request.user,
        prefer=request.query_params.get("businessId") or None,
    )
    balance = connection_balance(connection=connection, today=timezone.now().date())
    side = "payer" if business_id == connection.payer_id else "payee"
    return {"connection_id": connection.pk, "side": side, "balance": balance}


class ConnectionBalanceApi(ApiView):
    @extend_schema(
        operation_id="connections_balance",
        parameters=[BUSINESS],
        responses={200: BalanceSerializer},
        description="Billed, paid, credits applied, outstanding and overdue on one connection, "
        "from the caller's side.",
    )
    def get(self, request, connection_id: str):
        found = _balance(request, connection_id)
        balance = found["balance"]
        return Response(
            BalanceSerializer(
                {"connection_id": found["connection_id"], "side": found["side"],
                 **balance.__dict__}
            ).data
        )  # fmt: skip


class ConnectionBalanceExportApi(ApiView):
    @extend_schema(
        operation_id="connections_balance_export_csv", parameters=[BUSINESS], responses=CSV
    )
    def get(self, request, connection_id: str):
        found = _balance(request, connection_id)
        return exports.balance_csv(found["balance"], connection_id=found["connection_id"])
