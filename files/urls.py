from django.urls import path

from files import apis

urlpatterns = [
    path("files", apis.FileUploadApi.as_view(), name="file-upload"),
    path("files/<str:file_id>", apis.FileDownloadApi.as_view(), name="file-download"),
]
