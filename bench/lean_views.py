"""The benchmark's own views, served next to the app's URLs (``ROOT_URLCONF`` while it measures):

- ``/bench/drf-create``: a typical DRF create of a payable with its lines (a ModelSerializer with
  a nested one behind a DRF view: the token read, the connection read, two inserts; no events,
  review or notifications), the yardstick for what a create costs in this stack;
- ``/bench/inbox-plain``: a plain Django view that runs the inbox API request's own statements
  (captured once by ``capture_inbox``) through Django's cursor and answers its bytes: what the
  same SQL and bytes cost without DRF's request wrapping.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from connections.models import Connection
from payables.models import LineItem, Payable


class TypicalLineSerializer(serializers.ModelSerializer):
    unitPrice = serializers.DecimalField(source="unit_price", max_digits=14, decimal_places=2)

    class Meta:
        model = LineItem
        fields = ["description", "quantity", "unitPrice", "total"]
        read_only_fields = ["total"]


class TypicalPayableSerializer(serializers.ModelSerializer):
    connectionId = serializers.PrimaryKeyRelatedField(
        source="connection", queryset=Connection.objects.all()
    )
    invoiceNumber = serializers.CharField(source="invoice_number")
    dueDate = serializers.DateField(source="due_date")
    lineItems = TypicalLineSerializer(source="line_items", many=True)

    class Meta:
        model = Payable
        fields = ["id", "connectionId", "invoiceNumber", "dueDate", "memo", "amount", "lineItems"]
        read_only_fields = ["id", "amount"]

    def create(self, validated_data):
        lines = validated_data.pop("line_items")
        connection_ = validated_data["connection"]
        items = [
            LineItem(
                position=k,
                total=(line["quantity"] * line["unit_price"]).quantize(Decimal("0.01")),
                **line,
            )
            for k, line in enumerate(lines, 1)
        ]
        with transaction.atomic():
            payable = Payable(
                **validated_data,
                payee_id=connection_.payee_id,
                payer_id=connection_.payer_id,
                created_by=self.context["request"].user,
                amount=sum((item.total for item in items), Decimal("0")),
                issue_date=timezone.now().date(),
                invoice_key=validated_data["invoice_number"].lower(),
            )
            payable.save(force_insert=True)
            for item in items:
                item.payable = payable
            LineItem.objects.bulk_create(items)
        payable._prefetched_objects_cache = {"line_items": items}
        return payable


class TypicalCreateView(generics.CreateAPIView):
    serializer_class = TypicalPayableSerializer
    permission_classes = [IsAuthenticated]


_INBOX: dict = {}


def capture_inbox(client, path: str, headers: dict) -> None:
    """Record the statements and the answer of one inbox API request."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(path, **headers)
    assert response.status_code == 200, response.content[:300]
    _INBOX.update(
        statements=statements, body=response.content, content_type=response["Content-Type"]
    )


def inbox_plain(request):
    with connection.cursor() as cursor:
        for sql, params in _INBOX["statements"]:
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
    return HttpResponse(_INBOX["body"], content_type=_INBOX["content_type"])


urlpatterns = [
    path("bench/drf-create", TypicalCreateView.as_view()),
    path("bench/inbox-plain", inbox_plain),
    path("", include("cleopay.urls")),
]
