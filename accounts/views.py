"""Pages of the accounts app: sign up, log in and out, password reset, the first business, and
the settings of a business that are about people (members, the default approval action) and of
the person (API tokens). Thin: the API's input serializers and the same services."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from knox.settings import knox_settings

from accounts import invitations, selectors, services
from accounts.invitation_views import landing
from accounts.models import DefaultApprovalAction, Role, time_zone_names
from accounts.permissions import Capability, forget_roles
from accounts.serializers import (
    BusinessCreateInput,
    BusinessSettingsInput,
    MemberAddInput,
    MemberRoleInput,
    SignupInput,
)
from cleopay.core.web import (
    business_page,
    done,
    render_confirm,
    require_capability,
    service_errors,
    validated,
)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_POST
@login_required
def logout_everywhere(request):
    """Every session of the user (this one too) ends and every API token is revoked."""
    services.user_logout_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You are logged out everywhere and your API tokens are revoked.")
    return redirect("login")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _landing(user) -> str:
    return landing(user)


@login_required
def home(request):
    return redirect(_landing(request.user))


def signup(request):
    """A new account (and, with a name, the business it owns); logged in at once."""
    if request.user.is_authenticated:
        return redirect(_landing(request.user))
    # The link of an invitation e-mail names the invited address.
    values = {"email": request.GET.get("email", "")[:254]}
    problems = None
    if request.method == "POST":
        values = {
            key: request.POST.get(key, "")
            for key in ("email", "password", "businessName", "fullName")
        }
        with service_errors() as problems:
            data = validated(SignupInput, values)
            user, _business, _token = services.user_signup(
                email=data["email"],
                password=data["password"],
                business_name=data.get("businessName") or None,
                full_name=data.get("fullName", ""),
                issue_token=False,
            )
        if not problems:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to Cleo Pay. We sent a link to {user.email}: follow it to verify it.",
            )
            return redirect(_landing(user))
        values.pop("password")
    return render(
        request,
        "registration/signup.html",
        {"values": values, "problems": problems},
        status=problems.status if problems else 200,
    )


@login_required
def business_new(request):
    """Create a business the user owns (the first one, or another)."""
    problems = None
    name = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        with service_errors() as problems:
            data = validated(BusinessCreateInput, {"name": name})
            business = services.business_create(name=data["name"], owner=request.user)
        if not problems:
            messages.success(request, f"{business.name} is ready.")
            return redirect("inbox", business_id=business.pk)
    has_any = selectors.me_memberships(user=request.user).exists()
    return render(
        request,
        "accounts/business_new.html",
        {"name": name, "problems": problems, "has_any": has_any},
        status=problems.status if problems else 200,
    )


# --- settings: members -----------------------------------------------------------------------------

ROLE_CHOICES = Role.choices
ROLE_HELP = {
    Role.OWNER: "Everything, including owners and members.",
    Role.ADMIN: "Everything but granting the owner role: connections, workflows, paying.",
    Role.ACCOUNTANT: "Writes and sends invoices; manages tags and aliases.",
    Role.APPROVER: "Approves or declines incoming payables.",
    Role.VIEWER: "Reads everything, changes nothing.",
}


@business_page()
def settings_index(request, business_id: str):
    return redirect("settings-members", business_id=business_id)


@business_page()
def settings_members(request, business_id: str):
    """The team: members and their roles, open invitations; owners and admins add people."""
    problems = None
    values = {"role": Role.ACCOUNTANT}
    if request.method == "POST":
        require_capability(request, Capability.ADMINISTER)
        values = {"email": request.POST.get("email", ""), "role": request.POST.get("role", "")}
        with service_errors() as problems:
            data = validated(MemberAddInput, values)
            invitations.member_invite(
                business_id=business_id,
                email=data["email"],
                role=data["role"],
                actor=request.user,
            )
        if not problems:
            messages.success(
                request, f"Invitation sent to {data['email']}; they join when they accept it."
            )
            return redirect("settings-members", business_id=business_id)
    context = {
        "memberships": selectors.membership_list(business_id=business_id),
        "invitations": selectors.invitation_list(business_id=business_id),
        "role_choices": ROLE_CHOICES,
        "role_help": [(label, ROLE_HELP[value]) for value, label in ROLE_CHOICES],
        "values": values,
        "problems": problems,
        "section": "members",
    }
    return render(
        request, "settings/members.html", context, status=problems.status if problems else 200
    )


def _membership_or_404(business_id: str, user_id: str):
    membership = selectors.membership_list(business_id=business_id).filter(user_id=user_id).first()
    if membership is None:
        raise Http404("Not found.")
    return membership


@require_POST
@business_page(Capability.ADMINISTER)
def member_role(request, business_id: str, user_id: str):
    membership = _membership_or_404(business_id, user_id)
    with service_errors() as problems:
        data = validated(MemberRoleInput, {"role": request.POST.get("role", "")})
        services.member_change_role(
            business_id=business_id,
            user_id=user_id,
            role=data["role"],
            actor=request.user,
        )
    forget_roles(request.user)
    if problems:
        for message in problems.general + [m for ms in problems.fields.values() for m in ms]:
            messages.error(request, message)
    else:
        messages.success(request, f"{membership.user.email} is now {data['role']}.")
    return redirect("settings-members", business_id=business_id)


@business_page(Capability.ADMINISTER)
def member_remove(request, business_id: str, user_id: str):
    membership = _membership_or_404(business_id, user_id)
    back = reverse("settings-members", kwargs={"business_id": business_id})
    problems = None
    if request.method == "POST":
        with service_errors() as problems:
            services.member_remove(business_id=business_id, user_id=user_id, actor=request.user)
        forget_roles(request.user)
        if not problems:
            if user_id == request.user.pk:
                messages.success(request, "You left the business.")
                return redirect("home")
            return done(request, f"{membership.user.email} no longer belongs here.", back)
    return render_confirm(
        request,
        title=f"Remove {membership.user.email}?",
        text="They lose access to this business at once. Their past actions stay in every timeline.",
        action_url=request.path,
        button="Remove member",
        danger=True,
        next_url=back,
        problems=problems,
    )


@require_POST
@business_page(Capability.ADMINISTER)
def invitation_revoke(request, business_id: str, invitation_id: str):
    with service_errors():
        invitations.invitation_revoke(
            business_id=business_id, invitation_id=invitation_id, actor=request.user
        )
    messages.success(request, "Invitation withdrawn.")
    return redirect("settings-members", business_id=business_id)


# --- settings: approvals default -------------------------------------------------------------------


@business_page()
def settings_approvals(request, business_id: str):
    """What happens to an incoming payable no approval workflow matches."""
    business = selectors.business_get(user=request.user, business_id=business_id)
    problems = None
    if request.method == "POST":
        require_capability(request, Capability.ADMINISTER)
        with service_errors() as problems:
            data = validated(
                BusinessSettingsInput,
                {
                    "defaultApprovalAction": request.POST.get("defaultApprovalAction", ""),
                    "requireSeparatePayer": request.POST.get("requireSeparatePayer") == "on",
                    "approvalRemindAfterHours": request.POST.get("approvalRemindAfterHours")
                    or None,
                    "approvalEscalateAfterHours": request.POST.get("approvalEscalateAfterHours")
                    or None,
                },
            )
            services.business_update_settings(
                business_id=business_id,
                actor=request.user,
                default_approval_action=data["defaultApprovalAction"],
                require_separate_payer=data["requireSeparatePayer"],
                approval_reminders={
                    "approval_remind_after_hours": data["approval_remind_after_hours"],
                    "approval_escalate_after_hours": data["approval_escalate_after_hours"],
                },
            )
        if not problems:
            messages.success(request, "Approval settings saved.")
            return redirect("settings-approvals", business_id=business_id)
    context = {
        "current": business.default_approval_action,
        "separate_payer": business.require_separate_payer,
        "remind_after": request.POST.get("approvalRemindAfterHours", "")
        if problems
        else business.approval_remind_after_hours or "",
        "escalate_after": request.POST.get("approvalEscalateAfterHours", "")
        if problems
        else business.approval_escalate_after_hours or "",
        "choices": DefaultApprovalAction.choices,
        "problems": problems,
        "section": "approvals",
    }
    return render(
        request, "settings/approvals.html", context, status=problems.status if problems else 200
    )


# --- settings: API tokens (the person's, shown under any of their businesses) ----------------------


@business_page()
def settings_profile(request, business_id: str):
    """The user's own settings: the time zone pages and e-mails show times in."""
    problems = None
    if request.method == "POST":
        with service_errors() as problems:
            services.user_set_time_zone(
                user=request.user, time_zone=request.POST.get("timeZone", "")
            )
        if not problems:
            messages.success(request, "Time zone saved.")
            return redirect("settings-profile", business_id=business_id)
    context = {
        "section": "profile",
        "problems": problems,
        "time_zone": request.POST.get("timeZone", "") if problems else request.user.time_zone,
        "time_zones": [(name, name.replace("_", " ")) for name in time_zone_names()],
    }
    return render(
        request, "settings/profile.html", context, status=problems.status if problems else 200
    )


@never_cache
@business_page()
def settings_tokens(request, business_id: str):
    """The user's API tokens: create one (its secret shown once, on this response) or revoke."""
    new_token = None
    if request.method == "POST":
        new_token = services.token_create(user=request.user)
    context = {
        "tokens": selectors.token_list(user=request.user),
        "new_token": new_token,
        "token_ttl_days": knox_settings.TOKEN_TTL.days,
        "section": "tokens",
    }
    return render(request, "settings/tokens.html", context)


@business_page()
def token_revoke(request, business_id: str, token_key: str):
    back = reverse("settings-tokens", kwargs={"business_id": business_id})
    if request.method == "POST":
        with service_errors():
            services.token_revoke(user=request.user, token_key=token_key)
        return done(request, f"Token {token_key}… revoked: it no longer works.", back)
    if not selectors.token_list(user=request.user).filter(token_key=token_key).exists():
        raise Http404("Not found.")
    return render_confirm(
        request,
        title=f"Revoke token {token_key}…?",
        text="Scripts using it stop working at once. This cannot be undone.",
        action_url=request.path,
        button="Revoke token",
        danger=True,
        next_url=back,
    )
