"""
Approving or declining from the approval e-mail (``approvals.email_links`` makes and reads
the links): the one action a link allows, for its addressee, without a session.

Opening a link (a GET) only reads: mail scanners follow links. Confirming (a POST) locks the
link's row, checks it again, runs the same service an approval in the app runs, as the
addressee, and spends the link, all in one transaction: two confirmations of one link cannot
both act, and a refused action leaves the link as it was. Lock order: the link, then the
payable (the service's).
"""

from dataclasses import dataclass

from django.db import transaction
from rest_framework.exceptions import APIException, ValidationError

from approvals.email_links import (
    LinkAction,
    LinkProblem,
    LinkRefused,
    email_link_read,
    email_link_spend,
)
from cleopay.core.ids import is_public_id
from payables.models import Payable
from payables.services import payable_approve, payable_decline


@dataclass(frozen=True)
class EmailApproval:
    """What a valid link offers: ``action`` on ``payable``, by ``user``."""

    payable: Payable
    user: object
    action: LinkAction
    on_behalf_of: str = ""


def _awaits(user, payable: Payable) -> bool:
    return (
        Payable.objects.awaiting_approval_by(user, payable.payer_id).filter(pk=payable.pk).exists()
    )


def email_approval_open(*, payable_id: str, token: str, viewer=None) -> EmailApproval:
    """What the link offers, or ``LinkRefused`` (``LinkProblem``) saying why it does nothing."""
    if not is_public_id(payable_id, "pay"):
        raise LinkRefused(LinkProblem.INVALID)
    link, action = email_link_read(token=token, payable_id=payable_id, viewer=viewer)
    payable = Payable.objects.select_related("payee", "payer").get(pk=payable_id)
    if not _awaits(link.user, payable):
        raise LinkRefused(LinkProblem.STALE, link)
    return EmailApproval(payable=payable, user=link.user, action=action)


@transaction.atomic
def email_approval_confirm(
    *, payable_id: str, token: str, viewer=None, reason: str = ""
) -> EmailApproval:
    """Approve or decline (with ``reason``) as the link's addressee, once.

    ``LinkRefused`` when the link does nothing (any more); a ``ValidationError`` for a decline
    without a reason (the link stays usable); the services' refusals (the payable moved on,
    the person may no longer approve it) are ``LinkProblem.STALE``.
    """
    if not is_public_id(payable_id, "pay"):
        raise LinkRefused(LinkProblem.INVALID)
    link, action = email_link_read(
        token=token, payable_id=payable_id, viewer=viewer, for_update=True
    )
    if action == LinkAction.DECLINE and not (reason or "").strip():
        raise ValidationError({"reason": ["A reason is required to decline a payable."]})
    try:
        with transaction.atomic():
            if action == LinkAction.APPROVE:
                payable = payable_approve(payable_id=payable_id, actor=link.user)
            else:
                payable = payable_decline(payable_id=payable_id, actor=link.user, reason=reason)
    except APIException:  # PermissionDenied, NotFound, InvalidTransition: it moved on
        raise LinkRefused(LinkProblem.STALE, link) from None
    email_link_spend(link, action)
    return EmailApproval(payable=payable, user=link.user, action=action)
