from django.urls import path

from credits import apis

urlpatterns = [
    path("businesses/<str:business_id>/credits", apis.CreditListApi.as_view(), name="credit-list"),
    path("credits/<str:credit_id>/void", apis.CreditVoidApi.as_view(), name="credit-void"),
    path(
        "payables/<str:payable_id>/apply-credit",
        apis.PayableApplyCreditApi.as_view(),
        name="payable-apply-credit",
    ),
]
