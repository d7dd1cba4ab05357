"""
Approve or decline from the approval e-mail: signed, single-use, 72-hour links for one approver
and one payable (docs/api/approvals.md, "Approval by e-mail").

Each approval e-mail gets one ``ApprovalEmailLink`` row (its review round, its addressee, when
it expires, when it was used) and two tokens, ``approve`` and ``decline``: the row's ID and the
action signed with the ``SECRET_KEY`` (``django.core.signing``, salted). A token of another
shape, a changed character or another key fails the signature; the row makes the pair work
once (the first use spends both) and until ``expires_at``. What the link may do is decided
again when it is used, as for any approval of that person (``payables.email_approval``).
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.core import signing
from django.utils import timezone

from approvals.models import ApprovalEmailLink, ApprovalRequest, ApprovalRequestStatus
from cleopay.core.ids import is_public_id

SALT = "cleopay.approvals.email-link"
LINK_TTL = timedelta(hours=72)


class LinkAction(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


class LinkProblem(StrEnum):
    """Why a link does nothing, each explained on its own page."""

    INVALID = "invalid"  # not a token we signed, or its row is gone
    WRONG_PAYABLE = "wrong_payable"  # signed for another payable than the page's
    WRONG_USER = "wrong_user"  # someone else is signed in
    USED = "used"
    EXPIRED = "expired"
    STALE = "stale"  # the payable no longer awaits this person (decided, resubmitted...)


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem, link: ApprovalEmailLink | None = None):
        super().__init__(problem.value)
        self.problem = problem
        self.link = link


@dataclass(frozen=True)
class EmailLinks:
    link: ApprovalEmailLink
    approve: str
    decline: str


def email_link_issue(*, request: ApprovalRequest, user_id: str) -> EmailLinks:
    """A new pair of tokens for ``user_id`` on the review round ``request`` (one e-mail's)."""
    now = timezone.now()
    link = ApprovalEmailLink.objects.create(
        request=request, user_id=user_id, created_at=now, expires_at=now + LINK_TTL
    )
    return EmailLinks(
        link=link,
        approve=email_link_token(link, LinkAction.APPROVE),
        decline=email_link_token(link, LinkAction.DECLINE),
    )


def email_link_token(link: ApprovalEmailLink, action: LinkAction) -> str:
    return signing.dumps([link.pk, str(action)], salt=SALT)


def email_link_pending_request(*, payable_id: str) -> ApprovalRequest | None:
    """The review round an approval e-mail about ``payable_id`` is for, while it is pending."""
    return ApprovalRequest.objects.filter(
        payable_id=payable_id, status=ApprovalRequestStatus.PENDING
    ).first()


def email_link_read(
    *, token: str, payable_id: str, viewer=None, for_update: bool = False
) -> tuple[ApprovalEmailLink, LinkAction]:
    """The link and the action ``token`` carries, or ``LinkRefused`` saying why not.

    ``viewer``: the person signed in on this browser, if anyone; a link works for its
    addressee only. ``for_update``: lock the row (the caller is about to use it).
    """
    try:
        link_id, action = signing.loads(token, salt=SALT)
        action = LinkAction(action)
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(LinkProblem.INVALID) from None
    if not is_public_id(link_id, "apl"):
        raise LinkRefused(LinkProblem.INVALID)
    rows = ApprovalEmailLink.objects.select_related("request", "user")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(pk=link_id).first()
    if link is None:
        raise LinkRefused(LinkProblem.INVALID)
    if link.request.payable_id != payable_id:
        raise LinkRefused(LinkProblem.WRONG_PAYABLE, link)
    if viewer is not None and viewer.is_authenticated and viewer.pk != link.user_id:
        raise LinkRefused(LinkProblem.WRONG_USER, link)
    if link.used_at is not None:
        raise LinkRefused(LinkProblem.USED, link)
    if timezone.now() >= link.expires_at:
        raise LinkRefused(LinkProblem.EXPIRED, link)
    if link.request.status != ApprovalRequestStatus.PENDING or not link.user.is_active:
        raise LinkRefused(LinkProblem.STALE, link)
    return link, action


def email_link_spend(link: ApprovalEmailLink, action: LinkAction) -> None:
    """Mark the pair used (the caller holds the row's lock, from ``email_link_read``)."""
    link.used_at = timezone.now()
    link.used_action = str(action)
    link.save(update_fields=["used_at", "used_action"])
