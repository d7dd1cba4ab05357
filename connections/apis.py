"""Connections endpoints (seed 000 and docs/api/connections.md): thin views over selectors and services.

Object routes (``/api/connections/{id}/...``, ``/api/tags/{id}``) find the object through the
caller's businesses (another business's is a 404) and pick the side the caller acts for
(``?businessId=`` when the caller belongs to both sides, else the payer); the services
authorize the caller on that side (``connections.services``). A write asks the service's
``connection_authorize`` before it reads the body, so a role that falls short is a 403 whatever
the body holds.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import Capability, roles_of
from cleopay.api.views import ApiView, BusinessApiView
from connections import examples, exports, selectors, services, tags
from connections.serializers import (
    AliasInput,
    BusinessIdQuery,
    ConnectionEventSerializer,
    ConnectionInviteInput,
    ConnectionListQuery,
    ConnectionSerializer,
    SettingsInput,
    TagIdsInput,
    TagInput,
    TagSerializer,
)

BUSINESS_ID_PARAM = OpenApiParameter(
    "businessId",
    str,
    description=(
        "Act as this business when you belong to both sides of the connection "
        "(default: the payer side; for accept, the invited side)."
    ),
)
LIST_PARAMS = [
    OpenApiParameter(
        "status", str, enum=["pending", "active", "archived"], description="Only this status."
    ),
    OpenApiParameter("tag", str, description="Only connections carrying this tag of yours."),
    OpenApiParameter(
        "search",
        str,
        description="Case-insensitive text in either business's name, the invited e-mail or your alias.",
    ),
    OpenApiParameter("businessId", str, description="Only this one of your businesses."),
]


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class ConnectionObjectApi(ApiView):
    """Base of ``/api/connections/{connection_id}/...``: the connection and the caller's side."""

    def acting(self, connection_id: str, capability: Capability | None, *, default_side=None):
        """The connection (404 unless the caller is on it) and the business the caller acts as,
        checked by the service's rule for ``capability`` when one is given (a write).

        ``default_side(connection)`` names the side a member of both sides acts for when the
        request has no ``?businessId=`` (otherwise the payer).
        """
        connection = selectors.connection_get(user=self.request.user, connection_id=connection_id)
        prefer = _query(BusinessIdQuery, self.request).get("businessId")
        if prefer is None and default_side is not None:
            prefer = default_side(connection)
        business_id = selectors.caller_business_id(
            connection=connection, user=self.request.user, prefer=prefer
        )
        if capability is not None:
            services.connection_authorize(
                connection=connection,
                actor=self.request.user,
                business_id=business_id,
                capability=capability,
            )
        return connection, business_id

    def respond(self, connection_id: str, business_id: str) -> Response:
        """The connection as ``business_id`` sees it, fresh from the database."""
        connection = selectors.connection_detail(
            user=self.request.user, connection_id=connection_id
        )
        context = {"business_ids": set(roles_of(self.request.user)), "prefer": business_id}
        return Response(ConnectionSerializer(connection, context=context).data)


def _list_context(request, query) -> dict:
    business_ids = selectors.caller_business_ids(
        user=request.user, business_id=query.get("businessId")
    )
    return {"business_ids": set(business_ids), "prefer": query.get("businessId")}


class ConnectionListApi(ApiView):
    @extend_schema(
        operation_id="connections_list",
        parameters=LIST_PARAMS,
        responses={200: ConnectionSerializer(many=True)},
    )
    def get(self, request):
        query = _query(ConnectionListQuery, request)
        context = _list_context(request, query)
        queryset = selectors.connection_list(
            business_ids=list(context["business_ids"]),
            status=query.get("status"),
            tag=query.get("tag"),
            search=query.get("search"),
        )
        return self.paginate(
            queryset, lambda rows: ConnectionSerializer(rows, many=True, context=context).data
        )


class ConnectionExportApi(ApiView):
    @extend_schema(
        operation_id="connections_export_csv",
        parameters=LIST_PARAMS,
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=str, description="One row per connection, after a header row."
            )
        },
    )
    def get(self, request):
        query = _query(ConnectionListQuery, request)
        context = _list_context(request, query)
        queryset = selectors.connection_list(
            business_ids=list(context["business_ids"]),
            status=query.get("status"),
            tag=query.get("tag"),
            search=query.get("search"),
        )
        return exports.connections_csv_response(
            queryset, business_ids=context["business_ids"], prefer=context["prefer"]
        )


class ConnectionDetailApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_retrieve",
        parameters=[BUSINESS_ID_PARAM],
        responses={200: ConnectionSerializer},
    )
    def get(self, request, connection_id: str):
        _connection, business_id = self.acting(connection_id, None)
        return self.respond(connection_id, business_id)


class ConnectionAliasApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_alias_update",
        parameters=[BUSINESS_ID_PARAM],
        request=AliasInput,
        responses={200: ConnectionSerializer},
    )
    def patch(self, request, connection_id: str):
        _connection, business_id = self.acting(connection_id, Capability.INVOICE)
        data = AliasInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.connection_set_alias(
            connection_id=connection_id,
            actor=request.user,
            business_id=business_id,
            alias=data.validated_data["alias"],
        )
        return self.respond(connection_id, business_id)


class ConnectionTagsApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_tags_update",
        parameters=[BUSINESS_ID_PARAM],
        request=TagIdsInput,
        responses={200: ConnectionSerializer},
    )
    def patch(self, request, connection_id: str):
        _connection, business_id = self.acting(connection_id, Capability.INVOICE)
        data = TagIdsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.connection_set_tags(
            connection_id=connection_id,
            actor=request.user,
            business_id=business_id,
            tag_ids=data.validated_data["tagIds"],
        )
        return self.respond(connection_id, business_id)


class ConnectionSettingsApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_settings_update",
        parameters=[BUSINESS_ID_PARAM],
        request=SettingsInput,
        responses={200: ConnectionSerializer},
    )
    def patch(self, request, connection_id: str):
        _connection, business_id = self.acting(connection_id, Capability.ADMINISTER)
        data = SettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        names = {"netTerms": "net_terms", "autoApprove": "auto_approve"}
        services.connection_update_settings(
            connection_id=connection_id,
            actor=request.user,
            business_id=business_id,
            changes={names[key]: value for key, value in data.validated_data.items()},
        )
        return self.respond(connection_id, business_id)


class ConnectionArchiveApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_archive",
        parameters=[BUSINESS_ID_PARAM],
        request=None,
        responses={200: ConnectionSerializer},
    )
    def patch(self, request, connection_id: str):
        _connection, business_id = self.acting(connection_id, Capability.ADMINISTER)
        services.connection_archive(
            connection_id=connection_id, actor=request.user, business_id=business_id
        )
        return self.respond(connection_id, business_id)


class ConnectionAcceptApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_accept",
        parameters=[BUSINESS_ID_PARAM],
        request=None,
        responses={200: ConnectionSerializer},
    )
    def post(self, request, connection_id: str):
        # A member of both sides accepts for the invited one unless told otherwise.
        _connection, business_id = self.acting(
            connection_id,
            Capability.ADMINISTER,
            default_side=lambda connection: connection.invited_business_id,
        )
        services.connection_accept(
            connection_id=connection_id, actor=request.user, business_id=business_id
        )
        return self.respond(connection_id, business_id)


class ConnectionEventListApi(ConnectionObjectApi):
    @extend_schema(
        operation_id="connections_events_list",
        parameters=[BUSINESS_ID_PARAM],
        responses={200: ConnectionEventSerializer(many=True)},
    )
    def get(self, request, connection_id: str):
        connection, business_id = self.acting(connection_id, None)
        return self.paginate(
            selectors.connection_event_list(connection=connection, business_id=business_id),
            lambda rows: ConnectionEventSerializer(rows, many=True).data,
        )


class BusinessConnectionListApi(BusinessApiView):
    capabilities = {"POST": Capability.ADMINISTER}

    @extend_schema(
        operation_id="business_connections_list",
        parameters=LIST_PARAMS[:3],
        responses={200: ConnectionSerializer(many=True)},
    )
    def get(self, request, business_id: str):
        query = _query(ConnectionListQuery, request)
        context = {"business_ids": {business_id}, "prefer": business_id}
        queryset = selectors.connection_list(
            business_ids=[business_id],
            status=query.get("status"),
            tag=query.get("tag"),
            search=query.get("search"),
        )
        return self.paginate(
            queryset, lambda rows: ConnectionSerializer(rows, many=True, context=context).data
        )

    @extend_schema(
        operation_id="connections_invite",
        request=ConnectionInviteInput,
        responses={201: ConnectionSerializer},
        examples=examples.INVITE,
    )
    def post(self, request, business_id: str):
        data = ConnectionInviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        connection = services.connection_invite(
            business_id=business_id,
            actor=request.user,
            my_role=values["myRole"],
            counterparty_business_id=values.get("counterpartyBusinessId"),
            counterparty_email=values.get("counterpartyEmail"),
            net_terms=values.get("netTerms"),
            alias=values.get("alias", ""),
        )
        connection = selectors.connection_detail(user=request.user, connection_id=connection.pk)
        context = {"business_ids": {business_id}, "prefer": business_id}
        return Response(
            ConnectionSerializer(connection, context=context).data, status=status.HTTP_201_CREATED
        )


class TagListApi(BusinessApiView):
    capabilities = {"POST": Capability.INVOICE}

    @extend_schema(operation_id="tags_list", responses={200: TagSerializer(many=True)})
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.tag_list(business_id=business_id),
            lambda rows: TagSerializer(rows, many=True).data,
        )

    @extend_schema(operation_id="tags_create", request=TagInput, responses={201: TagSerializer})
    def post(self, request, business_id: str):
        data = TagInput(data=request.data)
        data.is_valid(raise_exception=True)
        tag = tags.tag_create(
            business_id=business_id, actor=request.user, name=data.validated_data["name"]
        )
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)


class TagDetailApi(ApiView):
    @extend_schema(operation_id="tags_retrieve", responses={200: TagSerializer})
    def get(self, request, tag_id: str):
        return Response(TagSerializer(selectors.tag_get(user=request.user, tag_id=tag_id)).data)

    @extend_schema(operation_id="tags_update", request=TagInput, responses={200: TagSerializer})
    def patch(self, request, tag_id: str):
        # The tag and the caller's role on it before the body: 404, then 403, then 400.
        tags.tag_authorize(
            tag=selectors.tag_get(user=request.user, tag_id=tag_id), actor=request.user
        )
        data = TagInput(data=request.data)
        data.is_valid(raise_exception=True)
        tag = tags.tag_rename(tag_id=tag_id, actor=request.user, name=data.validated_data["name"])
        return Response(TagSerializer(tag).data)

    @extend_schema(operation_id="tags_delete", responses={204: None})
    def delete(self, request, tag_id: str):
        tags.tag_delete(tag_id=tag_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
