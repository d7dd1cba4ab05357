from django.urls import path

from approvals import apis

urlpatterns = [
    path(
        "businesses/<str:business_id>/approval-workflows",
        apis.WorkflowListApi.as_view(),
        name="approval-workflow-list",
    ),
    path(
        "businesses/<str:business_id>/approval-workflows/preview",
        apis.WorkflowPreviewApi.as_view(),
        name="approval-workflow-preview",
    ),
    path(
        "approval-workflows/<str:workflow_id>",
        apis.WorkflowDetailApi.as_view(),
        name="approval-workflow-detail",
    ),
    path(
        "businesses/<str:business_id>/delegations",
        apis.DelegationListApi.as_view(),
        name="delegation-list",
    ),
    path(
        "delegations/<str:delegation_id>",
        apis.DelegationDetailApi.as_view(),
        name="delegation-detail",
    ),
    path(
        "businesses/<str:business_id>/custom-fields",
        apis.CustomFieldListApi.as_view(),
        name="custom-field-list",
    ),
    path(
        "custom-fields/<str:custom_field_id>",
        apis.CustomFieldDetailApi.as_view(),
        name="custom-field-detail",
    ),
    path(
        "connections/<str:connection_id>/custom-fields",
        apis.ConnectionCustomFieldListApi.as_view(),
        name="connection-custom-field-list",
    ),
]
