"""Pages of connections and tags (the API's routes are in ``connections.urls``)."""

from django.urls import path

from connections import views

B = "b/<str:business_id>/"
C = B + "connections/<str:connection_id>"

urlpatterns = [
    path(B + "connections", views.connection_list_page, name="connections"),
    path(B + "connections/export.csv", views.connection_export, name="connections-export"),
    path(C, views.connection_detail, name="connection-detail"),
    path(C + "/accept", views.connection_accept, name="connection-accept"),
    path(C + "/archive", views.connection_archive, name="connection-archive"),
    path(B + "settings/tags", views.settings_tags, name="settings-tags"),
    path(B + "settings/tags/<str:tag_id>", views.tag_rename, name="settings-tag-rename"),
    path(B + "settings/tags/<str:tag_id>/delete", views.tag_delete, name="settings-tag-delete"),
]
