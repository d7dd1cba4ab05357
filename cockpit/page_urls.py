"""Pages of the cockpit (the API's routes are in ``cockpit.urls``)."""

from django.urls import path

from cockpit import views

B = "b/<str:business_id>/"

urlpatterns = [
    path(B, views.home, name="business-home"),
    path(B + "reports", views.reports_page, name="reports"),
    path(B + "reports/aging/export-csv", views.aging_csv, name="reports-aging-csv"),
    path(B + "reports/cash-flow/export-csv", views.cash_flow_csv, name="reports-cash-flow-csv"),
]
