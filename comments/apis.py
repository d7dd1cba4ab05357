"""Comments endpoints (docs/api/comments.md): thin views over ``selectors`` and ``services``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cleopay.api.views import ApiView
from comments import selectors, services
from comments.serializers import CommentCreateInput, CommentEditInput, CommentSerializer

BUSINESS_PARAM = OpenApiParameter(
    "businessId",
    OpenApiTypes.STR,
    description="For a member of both sides: the business to read (or write) as.",
)


def _prefer(request) -> str | None:
    return request.query_params.get("businessId") or None


def _body(comment) -> dict:
    return CommentSerializer(comment).data


class PayableCommentListApi(ApiView):
    @extend_schema(
        operation_id="payables_comments_list",
        parameters=[BUSINESS_PARAM],
        responses={200: CommentSerializer(many=True)},
        description="The payable's conversation, oldest first: shared comments and the "
        "caller's business's internal ones.",
    )
    def get(self, request, payable_id: str):
        queryset = selectors.comment_list(
            user=request.user, payable_id=payable_id, prefer=_prefer(request)
        )
        return self.paginate(queryset, lambda rows: [_body(row) for row in rows])

    @extend_schema(
        operation_id="payables_comments_create",
        parameters=[BUSINESS_PARAM],
        request=CommentCreateInput,
        responses={201: CommentSerializer},
        description="Comment on a payable the caller's business sees (not viewers).",
    )
    def post(self, request, payable_id: str):
        data = CommentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            payable_id=payable_id,
            actor=request.user,
            business_id=_prefer(request),
            **data.validated_data,
        )
        return Response(_body(comment), status=status.HTTP_201_CREATED)


class CommentDetailApi(ApiView):
    @extend_schema(operation_id="comments_retrieve", responses={200: CommentSerializer})
    def get(self, request, comment_id: str):
        comment, _seen_from = selectors.comment_find(user=request.user, comment_id=comment_id)
        return Response(_body(comment))

    @extend_schema(
        operation_id="comments_update",
        request=CommentEditInput,
        responses={200: CommentSerializer},
        description="The author edits the text; the earlier text stays in `versions`.",
    )
    def patch(self, request, comment_id: str):
        data = CommentEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_edit(
            comment_id=comment_id, actor=request.user, body=data.validated_data["body"]
        )
        return Response(_body(comment))

    @extend_schema(
        operation_id="comments_destroy",
        request=None,
        responses={204: None},
        description="The author deletes the comment: a tombstone (`deletedAt`, no text) stays.",
    )
    def delete(self, request, comment_id: str):
        services.comment_delete(comment_id=comment_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
