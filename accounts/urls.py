from django.urls import path

from accounts import apis

urlpatterns = [
    path("auth/signup", apis.SignupApi.as_view(), name="auth-signup"),
    path("auth/token", apis.TokenApi.as_view(), name="auth-token"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all", apis.LogoutAllApi.as_view(), name="auth-logout-all"),
    path("auth/tokens", apis.TokenListApi.as_view(), name="auth-tokens"),
    path("auth/tokens/<str:token_key>", apis.TokenDetailApi.as_view(), name="auth-token-detail"),
    path("auth/verify-email", apis.EmailVerifyApi.as_view(), name="auth-verify-email"),
    path(
        "auth/verify-email/resend",
        apis.EmailVerificationResendApi.as_view(),
        name="auth-verify-email-resend",
    ),
    path("me", apis.MeApi.as_view(), name="me"),
    path("me/invitations", apis.MyInvitationListApi.as_view(), name="me-invitations"),
    path(
        "member-invitations/<str:invitation_id>/accept",
        apis.MemberInvitationAcceptApi.as_view(),
        name="member-invitation-accept",
    ),
    path(
        "member-invitations/<str:invitation_id>/decline",
        apis.MemberInvitationDeclineApi.as_view(),
        name="member-invitation-decline",
    ),
    path("businesses", apis.BusinessListApi.as_view(), name="business-list"),
    path("businesses/<str:business_id>", apis.BusinessDetailApi.as_view(), name="business-detail"),
    path(
        "businesses/<str:business_id>/settings",
        apis.BusinessSettingsApi.as_view(),
        name="business-settings",
    ),
    path("businesses/<str:business_id>/members", apis.MemberListApi.as_view(), name="member-list"),
    path(
        "businesses/<str:business_id>/members/<str:user_id>",
        apis.MemberDetailApi.as_view(),
        name="member-detail",
    ),
    path(
        "businesses/<str:business_id>/invitations",
        apis.InvitationListApi.as_view(),
        name="invitation-list",
    ),
    path(
        "businesses/<str:business_id>/invitations/<str:invitation_id>",
        apis.InvitationDetailApi.as_view(),
        name="invitation-detail",
    ),
]
