"""Pages of payables (the API's routes are in ``payables.urls``)."""

from django.urls import path

from payables import views

B = "b/<str:business_id>/"

urlpatterns = [
    path("payables/<str:payable_id>", views.payable_redirect, name="payable-redirect"),
    path(
        "email-approval/<str:payable_id>/<str:token>",
        views.email_approval,
        name="email-approval",
    ),
    path(B + "inbox", views.inbox, name="inbox"),
    path(B + "inbox/bulk", views.inbox_bulk, name="inbox-bulk"),
    path(B + "inbox/export", views.inbox_export, name="inbox-export"),
    path(B + "invoices", views.invoices, name="invoices"),
    path(B + "invoices/export", views.invoices_export, name="invoices-export"),
    path(B + "invoices/new", views.invoice_new, name="invoice-new"),
    path(B + "invoices/line-item", views.line_row, name="invoice-line-row"),
    path(B + "payables/<str:payable_id>", views.payable_detail, name="payable-detail"),
    path(B + "payables/<str:payable_id>/edit", views.payable_edit, name="payable-edit"),
    path(B + "payables/<str:payable_id>/tags", views.payable_tags, name="payable-tags-page"),
    path(
        B + "payables/<str:payable_id>/<str:action>",
        views.payable_action,
        name="payable-action",
    ),
]
