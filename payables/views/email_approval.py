"""The page an approval e-mail's approve or decline link opens (``payables.email_approval``):
no session needed, one action, a confirmation first, a friendly page for a link that does
nothing."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from approvals.email_links import LinkAction, LinkProblem, LinkRefused
from cleopay.core.web import service_errors
from payables.email_approval import email_approval_confirm, email_approval_open

# What each refusal tells the person, in their words.
PROBLEMS = {
    LinkProblem.INVALID: (
        "This link does not work",
        "It may have been cut short or changed on the way. Open the invoice in Cleo Pay to "
        "approve or decline it.",
    ),
    LinkProblem.WRONG_PAYABLE: (
        "This link is for another invoice",
        "Use the link from the e-mail about this invoice, or open it in Cleo Pay.",
    ),
    LinkProblem.WRONG_USER: (
        "This link was sent to someone else",
        "You are signed in as another person than the one this link was e-mailed to. Only "
        "its addressee can use it; sign out first if it is yours.",
    ),
    LinkProblem.USED: (
        "This link was already used",
        "Each approval e-mail's links work once. Open the invoice in Cleo Pay to see where "
        "it stands.",
    ),
    LinkProblem.EXPIRED: (
        "This link has expired",
        "Approval links work for 72 hours. Open the invoice in Cleo Pay to approve or decline it.",
    ),
    LinkProblem.STALE: (
        "This invoice no longer awaits your approval",
        "It was decided, cancelled, resubmitted or moved to another step since the e-mail "
        "was sent, or your role changed. Open it in Cleo Pay to see where it stands.",
    ),
}


def _problem(request, refused: LinkRefused):
    title, text = PROBLEMS[refused.problem]
    return render(
        request,
        "payables/email_approval_problem.html",
        {"title": title, "text": text, "problem": refused.problem.value},
        status=410 if refused.problem in (LinkProblem.USED, LinkProblem.EXPIRED) else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_approval(request, payable_id: str, token: str):
    """GET shows what the link would do; POST does it (a decline with its reason)."""
    viewer = request.user if request.user.is_authenticated else None
    problems = None
    try:
        offer = email_approval_open(payable_id=payable_id, token=token, viewer=viewer)
        if request.method == "POST":
            reason = request.POST.get("reason", "")
            with service_errors() as problems:
                done = email_approval_confirm(
                    payable_id=payable_id, token=token, viewer=viewer, reason=reason
                )
            if not problems:
                return render(
                    request,
                    "payables/email_approval_done.html",
                    {"payable": done.payable, "action": done.action},
                )
    except LinkRefused as refused:
        return _problem(request, refused)
    return render(
        request,
        "payables/email_approval.html",
        {
            "payable": offer.payable,
            "addressee": offer.user,
            "action": offer.action,
            "decline": offer.action == LinkAction.DECLINE,
            "problems": problems,
            "values": {"reason": request.POST.get("reason", "")},
            "reason_required": True,
            "action_url": request.path,
        },
        status=problems.status if problems else 200,
    )
