"""Pages of approval workflows, delegations and custom fields (the API's routes are in ``approvals.urls``)."""

from django.urls import path

from approvals import views

S = "b/<str:business_id>/settings/"

urlpatterns = [
    path(S + "workflows", views.workflow_list, name="settings-workflows"),
    path(S + "workflows/new", views.workflow_new, name="settings-workflow-new"),
    path(S + "workflows/step", views.workflow_step, name="settings-workflow-step"),
    path(S + "workflows/<str:workflow_id>", views.workflow_edit, name="settings-workflow"),
    path(
        S + "workflows/<str:workflow_id>/delete",
        views.workflow_delete,
        name="settings-workflow-delete",
    ),
    path(S + "delegations", views.delegation_list, name="settings-delegations"),
    path(
        S + "delegations/<str:delegation_id>/delete",
        views.delegation_delete,
        name="settings-delegation-delete",
    ),
    path(S + "custom-fields", views.custom_field_list, name="settings-custom-fields"),
    path(
        S + "custom-fields/<str:custom_field_id>",
        views.custom_field_edit,
        name="settings-custom-field",
    ),
    path(
        S + "custom-fields/<str:custom_field_id>/delete",
        views.custom_field_delete,
        name="settings-custom-field-delete",
    ),
]
