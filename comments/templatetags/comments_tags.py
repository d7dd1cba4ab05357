"""The conversation on a payable's page: ``{% payable_conversation payable business.id %}``
in the payables' detail template (payables renders it without importing comments)."""

from django import template

from comments.models import CommentVisibility
from comments.selectors import conversation

register = template.Library()


@register.inclusion_tag("comments/_conversation.html", takes_context=True)
def payable_conversation(context, payable, business_id: str):
    """The comments ``business_id`` reads on ``payable`` (the page checked that it sees it),
    and the form when the user's role may comment. Two queries, whatever their number."""
    request = context["request"]
    can = context.get("can") or {}
    comments = list(conversation(payable_id=payable.pk, business_id=business_id))
    return {
        "request": request,
        "business_id": business_id,
        "payable": payable,
        "comments": comments,
        "can_comment": bool(can.get("comment")),
        "user": request.user,
        "other_name": payable.payer.name if business_id == payable.payee_id else payable.payee.name,
        "internal": CommentVisibility.INTERNAL,
        "csrf_token": context.get("csrf_token"),
    }
