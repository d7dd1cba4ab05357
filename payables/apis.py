"""Payables endpoints (docs/api/payables.md): thin views over ``selectors`` and ``services``."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import Capability
from cleopay.api.views import ApiView, BusinessApiView
from cleopay.core import sqlcache
from cleopay.core.ids import require_id_shape
from connections.selectors import caller_business_id, connection_get
from payables import bulk, examples, exports, listing, selectors, services
from payables.inputs import (
    BulkInput,
    CancelInput,
    DeclineInput,
    PayableCreateInput,
    PayableTagsInput,
    PayableUpdateInput,
    PayInput,
    ScheduleInput,
)
from payables.models import Payable
from payables.schema import BUSINESS_PARAM, LIST_PARAMS
from payables.serializers import (
    BulkResultSerializer,
    PayableEventSerializer,
    PayableListItemSerializer,
    PayableSerializer,
)


def _prefer(request) -> str | None:
    """``?businessId=``: the side to see from (a business the caller is not on there is a 404)."""
    return request.query_params.get("businessId") or None


def _represent(payable, business_id: str) -> dict:
    """The payable as ``business_id`` sees it (read by ``selectors.payable_detail``, or just
    created with its related rows in hand)."""
    return PayableSerializer(payable, context={"business_id": business_id}).data


def written_body(payable, business_id: str) -> dict:
    """What a write endpoint answers, from the payable its service has just written (the same
    body as ``payable_body`` reads afresh, without reading the payable's row again)."""
    return _represent(selectors.payable_detail_of(payable, business_id=business_id), business_id)


def payable_body(payable_id: str, business_id: str) -> dict:
    """The API's representation of a payable as ``business_id`` sees it, read afresh (what
    every write endpoint answers with, here and in other apps' endpoints)."""
    return _represent(
        selectors.payable_detail(payable_id=payable_id, business_id=business_id), business_id
    )


class PayableListApi(BusinessApiView):
    capabilities = {"POST": Capability.INVOICE}
    # The inbox every finance team refreshes all day: served without DRF's response wrapping.
    serves_plain_get = True
    # Its first page's SQL compiled once per business and query string (``cleopay.core.sqlcache``).
    compiles_first_page = True

    @extend_schema(
        operation_id="payables_list",
        parameters=LIST_PARAMS,
        responses={200: PayableListItemSerializer(many=True)},
    )
    def get(self, request, business_id: str):
        return Response(self.plain_get(request, business_id))

    def plain_get(self, request, business_id: str):
        key = listing.first_page_key(business_id, request.query_params)
        if key is not None and self.compiles_first_page:
            return self._first_page(request, business_id, key)
        queryset = selectors.payable_filter(
            business_id=business_id, user=request.user, params=request.query_params
        )
        return self.page_data(
            listing.payable_rows(queryset),
            lambda rows: listing.list_items(rows, business_id=business_id),
            parts=selectors.payable_sides(
                business_id=business_id, user=request.user, params=request.query_params
            ),
        )

    def _first_page(self, request, business_id: str, key: tuple) -> dict:
        """The first page, its SQL compiled once for the business and query string."""
        paginator = self.pagination_class()

        def build(limit: int):
            queryset = selectors.payable_filter(
                business_id=business_id, user=request.user, params=request.query_params
            )
            return listing.payable_rows(queryset)[: limit + 1]

        def fetch(limit: int) -> list[dict]:
            found = sqlcache.compiled(key, lambda: build(limit))
            return found.rows() if found is not None else list(build(limit))

        rows = paginator.first_page(
            request, ordering=list(selectors.LIST_ORDERING), model=Payable, fetch=fetch
        )
        return paginator.get_paginated_data(listing.list_items(rows, business_id=business_id))

    @extend_schema(
        operation_id="payables_create",
        request=PayableCreateInput,
        responses={201: PayableSerializer},
        examples=examples.CREATE,
        description="Create a payable as the payee `businessId`; `submit: true` submits it at once.",
    )
    def post(self, request, business_id: str):
        data = PayableCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable = services.payable_create(
            business_id=business_id, actor=request.user, **data.validated_data
        )
        return Response(_represent(payable, business_id), status=status.HTTP_201_CREATED)


class PayableExportApi(BusinessApiView):
    @extend_schema(
        operation_id="payables_export_csv",
        parameters=LIST_PARAMS,
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=str, description="One row per payable, after a header row."
            )
        },
        description="The business's payables as CSV, with the list's filters, newest first.",
    )
    def get(self, request, business_id: str):
        queryset = selectors.payable_filter(
            business_id=business_id, user=request.user, params=request.query_params
        )
        return exports.payables_csv_response(queryset, business_id=business_id)


