"""Approval workflow, delegation and custom field endpoints (docs/api/approvals.md, docs/api/custom-fields.md). Thin: validate, call, serialize."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.permissions import Capability
from approvals import delegation, fields, selectors, workflows
from approvals.serializers import (
    ApprovalPreviewInput,
    ApprovalPreviewSerializer,
    CustomFieldInput,
    CustomFieldSerializer,
    DelegationInput,
    DelegationSerializer,
    WorkflowInput,
    WorkflowSerializer,
)
from cleopay.api.views import ApiView, BusinessApiView
from connections.selectors import connection_get

# --- approval workflows ----------------------------------------------------------------------------


class WorkflowListApi(BusinessApiView):
    capabilities = {"POST": Capability.ADMINISTER}

    @extend_schema(
        operation_id="approval_workflows_list",
        responses={200: WorkflowSerializer(many=True)},
        description="The business's approval workflows in the order they are tried.",
    )
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.workflow_list(business_id=business_id),
            lambda rows: WorkflowSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="approval_workflows_create",
        request=WorkflowInput,
        responses={201: WorkflowSerializer},
    )
    def post(self, request, business_id: str):
        data = WorkflowInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow = workflows.workflow_create(
            business_id=business_id, actor=request.user, **data.validated_data
        )
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow.pk)
        return Response(WorkflowSerializer(workflow).data, status=status.HTTP_201_CREATED)


class WorkflowDetailApi(ApiView):
    @extend_schema(operation_id="approval_workflows_retrieve", responses={200: WorkflowSerializer})
    def get(self, request, workflow_id: str):
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow_id)
        return Response(WorkflowSerializer(workflow).data)

    @extend_schema(
        operation_id="approval_workflows_update",
        request=WorkflowInput(partial=True),
        responses={200: WorkflowSerializer},
        description=(
            "Given keys replace the stored ones; `conditions` merges key by key; `steps` is "
            "replaced as a whole. Payables already in review keep the workflow they took."
        ),
    )
    def patch(self, request, workflow_id: str):
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow_id)
        data = WorkflowInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        workflows.workflow_update(
            workflow_id=workflow.pk, actor=request.user, changes=data.validated_data
        )
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow.pk)
        return Response(WorkflowSerializer(workflow).data)

    @extend_schema(operation_id="approval_workflows_delete", responses={204: None})
    def delete(self, request, workflow_id: str):
        workflows.workflow_delete(workflow_id=workflow_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkflowPreviewApi(BusinessApiView):
    # A dry run: nothing is written, so any member may ask.
    capabilities = {"POST": Capability.READ}

    @extend_schema(
        operation_id="approval_workflows_preview",
        request=ApprovalPreviewInput,
        responses={200: ApprovalPreviewSerializer},
        description=(
            "Which workflow and approvers a payable of this amount on this connection would "
            "get if it were submitted now; without a match, `auto_approve` or `manual_review`."
        ),
    )
    def post(self, request, business_id: str):
        data = ApprovalPreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        preview = selectors.approval_preview(
            business_id=business_id,
            amount=data.validated_data["amount"],
            connection_id=data.validated_data["connection_id"],
            tag_ids=data.validated_data.get("tag_ids"),
        )
        return Response(ApprovalPreviewSerializer(preview).data)


# --- delegations -----------------------------------------------------------------------------------


class DelegationListApi(BusinessApiView):
    # Delegating one's own approvals needs APPROVE; the service asks ADMINISTER for another's.
    capabilities = {"POST": Capability.APPROVE}

    @extend_schema(
        operation_id="delegations_list",
        responses={200: DelegationSerializer(many=True)},
        description="The business's delegations, newest first, ended ones too.",
    )
    def get(self, request, business_id: str):
        return self.paginate(
            delegation.delegation_list(business_id=business_id),
            lambda rows: DelegationSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="delegations_create",
        request=DelegationInput,
        responses={201: DelegationSerializer},
        description=(
            "Hands the caller's approvals (or, for an owner or admin, `fromUserId`'s) to "
            "`toUserId` from `startsOn` to `endsOn`. 409 `delegation_overlap` when the "
            "delegator already delegates on one of those days, `delegation_chain` when the "
            "delegate is away or the delegator holds someone's approvals then."
        ),
    )
    def post(self, request, business_id: str):
        data = DelegationInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = delegation.delegation_create(
            business_id=business_id, actor=request.user, **data.validated_data
        )
        created = delegation.delegation_get(user=request.user, delegation_id=created.pk)
        return Response(DelegationSerializer(created).data, status=status.HTTP_201_CREATED)


class DelegationDetailApi(ApiView):
    @extend_schema(operation_id="delegations_retrieve", responses={200: DelegationSerializer})
    def get(self, request, delegation_id: str):
        found = delegation.delegation_get(user=request.user, delegation_id=delegation_id)
        return Response(DelegationSerializer(found).data)

    @extend_schema(
        operation_id="delegations_delete",
        responses={204: None},
        description="Ends the delegation: the delegator, or an owner or admin of the business.",
    )
    def delete(self, request, delegation_id: str):
        delegation.delegation_delete(delegation_id=delegation_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- custom fields ---------------------------------------------------------------------------------


class CustomFieldListApi(BusinessApiView):
    capabilities = {"POST": Capability.ADMINISTER}

    @extend_schema(
        operation_id="custom_fields_list",
        responses={200: CustomFieldSerializer(many=True)},
        description="The business's custom field definitions (inactive ones too), by order.",
    )
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.custom_field_list(business_id=business_id),
            lambda rows: CustomFieldSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="custom_fields_create",
        request=CustomFieldInput,
        responses={201: CustomFieldSerializer},
    )
    def post(self, request, business_id: str):
        data = CustomFieldInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        definition = fields.custom_field_create(
            business_id=business_id, actor=request.user, field_type=values.pop("type"), **values
        )
        return Response(CustomFieldSerializer(definition).data, status=status.HTTP_201_CREATED)


class CustomFieldDetailApi(ApiView):
    @extend_schema(operation_id="custom_fields_retrieve", responses={200: CustomFieldSerializer})
    def get(self, request, custom_field_id: str):
        definition = selectors.custom_field_get(user=request.user, custom_field_id=custom_field_id)
        return Response(CustomFieldSerializer(definition).data)

    @extend_schema(
        operation_id="custom_fields_update",
        request=CustomFieldInput(partial=True),
        responses={200: CustomFieldSerializer},
        description="`key`, `type` and `scope` cannot change (400); other given keys replace.",
    )
    def patch(self, request, custom_field_id: str):
        definition = selectors.custom_field_get(user=request.user, custom_field_id=custom_field_id)
        data = CustomFieldInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        definition = fields.custom_field_update(
            custom_field_id=definition.pk, actor=request.user, changes=data.validated_data
        )
        return Response(CustomFieldSerializer(definition).data)

    @extend_schema(
        operation_id="custom_fields_delete",
        responses={204: None},
        description="Retires the field: values already on payables stay readable.",
    )
    def delete(self, request, custom_field_id: str):
        fields.custom_field_delete(custom_field_id=custom_field_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectionCustomFieldListApi(ApiView):
    @extend_schema(
        operation_id="connections_custom_fields_list",
        responses={200: CustomFieldSerializer(many=True)},
        description=(
            "The payer's active custom field definitions, which the payee fills in on payables "
            "of this connection. Visible to both sides."
        ),
    )
    def get(self, request, connection_id: str):
        connection = connection_get(user=request.user, connection_id=connection_id)
        return self.paginate(
            selectors.connection_custom_field_list(connection=connection),
            lambda rows: CustomFieldSerializer(rows, many=True).data,
        )
