"""The conversation's forms on a payable's page (the list itself is rendered by
``comments.templatetags.comments_tags`` inside the payables' detail template)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cleopay.core.ids import require_id_shape
from cleopay.core.web import business_page, service_errors
from comments import selectors, services


def _back(business_id: str, payable_id: str):
    return redirect("payable-detail", business_id=business_id, payable_id=payable_id)


def _report(request, problems, success: str) -> None:
    if problems:
        for name, found in problems.fields.items():
            for message in found:
                messages.error(request, f"Comment {name}: {message}" if name else message)
        for message in problems.general:
            messages.error(request, message)
    else:
        messages.success(request, success)


@require_POST
@business_page("comment")
def comment_post(request, business_id: str, payable_id: str):
    require_id_shape(payable_id, "pay")
    with service_errors() as problems:
        services.comment_create(
            payable_id=payable_id,
            actor=request.user,
            business_id=business_id,
            body=request.POST.get("body", ""),
            visibility=request.POST.get("visibility", ""),
        )
    _report(request, problems, "Comment posted.")
    return _back(business_id, payable_id)


def _own_comment_payable(request, business_id: str, comment_id: str) -> str:
    """The payable of a comment this business reads (404 otherwise)."""
    with service_errors():
        comment, _seen_from = selectors.comment_find(user=request.user, comment_id=comment_id)
    return comment.payable_id


@require_POST
@business_page("comment")
def comment_edit(request, business_id: str, comment_id: str):
    payable_id = _own_comment_payable(request, business_id, comment_id)
    with service_errors() as problems:
        services.comment_edit(
            comment_id=comment_id, actor=request.user, body=request.POST.get("body", "")
        )
    _report(request, problems, "Comment edited; the earlier text stays visible.")
    return _back(business_id, payable_id)


@require_POST
@business_page("comment")
def comment_delete(request, business_id: str, comment_id: str):
    payable_id = _own_comment_payable(request, business_id, comment_id)
    with service_errors() as problems:
        services.comment_delete(comment_id=comment_id, actor=request.user)
    _report(request, problems, "Comment deleted.")
    return _back(business_id, payable_id)
