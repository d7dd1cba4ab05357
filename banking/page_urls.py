"""Pages of bank accounts and payment runs (the API's routes are in ``banking.urls``)."""

from django.urls import path

from banking import views

B = "b/<str:business_id>/"

urlpatterns = [
    path(B + "settings/bank-accounts", views.settings_bank_accounts, name="settings-bank-accounts"),
    path(
        B + "settings/bank-accounts/<str:bank_account_id>/verify",
        views.bank_account_verify,
        name="settings-bank-account-verify",
    ),
    path(
        B + "settings/bank-accounts/<str:bank_account_id>/default",
        views.bank_account_default,
        name="settings-bank-account-default",
    ),
    path(
        B + "settings/bank-accounts/<str:bank_account_id>/delete",
        views.bank_account_delete,
        name="settings-bank-account-delete",
    ),
    path(B + "runs", views.run_list, name="runs"),
    path(B + "runs/new", views.run_new, name="run-new"),
    path(B + "runs/<str:run_id>", views.run_detail, name="run-detail"),
    path(B + "runs/<str:run_id>/mark-sent", views.run_mark_sent, name="run-mark-sent"),
]