class ConnectionInvoiceListApi(ApiView):
    @extend_schema(
        operation_id="connections_invoices_list",
        parameters=[BUSINESS_PARAM, *LIST_PARAMS],
        responses={200: PayableListItemSerializer(many=True)},
        description="The payables of one connection, from the caller's side (drafts only for "
        "the payee).",
    )
    def get(self, request, connection_id: str):
        require_id_shape(connection_id, "conn")
        connection = connection_get(user=request.user, connection_id=connection_id)
        business_id = caller_business_id(
            connection=connection, user=request.user, prefer=_prefer(request)
        )
        queryset = selectors.payable_filter(
            business_id=business_id,
            user=request.user,
            params=request.query_params,
            connection_id=connection.pk,
        )
        return self.paginate(
            listing.payable_rows(queryset),
            lambda rows: listing.list_items(rows, business_id=business_id),
        )


class PayableDetailApi(ApiView):
    @extend_schema(
        operation_id="payables_retrieve",
        parameters=[BUSINESS_PARAM],
        responses={200: PayableSerializer},
    )
    def get(self, request, payable_id: str):
        payable, business_id = selectors.payable_get(
            user=request.user, payable_id=payable_id, prefer=_prefer(request)
        )
        return Response(_represent(payable, business_id))

    @extend_schema(
        operation_id="payables_update",
        request=PayableUpdateInput,
        responses={200: PayableSerializer},
        description="Edit a payable in DRAFT or DECLINED (payee). `lineItems` replaces the set.",
    )
    def patch(self, request, payable_id: str):
        data = PayableUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable = services.payable_update(
            payable_id=payable_id, actor=request.user, changes=data.validated_data
        )
        return Response(payable_body(payable.pk, payable.payee_id))


class PayableEventListApi(ApiView):
    @extend_schema(
        operation_id="payables_events_list",
        parameters=[BUSINESS_PARAM],
        responses={200: PayableEventSerializer(many=True)},
    )
    def get(self, request, payable_id: str):
        queryset = selectors.payable_event_list(
            user=request.user, payable_id=payable_id, prefer=_prefer(request)
        )
        return self.paginate(queryset, lambda rows: PayableEventSerializer(rows, many=True).data)


class PayableTagsApi(ApiView):
    @extend_schema(
        operation_id="payables_tags_update",
        request=PayableTagsInput,
        responses={200: PayableSerializer},
        description="Replace the caller's side's tags on a payable (any status).",
    )
    def patch(self, request, payable_id: str):
        data = PayableTagsInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable, business_id = services.payable_set_tags(
            payable_id=payable_id, actor=request.user, **data.validated_data
        )
        return Response(payable_body(payable.pk, business_id))


# --- actions ------------------------------------------------------------------------------------
class PayableSubmitApi(ApiView):
    @extend_schema(operation_id="payables_submit", request=None, responses={200: PayableSerializer})
    def post(self, request, payable_id: str):
        payable = services.payable_submit(payable_id=payable_id, actor=request.user)
        return Response(written_body(payable, payable.payee_id))


