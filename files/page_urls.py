"""Pages of files (the API's routes are in ``files.urls``)."""

from django.urls import path

from files import views

urlpatterns = [
    path("b/<str:business_id>/files/<str:file_id>", views.file_download, name="file-download"),
]
