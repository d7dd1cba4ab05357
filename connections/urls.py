from django.urls import path

from connections import apis

urlpatterns = [
    path("connections", apis.ConnectionListApi.as_view(), name="connection-list"),
    # Before connections/<connection_id>, which would otherwise take "export-csv" for an ID.
    path("connections/export-csv", apis.ConnectionExportApi.as_view(), name="connection-export"),
    path(
        "connections/<str:connection_id>",
        apis.ConnectionDetailApi.as_view(),
        name="connection-detail",
    ),
    path(
        "connections/<str:connection_id>/alias",
        apis.ConnectionAliasApi.as_view(),
        name="connection-alias",
    ),
    path(
        "connections/<str:connection_id>/tags",
        apis.ConnectionTagsApi.as_view(),
        name="connection-tags",
    ),
    path(
        "connections/<str:connection_id>/settings",
        apis.ConnectionSettingsApi.as_view(),
        name="connection-settings",
    ),
    path(
        "connections/<str:connection_id>/archive",
        apis.ConnectionArchiveApi.as_view(),
        name="connection-archive",
    ),
    path(
        "connections/<str:connection_id>/accept",
        apis.ConnectionAcceptApi.as_view(),
        name="connection-accept",
    ),
    path(
        "connections/<str:connection_id>/events",
        apis.ConnectionEventListApi.as_view(),
        name="connection-events",
    ),
    path(
        "businesses/<str:business_id>/connections",
        apis.BusinessConnectionListApi.as_view(),
        name="business-connection-list",
    ),
    path("businesses/<str:business_id>/tags", apis.TagListApi.as_view(), name="tag-list"),
    path("tags/<str:tag_id>", apis.TagDetailApi.as_view(), name="tag-detail"),
]
