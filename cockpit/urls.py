from django.urls import path

from cockpit import apis

B = "businesses/<str:business_id>/reports/"
C = "connections/<str:connection_id>/balance"

urlpatterns = [
    path(B + "aging", apis.AgingApi.as_view(), name="report-aging"),
    path(B + "aging/export-csv", apis.AgingExportApi.as_view(), name="report-aging-export"),
    path(B + "cash-flow", apis.CashFlowApi.as_view(), name="report-cash-flow"),
    path(
        B + "cash-flow/export-csv",
        apis.CashFlowExportApi.as_view(),
        name="report-cash-flow-export",
    ),
    path(C, apis.ConnectionBalanceApi.as_view(), name="connection-balance"),
    path(
        C + "/export-csv",
        apis.ConnectionBalanceExportApi.as_view(),
        name="connection-balance-export",
    ),
]
