"""Pages of the invitee: the invitations addressed to me (the first page after logging in while
any wait), accepting or declining one, and verifying my e-mail address. The same selectors and
services as the API (``accounts.invitations``, ``accounts.verification``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import invitations, selectors, verification
from cleopay.core.web import service_errors


def landing(user) -> str:
    """Where a logged-in user starts: their open invitations, if any wait (or, before the
    address is verified, the page that says so when they have no business yet); else the
    home of their first business (the list where its work is), or creating one."""
    first = selectors.me_memberships(user=user).first()
    if selectors.my_invitations(user=user, limit=1) or (first is None and not user.email_verified):
        return reverse("invitations")
    if first is None:
        return reverse("business-new")
    return reverse("business-home", kwargs={"business_id": first.business_id})


@login_required
def invitation_list(request):
    context = {
        "invitations": selectors.my_invitations(user=request.user),
        "has_business": selectors.me_memberships(user=request.user).exists(),
    }
    return render(request, "accounts/invitations.html", context)


def _show_problems(request, problems) -> None:
    for message in problems.general + [m for ms in problems.fields.values() for m in ms]:
        messages.error(request, message)


@require_POST
@login_required
def invitation_accept(request, invitation_id: str):
    with service_errors() as problems:
        membership = invitations.member_invitation_accept(
            user=request.user, invitation_id=invitation_id
        )
    if problems:
        _show_problems(request, problems)
        return redirect("invitations")
    messages.success(
        request,
        f"You joined {membership.business.name} as {membership.get_role_display().lower()}.",
    )
    return redirect("inbox", business_id=membership.business_id)


@require_POST
@login_required
def invitation_decline(request, invitation_id: str):
    with service_errors() as problems:
        invitations.member_invitation_decline(user=request.user, invitation_id=invitation_id)
    if problems:
        _show_problems(request, problems)
    else:
        messages.success(request, "Invitation declined.")
    return redirect("invitations")


def verify_email(request, token: str):
    """The link of the verification e-mail: a button that verifies (a GET changes nothing, so
    a mail scanner following the link does not verify on the person's behalf)."""
    problems = None
    if request.method == "POST":
        with service_errors() as problems:
            user = verification.email_verify(token=token)
        if not problems:
            messages.success(request, f"{user.email} is verified.")
            if request.user.is_authenticated and request.user.pk == user.pk:
                request.user.email_verified_at = user.email_verified_at
                return redirect(landing(request.user))
            return redirect("login")
    return render(
        request,
        "accounts/verify_email.html",
        {"action_url": request.path, "problems": problems},
        status=problems.status if problems else 200,
    )


@require_POST
@login_required
def verify_email_resend(request):
    if request.user.email_verified:
        messages.success(request, "Your e-mail address is already verified.")
    else:
        verification.email_verification_send(user=request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("invitations")
