"""Bank accounts and payment runs (docs/api/banking.md): thin views over selectors and services."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import Capability
from banking import runs, selectors, services
from banking.serializers import (
    BankAccountCreateInput,
    BankAccountEventSerializer,
    BankAccountSerializer,
    BankAccountUpdateInput,
    BankAccountVerifyInput,
    PaymentBankAccountsSerializer,
    PaymentRunCreateInput,
    PaymentRunDetailSerializer,
    PaymentRunSerializer,
    payment_bank_accounts_body,
)
from cleopay.api.views import ApiView, BusinessApiView


def _account(account) -> dict:
    return BankAccountSerializer(account).data


class BankAccountListApi(BusinessApiView):
    capabilities = {"GET": Capability.ADMINISTER, "POST": Capability.ADMINISTER}

    @extend_schema(
        operation_id="bank_accounts_list", responses={200: BankAccountSerializer(many=True)}
    )
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.bank_account_list(business_id=business_id),
            lambda rows: [_account(row) for row in rows],
        )

    @extend_schema(
        operation_id="bank_accounts_create",
        request=BankAccountCreateInput,
        responses={201: BankAccountSerializer},
        description="Add a bank account (pending verification); the sandbox rail sends two "
        "micro-deposits, 0.32 and 0.45. Only `accountNumberLast4` is ever returned.",
    )
    def post(self, request, business_id: str):
        data = BankAccountCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        account = services.bank_account_create(
            business_id=business_id,
            actor=request.user,
            name=fields["name"],
            routing_number=fields["routingNumber"],
            account_number=fields["accountNumber"],
            account_type=fields["accountType"],
        )
        return Response(_account(account), status=status.HTTP_201_CREATED)


class BankAccountEventListApi(BusinessApiView):
    capabilities = {"GET": Capability.ADMINISTER}

    @extend_schema(
        operation_id="bank_account_events_list",
        responses={200: BankAccountEventSerializer(many=True)},
        description="Every change to the business's bank accounts, newest first.",
    )
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.bank_account_events(business_id=business_id),
            lambda rows: BankAccountEventSerializer(rows, many=True).data,
        )


class BankAccountDetailApi(ApiView):
    @extend_schema(operation_id="bank_accounts_retrieve", responses={200: BankAccountSerializer})
    def get(self, request, bank_account_id: str):
        account = selectors.bank_account_get(bank_account_id=bank_account_id, actor=request.user)
        return Response(_account(account))

    @extend_schema(
        operation_id="bank_accounts_update",
        request=BankAccountUpdateInput,
        responses={200: BankAccountSerializer},
    )
    def patch(self, request, bank_account_id: str):
        data = BankAccountUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.bank_account_update(
            bank_account_id=bank_account_id, actor=request.user, changes=data.validated_data
        )
        return Response(_account(account))

    @extend_schema(
        operation_id="bank_accounts_delete",
        responses={204: None, 409: OpenApiResponse(description="A payment on its way uses it.")},
    )
    def delete(self, request, bank_account_id: str):
        services.bank_account_delete(bank_account_id=bank_account_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BankAccountVerifyApi(ApiView):
    # A wrong answer is counted and committed before the 400: an Idempotency-Key (whose refused
    # requests are rolled back) must not be a way to guess without the count.
    idempotent = False

    @extend_schema(
        operation_id="bank_accounts_verify",
        request=BankAccountVerifyInput,
        responses={200: BankAccountSerializer},
    )
    def post(self, request, bank_account_id: str):
        data = BankAccountVerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.bank_account_verify(
            bank_account_id=bank_account_id,
            actor=request.user,
            amounts=data.validated_data["amounts"],
        )
        return Response(_account(account))


def _run_detail(run_id: str, user) -> dict:
    return PaymentRunDetailSerializer(runs.payment_run_get(run_id=run_id, actor=user)).data


class PaymentRunListApi(BusinessApiView):
    capabilities = {"POST": Capability.PAY}

    @extend_schema(
        operation_id="payment_runs_list", responses={200: PaymentRunSerializer(many=True)}
    )
    def get(self, request, business_id: str):
        return self.paginate(
            runs.payment_run_list(business_id=business_id),
            lambda rows: PaymentRunSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="payment_runs_create",
        request=PaymentRunCreateInput,
        responses={201: PaymentRunDetailSerializer},
        description="Schedule these payables of the payer `businessId` for `date`, together: "
        "all of them or, on the first refusal (naming `payableIds[i]`), none.",
    )
    def post(self, request, business_id: str):
        data = PaymentRunCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        run = runs.payment_run_create(
            business_id=business_id,
            actor=request.user,
            payable_ids=fields["payableIds"],
            on=fields["date"],
            funding_account_id=fields.get("fundingAccountId"),
        )
        return Response(_run_detail(run.id, request.user), status=status.HTTP_201_CREATED)


class PaymentRunDetailApi(ApiView):
    @extend_schema(
        operation_id="payment_runs_retrieve", responses={200: PaymentRunDetailSerializer}
    )
    def get(self, request, run_id: str):
        return Response(_run_detail(run_id, request.user))


class PaymentRunMarkSentApi(ApiView):
    @extend_schema(
        operation_id="payment_runs_mark_sent",
        request=None,
        responses={200: PaymentRunDetailSerializer},
        description="The run's file went to the bank. A run settled by bank file completes its "
        "payments now.",
    )
    def post(self, request, run_id: str):
        runs.payment_run_mark_sent(run_id=run_id, actor=request.user)
        return Response(_run_detail(run_id, request.user))


class PaymentRunNachaApi(ApiView):
    @extend_schema(
        operation_id="payment_runs_nacha",
        responses={
            (200, "text/plain"): OpenApiTypes.STR,
            409: OpenApiResponse(description="The payer or a payee has no verified account."),
        },
        description="The run's NACHA ACH file (CCD credits, one per payee, addenda naming the "
        "invoice numbers). Owners and admins of the payer.",
    )
    def get(self, request, run_id: str):
        filename, text = runs.payment_run_nacha(run_id=run_id, actor=request.user)
        response = HttpResponse(text, content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class PaymentBankAccountsApi(ApiView):
    @extend_schema(
        operation_id="payment_bank_accounts_retrieve",
        responses={200: PaymentBankAccountsSerializer},
        description="The bank accounts an ACH payment names: the payer's funding account and "
        "the payee's receiving account (each business's verified default when the payment was "
        "made, or its run's). Members of the payer or the payee; null where a business had none.",
    )
    def get(self, request, payment_id: str):
        named = selectors.payment_bank_accounts(payment_id=payment_id, actor=request.user)
        return Response(payment_bank_accounts_body(named))
