"""Pages of credits (the API's routes are in ``credits.urls``)."""

from django.urls import path

from credits import views

B = "b/<str:business_id>/"

urlpatterns = [
    path(B + "credits", views.credits_page, name="credits"),
    path(B + "credits/<str:credit_id>/void", views.credit_void, name="credit-void-page"),
    path(B + "credits/apply/<str:payable_id>", views.credit_apply, name="credit-apply"),
]