class PayableApproveApi(ApiView):
    @extend_schema(
        operation_id="payables_approve",
        request=None,
        responses={200: PayableSerializer},
        examples=examples.APPROVE,
    )
    def post(self, request, payable_id: str):
        payable = services.payable_approve(payable_id=payable_id, actor=request.user)
        return Response(written_body(payable, payable.payer_id))


class PayableDeclineApi(ApiView):
    @extend_schema(
        operation_id="payables_decline", request=DeclineInput, responses={200: PayableSerializer}
    )
    def post(self, request, payable_id: str):
        data = DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable = services.payable_decline(
            payable_id=payable_id, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(written_body(payable, payable.payer_id))


class PayableNotDuplicateApi(ApiView):
    @extend_schema(
        operation_id="payables_not_duplicate",
        request=None,
        responses={200: PayableSerializer},
        description="The payer's reviewer (owner, admin, approver) clears the possible-duplicate "
        "warning; the payer's timeline records who. 409 when there is none.",
    )
    def post(self, request, payable_id: str):
        payable = services.payable_not_duplicate(payable_id=payable_id, actor=request.user)
        return Response(payable_body(payable.pk, payable.payer_id))


class PayableScheduleApi(ApiView):
    @extend_schema(
        operation_id="payables_schedule", request=ScheduleInput, responses={200: PayableSerializer}
    )
    def post(self, request, payable_id: str):
        data = ScheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable = services.payable_schedule(
            payable_id=payable_id,
            actor=request.user,
            on=data.validated_data["date"],
            amount=data.validated_data.get("amount"),
        )
        return Response(written_body(payable, payable.payer_id))


class PayableUnscheduleApi(ApiView):
    @extend_schema(
        operation_id="payables_unschedule", request=None, responses={200: PayableSerializer}
    )
    def post(self, request, payable_id: str):
        payable = services.payable_unschedule(payable_id=payable_id, actor=request.user)
        return Response(written_body(payable, payable.payer_id))


class PayablePayApi(ApiView):
    @extend_schema(
        operation_id="payables_pay",
        request=PayInput,
        responses={200: PayableSerializer},
        examples=examples.PAY,
        description="Pay now, all that is due or a part (`amount`), by ACH through Cleo Pay or "
        "recorded as paid outside (`method`). 200 with the payable: `PAID` once nothing is due, "
        "else still `APPROVED` (or `SCHEDULED` while a scheduled payment remains); still "
        "`APPROVED` with a failed payment (see `payments[].failureReason`) when the transfer "
        "was refused. With no body it pays the whole amount due by ACH.",
    )
    def post(self, request, payable_id: str):
        data = PayInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        payable = services.payable_pay(
            payable_id=payable_id,
            actor=request.user,
            amount=fields.get("amount"),
            method=fields["method"],
            reference=fields["reference"],
            on=fields.get("date"),
        )
        return Response(payable_body(payable.pk, payable.payer_id))


class PayableCancelApi(ApiView):
    @extend_schema(
        operation_id="payables_cancel", request=CancelInput, responses={200: PayableSerializer}
    )
    def post(self, request, payable_id: str):
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable, business_id = services.payable_cancel(
            payable_id=payable_id, actor=request.user, **data.validated_data
        )
        return Response(written_body(payable, business_id))


class PayableBulkApi(BusinessApiView):
    # Membership is checked here; the action's own capability once the body names it.
    capabilities = {"POST": Capability.READ}

    @extend_schema(
        operation_id="payables_bulk",
        request=BulkInput,
        responses={200: BulkResultSerializer(many=True)},
        description="Approve, schedule (`date`) or pay (all that is due, by ACH) up to 200 "
        "payables this business pays, each as if asked alone: 200 with one result per ID, "
        "in order; one refusal does not stop the others.",
    )
    def post(self, request, business_id: str):
        data = BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        results = bulk.payables_bulk(
            business_id=business_id,
            actor=request.user,
            action=fields["action"],
            payable_ids=fields["payableIds"],
            on=fields.get("date"),
        )
        return Response({"results": results})
