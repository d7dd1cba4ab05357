"""Accounts endpoints (docs/api/accounts.md): sign-up, tokens, /api/me, businesses, settings, members."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from accounts import invitations, selectors, services, verification
from accounts.models import Business, Membership
from accounts.permissions import Capability, forget_roles
from accounts.serializers import (
    BusinessCreateInput,
    BusinessSerializer,
    BusinessSettingsInput,
    EmailVerifiedOutput,
    EmailVerifyInput,
    InvitationSerializer,
    MemberAddInput,
    MemberRoleInput,
    MemberSerializer,
    MeSerializer,
    MyInvitationSerializer,
    SignupInput,
    SignupOutput,
    TokenInfoSerializer,
    TokenInput,
    TokenOutput,
)
from cleopay.api.views import ApiView, BusinessApiView
from cleopay.core.api.throttling import AuthRateThrottle
from cleopay.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, _parse_non_negative


class SignupApi(ApiView):
    # Idempotency keys belong to a user; before sign-up there is none, so the header is ignored.
    idempotent = False
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        operation_id="auth_signup",
        request=SignupInput,
        responses={201: SignupOutput},
        auth=[],
    )
    def post(self, request):
        data = SignupInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, business, token = services.user_signup(
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            business_name=data.validated_data.get("businessName") or None,
            full_name=data.validated_data.get("fullName", ""),
        )
        body = {"user": user, "business": business, "token": token}
        return Response(SignupOutput(body).data, status=status.HTTP_201_CREATED)


class TokenApi(ApiView):
    idempotent = False
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        operation_id="auth_token", request=TokenInput, responses={200: TokenOutput}, auth=[]
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token = services.token_obtain(**data.validated_data, request=request._request)
        return Response({"token": token})


class TokenListApi(ApiView):
    @extend_schema(operation_id="auth_tokens_list", responses={200: TokenInfoSerializer(many=True)})
    def get(self, request):
        return self.paginate(
            selectors.token_list(user=request.user),
            lambda rows: TokenInfoSerializer(rows, many=True).data,
        )


class TokenDetailApi(ApiView):
    @extend_schema(operation_id="auth_tokens_revoke", responses={204: None})
    def delete(self, request, token_key: str):
        services.token_revoke(user=request.user, token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutApi(ApiView):
    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: OpenApiResponse(description="The token of this request is revoked.")},
    )
    def post(self, request):
        if request.auth is not None and hasattr(request.auth, "token_key"):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(ApiView):
    @extend_schema(
        operation_id="auth_logout_all",
        request=None,
        responses={
            204: OpenApiResponse(
                description="Every API token of the caller (this one too) is revoked and "
                "every session of theirs ended."
            )
        },
    )
    def post(self, request):
        services.user_logout_everywhere(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(ApiView):
    @extend_schema(operation_id="me", responses={200: MeSerializer})
    def get(self, request):
        user = request.user
        body = {
            "id": user.id,
            "email": user.email,
            "email_verified": user.email_verified,
            "full_name": user.full_name,
            "memberships": selectors.me_memberships(user=user),
        }
        return Response(MeSerializer(body).data)


class BusinessListApi(ApiView):
    @extend_schema(operation_id="businesses_list", responses={200: BusinessSerializer(many=True)})
    def get(self, request):
        return self.paginate(
            selectors.business_list(user=request.user),
            lambda rows: BusinessSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="businesses_create",
        request=BusinessCreateInput,
        responses={201: BusinessSerializer},
    )
    def post(self, request):
        data = BusinessCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        business = services.business_create(name=data.validated_data["name"], owner=request.user)
        return Response(
            BusinessSerializer(
                selectors.business_get(user=request.user, business_id=business.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


def _business_or_404(user, business_id: str) -> Business:
    try:
        return selectors.business_get(user=user, business_id=business_id)
    except Business.DoesNotExist:
        raise NotFound("Not found.") from None


class BusinessDetailApi(BusinessApiView):
    @extend_schema(operation_id="businesses_retrieve", responses={200: BusinessSerializer})
    def get(self, request, business_id: str):
        return Response(BusinessSerializer(_business_or_404(request.user, business_id)).data)


class BusinessSettingsApi(BusinessApiView):
    capabilities = {"PATCH": Capability.ADMINISTER}

    @extend_schema(
        operation_id="businesses_settings_update",
        request=BusinessSettingsInput,
        responses={200: BusinessSerializer},
    )
    def patch(self, request, business_id: str):
        data = BusinessSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.business_update_settings(
            business_id=business_id,
            actor=request.user,
            default_approval_action=data.validated_data.get("defaultApprovalAction"),
            require_separate_payer=data.validated_data.get("requireSeparatePayer"),
            approval_reminders={
                name: data.validated_data[name]
                for name in ("approval_remind_after_hours", "approval_escalate_after_hours")
                if name in data.validated_data
            },
        )
        return Response(BusinessSerializer(_business_or_404(request.user, business_id)).data)


class MemberListApi(BusinessApiView):
    capabilities = {"POST": Capability.ADMINISTER}

    @extend_schema(operation_id="members_list", responses={200: MemberSerializer(many=True)})
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.membership_list(business_id=business_id),
            lambda rows: MemberSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="members_add",
        description=(
            "Invites the address to join with the role. The answer is the same whether or not "
            "it has an account; the invitee accepts it (`POST /api/member-invitations/{id}/accept`)."
        ),
        request=MemberAddInput,
        responses={201: InvitationSerializer},
    )
    def post(self, request, business_id: str):
        data = MemberAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitations.member_invite(
            business_id=business_id,
            email=data.validated_data["email"],
            role=data.validated_data["role"],
            actor=request.user,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


def _membership_or_404(business_id: str, user_id: str) -> Membership:
    membership = selectors.membership_list(business_id=business_id).filter(user_id=user_id).first()
    if membership is None:
        raise NotFound("Not found.")
    return membership


class MemberDetailApi(BusinessApiView):
    capabilities = {"PATCH": Capability.ADMINISTER, "DELETE": Capability.ADMINISTER}

    @extend_schema(operation_id="members_retrieve", responses={200: MemberSerializer})
    def get(self, request, business_id: str, user_id: str):
        return Response(MemberSerializer(_membership_or_404(business_id, user_id)).data)

    @extend_schema(
        operation_id="members_update", request=MemberRoleInput, responses={200: MemberSerializer}
    )
    def patch(self, request, business_id: str, user_id: str):
        _membership_or_404(business_id, user_id)
        data = MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.member_change_role(
            business_id=business_id,
            user_id=user_id,
            role=data.validated_data["role"],
            actor=request.user,
        )
        forget_roles(request.user)
        return Response(MemberSerializer(_membership_or_404(business_id, user_id)).data)

    @extend_schema(operation_id="members_remove", responses={204: None})
    def delete(self, request, business_id: str, user_id: str):
        _membership_or_404(business_id, user_id)
        services.member_remove(business_id=business_id, user_id=user_id, actor=request.user)
        forget_roles(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListApi(BusinessApiView):
    @extend_schema(
        operation_id="invitations_list", responses={200: InvitationSerializer(many=True)}
    )
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.invitation_list(business_id=business_id),
            lambda rows: InvitationSerializer(rows, many=True).data,
        )


class InvitationDetailApi(BusinessApiView):
    capabilities = {"DELETE": Capability.ADMINISTER}

    @extend_schema(operation_id="invitations_revoke", responses={204: None})
    def delete(self, request, business_id: str, invitation_id: str):
        invitations.invitation_revoke(
            business_id=business_id, invitation_id=invitation_id, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the invitee's side, and e-mail verification ---------------------------------------------------


class MyInvitationListApi(ApiView):
    @extend_schema(
        operation_id="me_invitations",
        description=(
            "Open invitations addressed to the caller's e-mail (to join a business, or to "
            "connect with one), newest first; none until that address is verified."
        ),
        responses={200: MyInvitationSerializer(many=True)},
    )
    def get(self, request):
        # A short list read whole (one address's open invitations, at most MAX_LIMIT of each
        # kind), then cut to the page: the same limit/offset rules as every list.
        limit = min(_parse_non_negative(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        offset = _parse_non_negative(request, "offset", 0, 0, MAX_OFFSET)
        rows = selectors.my_invitations(user=request.user, limit=MAX_LIMIT)
        url = request.build_absolute_uri()
        more = len(rows) > offset + limit
        previous = replace_query_param(url, "offset", max(0, offset - limit)) if offset else None
        return Response(
            {
                "results": MyInvitationSerializer(rows[offset : offset + limit], many=True).data,
                "next": replace_query_param(url, "offset", offset + limit) if more else None,
                "previous": previous,
            }
        )


class MemberInvitationAcceptApi(ApiView):
    @extend_schema(
        operation_id="member_invitations_accept", request=None, responses={200: MemberSerializer}
    )
    def post(self, request, invitation_id: str):
        membership = invitations.member_invitation_accept(
            user=request.user, invitation_id=invitation_id
        )
        return Response(MemberSerializer(membership).data)


class MemberInvitationDeclineApi(ApiView):
    @extend_schema(operation_id="member_invitations_decline", request=None, responses={204: None})
    def post(self, request, invitation_id: str):
        invitations.member_invitation_decline(user=request.user, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyApi(ApiView):
    idempotent = False
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        operation_id="auth_verify_email",
        description="Verifies the address with the token of the link e-mailed at sign-up.",
        request=EmailVerifyInput,
        responses={200: EmailVerifiedOutput},
        auth=[],
    )
    def post(self, request):
        data = EmailVerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        verification.email_verify(token=data.validated_data["token"])
        return Response({"emailVerified": True})


class EmailVerificationResendApi(ApiView):
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        operation_id="auth_verify_email_resend",
        description="E-mails the verification link again (nothing once the address is verified).",
        request=None,
        responses={202: EmailVerifiedOutput},
    )
    def post(self, request):
        verification.email_verification_send(user=request.user)
        return Response(
            {"emailVerified": request.user.email_verified}, status=status.HTTP_202_ACCEPTED
        )
