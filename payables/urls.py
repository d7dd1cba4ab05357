from django.urls import path

from payables import apis

urlpatterns = [
    path(
        "businesses/<str:business_id>/payables", apis.PayableListApi.as_view(), name="payable-list"
    ),
    path(
        "businesses/<str:business_id>/payables/export-csv",
        apis.PayableExportApi.as_view(),
        name="payable-export",
    ),
    path(
        "businesses/<str:business_id>/payables/bulk",
        apis.PayableBulkApi.as_view(),
        name="payable-bulk",
    ),
    path(
        "connections/<str:connection_id>/invoices",
        apis.ConnectionInvoiceListApi.as_view(),
        name="connection-invoices",
    ),
    path("payables/<str:payable_id>", apis.PayableDetailApi.as_view(), name="payable-detail"),
    path(
        "payables/<str:payable_id>/events",
        apis.PayableEventListApi.as_view(),
        name="payable-events",
    ),
    path("payables/<str:payable_id>/tags", apis.PayableTagsApi.as_view(), name="payable-tags"),
    path(
        "payables/<str:payable_id>/submit", apis.PayableSubmitApi.as_view(), name="payable-submit"
    ),
    path(
        "payables/<str:payable_id>/approve",
        apis.PayableApproveApi.as_view(),
        name="payable-approve",
    ),
    path(
        "payables/<str:payable_id>/decline",
        apis.PayableDeclineApi.as_view(),
        name="payable-decline",
    ),
    path(
        "payables/<str:payable_id>/not-duplicate",
        apis.PayableNotDuplicateApi.as_view(),
        name="payable-not-duplicate",
    ),
    path(
        "payables/<str:payable_id>/schedule",
        apis.PayableScheduleApi.as_view(),
        name="payable-schedule",
    ),
    path(
        "payables/<str:payable_id>/unschedule",
        apis.PayableUnscheduleApi.as_view(),
        name="payable-unschedule",
    ),
    path("payables/<str:payable_id>/pay", apis.PayablePayApi.as_view(), name="payable-pay"),
    path(
        "payables/<str:payable_id>/cancel", apis.PayableCancelApi.as_view(), name="payable-cancel"
    ),
]
