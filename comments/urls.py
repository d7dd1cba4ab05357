from django.urls import path

from comments import apis

urlpatterns = [
    path(
        "payables/<str:payable_id>/comments",
        apis.PayableCommentListApi.as_view(),
        name="payable-comments",
    ),
    path("comments/<str:comment_id>", apis.CommentDetailApi.as_view(), name="comment-detail"),
]
