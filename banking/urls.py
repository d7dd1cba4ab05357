from django.urls import path

from banking import apis

urlpatterns = [
    path(
        "businesses/<str:business_id>/bank-accounts",
        apis.BankAccountListApi.as_view(),
        name="bank-account-list",
    ),
    path(
        "businesses/<str:business_id>/bank-accounts/events",
        apis.BankAccountEventListApi.as_view(),
        name="bank-account-events",
    ),
    path(
        "bank-accounts/<str:bank_account_id>",
        apis.BankAccountDetailApi.as_view(),
        name="bank-account-detail",
    ),
    path(
        "bank-accounts/<str:bank_account_id>/verify",
        apis.BankAccountVerifyApi.as_view(),
        name="bank-account-verify",
    ),
    path(
        "businesses/<str:business_id>/payment-runs",
        apis.PaymentRunListApi.as_view(),
        name="payment-run-list",
    ),
    path(
        "payment-runs/<str:run_id>", apis.PaymentRunDetailApi.as_view(), name="payment-run-detail"
    ),
    path(
        "payment-runs/<str:run_id>/mark-sent",
        apis.PaymentRunMarkSentApi.as_view(),
        name="payment-run-mark-sent",
    ),
    path(
        "payment-runs/<str:run_id>/nacha",
        apis.PaymentRunNachaApi.as_view(),
        name="payment-run-nacha",
    ),
    path(
        "payments/<str:payment_id>/bank-accounts",
        apis.PaymentBankAccountsApi.as_view(),
        name="payment-bank-accounts",
    ),
]
