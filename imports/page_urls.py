"""Pages of imports (the API's routes are in ``imports.urls``)."""

from django.urls import path

from imports import views

B = "b/<str:business_id>/"

urlpatterns = [
    path(B + "invoices/import", views.imports_page, name="invoice-import"),
    path(B + "imports/<str:import_id>", views.import_page, name="import-page"),
]
