"""Credits endpoints (docs/api/credits.md): thin views over ``selectors`` and ``services``."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import Capability
from cleopay.api.views import ApiView, BusinessApiView
from credits import selectors, services
from credits.serializers import CreditApplyInput, CreditCreateInput, CreditSerializer
from payables.apis import payable_body
from payables.serializers import PayableSerializer


def _credit(credit) -> dict:
    return CreditSerializer(credit).data


class CreditListApi(BusinessApiView):
    capabilities = {"POST": Capability.INVOICE}

    @extend_schema(operation_id="credits_list", responses={200: CreditSerializer(many=True)})
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.credit_list(business_id=business_id),
            lambda rows: [_credit(row) for row in rows],
            parts=selectors.credit_sides(business_id=business_id),
        )

    @extend_schema(
        operation_id="credits_create",
        request=CreditCreateInput,
        responses={201: CreditSerializer},
        description="Issue a credit, as the payee `businessId`, to the payer of a connection.",
    )
    def post(self, request, business_id: str):
        data = CreditCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        credit = services.credit_create(
            business_id=business_id,
            actor=request.user,
            connection_id=fields["connectionId"],
            amount=fields["amount"],
            memo=fields["memo"],
            credit_number=fields["creditNumber"],
        )
        return Response(_credit(credit), status=status.HTTP_201_CREATED)


class CreditVoidApi(ApiView):
    @extend_schema(operation_id="credits_void", request=None, responses={200: CreditSerializer})
    def post(self, request, credit_id: str):
        return Response(_credit(services.credit_void(credit_id=credit_id, actor=request.user)))


class PayableApplyCreditApi(ApiView):
    @extend_schema(
        operation_id="payables_apply_credit",
        request=CreditApplyInput,
        responses={200: PayableSerializer},
        description="Net an open credit of the same connection against an `APPROVED` or "
        "`SCHEDULED` payable; `PAID` once nothing is due.",
    )
    def post(self, request, payable_id: str):
        data = CreditApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        payable = services.credit_apply(
            payable_id=payable_id,
            actor=request.user,
            credit_id=data.validated_data["creditId"],
            amount=data.validated_data.get("amount"),
        )
        return Response(payable_body(payable.pk, payable.payer_id))
