"""Pages of the accounts app (the API's routes are in ``accounts.urls``)."""

from django.urls import path

from accounts import invitation_views, views

B = "b/<str:business_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("logout-everywhere", views.logout_everywhere, name="logout-everywhere"),
    path("signup", views.signup, name="signup"),
    path("password-reset", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent", views.PasswordResetDoneView.as_view(), name="password-reset-sent"),
    path(
        "reset/<uidb64>/<token>",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("businesses/new", views.business_new, name="business-new"),
    path("invitations", invitation_views.invitation_list, name="invitations"),
    path(
        "invitations/<str:invitation_id>/accept",
        invitation_views.invitation_accept,
        name="invitation-accept",
    ),
    path(
        "invitations/<str:invitation_id>/decline",
        invitation_views.invitation_decline,
        name="invitation-decline",
    ),
    path("verify-email/resend", invitation_views.verify_email_resend, name="verify-email-resend"),
    path("verify-email/<str:token>", invitation_views.verify_email, name="verify-email"),
    path(B + "settings", views.settings_index, name="settings"),
    path(B + "settings/members", views.settings_members, name="settings-members"),
    path(
        B + "settings/members/<str:user_id>/role",
        views.member_role,
        name="settings-member-role",
    ),
    path(
        B + "settings/members/<str:user_id>/remove",
        views.member_remove,
        name="settings-member-remove",
    ),
    path(
        B + "settings/invitations/<str:invitation_id>/withdraw",
        views.invitation_revoke,
        name="settings-invitation-revoke",
    ),
    path(B + "settings/approvals", views.settings_approvals, name="settings-approvals"),
    path(B + "settings/profile", views.settings_profile, name="settings-profile"),
    path(B + "settings/tokens", views.settings_tokens, name="settings-tokens"),
    path(
        B + "settings/tokens/<str:token_key>/revoke",
        views.token_revoke,
        name="settings-token-revoke",
    ),
]
