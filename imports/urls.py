from django.urls import path

from imports import apis

urlpatterns = [
    path("businesses/<str:business_id>/imports", apis.ImportListApi.as_view(), name="import-list"),
    path("imports/template", apis.ImportTemplateApi.as_view(), name="import-template"),
    path("imports/<str:import_id>", apis.ImportDetailApi.as_view(), name="import-detail"),
    path(
        "imports/<str:import_id>/errors", apis.ImportErrorReportApi.as_view(), name="import-errors"
    ),
]
