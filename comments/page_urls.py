"""Pages of comments (the API's routes are in ``comments.urls``)."""

from django.urls import path

from comments import views

B = "b/<str:business_id>/"

urlpatterns = [
    path(B + "conversation/<str:payable_id>", views.comment_post, name="comment-post"),
    path(B + "comments/<str:comment_id>/edit", views.comment_edit, name="comment-edit"),
    path(B + "comments/<str:comment_id>/delete", views.comment_delete, name="comment-delete"),
]
