"""Pages of approval workflows and custom fields (settings of a payer business). Thin: the
API's input serializers (WorkflowInput, CustomFieldInput) and the same services, which check
everything the serializers cannot see (approvers are members who may approve, steps can be
completed by distinct people, keys are unique)."""

import secrets
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import Capability
from accounts.selectors import membership_list
from approvals import selectors, services
from approvals.models import CustomFieldScope, CustomFieldType
from approvals.routing import APPROVING_ROLES
from approvals.serializers import CustomFieldInput, WorkflowInput
from cleopay.core import ids
from cleopay.core.web import (
    Problems,
    business_page,
    done,
    render_confirm,
    require_capability,
    service_errors,
    validated,
)
from connections.selectors import connection_choices, tag_list

ROLE_LABELS = dict(Role.choices)
APPROVING_ROLE_CHOICES = [
    (role, ROLE_LABELS[role]) for role in Role.values if role in APPROVING_ROLES
]


@dataclass
class StepForm:
    key: str = field(default_factory=lambda: secrets.token_hex(4))
    approver_ids: list[str] = field(default_factory=list)
    approver_roles: list[str] = field(default_factory=list)
    required: str = "1"
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class WorkflowForm:
    name: str = ""
    priority: str = "0"
    active: bool = True
    min_amount: str = ""
    max_amount: str = ""
    connection_ids: list[str] = field(default_factory=list)
    tag_ids: list[str] = field(default_factory=list)
    steps: list[StepForm] = field(default_factory=lambda: [StepForm(approver_roles=["approver"])])

    @classmethod
    def from_workflow(cls, workflow) -> "WorkflowForm":
        return cls(
            name=workflow.name,
            priority=str(workflow.priority),
            active=workflow.active,
            min_amount="" if workflow.min_amount is None else str(workflow.min_amount),
            max_amount="" if workflow.max_amount is None else str(workflow.max_amount),
            connection_ids=workflow.connection_ids,
            tag_ids=workflow.tag_ids,
            steps=[
                StepForm(
                    approver_ids=step.approver_ids,
                    approver_roles=list(step.approver_roles),
                    required=str(step.required_approvals),
                )
                for step in workflow.steps.all()
            ],
        )

    @classmethod
    def from_post(cls, post) -> "WorkflowForm":
        return cls(
            name=post.get("name", ""),
            priority=post.get("priority", ""),
            active=post.get("active") == "on",
            min_amount=post.get("minAmount", ""),
            max_amount=post.get("maxAmount", ""),
            connection_ids=post.getlist("connectionIds"),
            tag_ids=post.getlist("tagIds"),
            steps=[
                StepForm(
                    key=key,
                    approver_ids=post.getlist(f"steps-{key}-approverIds"),
                    approver_roles=post.getlist(f"steps-{key}-approverRoles"),
                    required=post.get(f"steps-{key}-requiredApprovals", ""),
                )
                for key in dict.fromkeys(post.getlist("step"))
                if key.isalnum()
            ],
        )

    def body(self) -> dict:
        """The API's body for this workflow."""
        body = {
            "name": self.name.strip(),
            "active": self.active,
            "conditions": {
                "minAmount": self.min_amount.strip() or None,
                "maxAmount": self.max_amount.strip() or None,
                "connectionIds": self.connection_ids,
                "tagIds": self.tag_ids,
            },
            "steps": [
                {
                    "approverIds": step.approver_ids,
                    "approverRoles": step.approver_roles,
                    "requiredApprovals": step.required.strip() or "1",
                }
                for step in self.steps
            ],
        }
        if self.priority.strip():
            body["priority"] = self.priority.strip()
        return body

    def spread_errors(self, problems: Problems) -> None:
        for index, step in enumerate(self.steps):
            prefix = f"steps[{index}]"
            step.errors = {}
            for name, messages_ in problems.under(prefix + ".").items():
                step.errors.setdefault(name.split("[", 1)[0], []).extend(messages_)
            if problems.of(prefix):
                step.errors[""] = problems.of(prefix)

        def shown(name: str) -> bool:
            if name in ("name", "priority", "active", "steps"):
                return True
            if name.startswith("conditions."):
                return True
            if name.startswith("steps["):
                index = name[len("steps[") :].split("]", 1)[0]
                return index.isdigit() and int(index) < len(self.steps)
            return False

        problems.move_unknown_to_general(shown)
        # Conditions' list errors (conditions.tagIds[1]) shown at the list.
        for name in [n for n in problems.fields if n.startswith("conditions.") and "[" in n]:
            problems.fields.setdefault(name.split("[", 1)[0], []).extend(problems.fields.pop(name))


def _workflow_choices(business_id: str) -> dict:
    members = [m for m in membership_list(business_id=business_id) if m.role in APPROVING_ROLES]
    return {
        "members": members,
        "role_choices": APPROVING_ROLE_CHOICES,
        "connections": connection_choices(business_id=business_id, side="payer"),
        "tags": list(tag_list(business_id=business_id)),
    }


@business_page()
def workflow_list(request, business_id: str):
    """The business's approval workflows, in the order they are tried."""
    workflows = list(selectors.workflow_list(business_id=business_id))
    choices = _workflow_choices(business_id)
    people = {m.user_id: m.user.full_name or m.user.email for m in choices["members"]}
    connections = dict(choices["connections"])
    tags = {tag.pk: tag.name for tag in choices["tags"]}
    rows = []
    for workflow in workflows:
        steps = []
        for step in workflow.steps.all():
            who = [people.get(user_id, "a former member") for user_id in step.approver_ids]
            who += [f"any {ROLE_LABELS.get(role, role).lower()}" for role in step.approver_roles]
            steps.append((step.required_approvals, who))
        rows.append(
            {
                "workflow": workflow,
                "steps": steps,
                "connections": [connections.get(i, i) for i in workflow.connection_ids],
                "tags": [tags.get(i, i) for i in workflow.tag_ids],
            }
        )
    return render(
        request,
        "approvals/workflow_list.html",
        {"rows": rows, "section": "workflows"},
    )


def _workflow_or_404(request, business_id: str, workflow_id: str):
    if not ids.is_public_id(workflow_id, "apwf"):
        raise Http404("Not found.")
    with service_errors():
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow_id)
    if workflow.business_id != business_id:
        raise Http404("Not found.")
    return workflow


def _workflow_editor(request, business_id: str, workflow=None):
    problems = None
    if request.method != "POST":
        form = WorkflowForm.from_workflow(workflow) if workflow else WorkflowForm()
    else:
        require_capability(request, Capability.ADMINISTER)
        form = WorkflowForm.from_post(request.POST)
        action = request.POST.get("action", "save")
        if action == "add_step":
            form.steps.append(StepForm())
        elif action.startswith("remove_step:"):
            key = action.split(":", 1)[1]
            form.steps = [step for step in form.steps if step.key != key]
        else:
            with service_errors() as problems:
                if workflow is None:
                    data = validated(WorkflowInput, form.body())
                    saved = services.workflow_create(
                        business_id=business_id, actor=request.user, **data
                    )
                else:
                    data = validated(WorkflowInput, form.body(), partial=True)
                    saved = services.workflow_update(
                        workflow_id=workflow.pk, actor=request.user, changes=data
                    )
            if not problems:
                messages.success(request, f"Workflow “{saved.name}” saved.")
                return redirect("settings-workflows", business_id=business_id)
            form.spread_errors(problems)
    context = {
        "form": form,
        "workflow": workflow,
        "problems": problems,
        "section": "workflows",
        **_workflow_choices(business_id),
    }
    return render(
        request,
        "approvals/workflow_form.html",
        context,
        status=problems.status if problems else 200,
    )


@business_page()
def workflow_new(request, business_id: str):
    return _workflow_editor(request, business_id)


@business_page()
def workflow_edit(request, business_id: str, workflow_id: str):
    return _workflow_editor(
        request, business_id, _workflow_or_404(request, business_id, workflow_id)
    )


@business_page(Capability.ADMINISTER)
def workflow_step(request, business_id: str):
    """A blank step for the workflow editor (htmx adds it in place)."""
    context = {"step": StepForm(), **_workflow_choices(business_id)}
    return render(request, "approvals/_step.html", context)


@business_page(Capability.ADMINISTER)
def workflow_delete(request, business_id: str, workflow_id: str):
    workflow = _workflow_or_404(request, business_id, workflow_id)
    back = reverse("settings-workflows", args=[business_id])
    if request.method == "POST":
        with service_errors():
            services.workflow_delete(workflow_id=workflow.pk, actor=request.user)
        return done(request, f"Workflow “{workflow.name}” deleted.", back)
    return render_confirm(
        request,
        title=f"Delete the workflow “{workflow.name}”?",
        text="New payables no longer follow it. Payables already in review keep their steps.",
        action_url=request.path,
        button="Delete workflow",
        danger=True,
        next_url=back,
    )


# --- custom fields ----------------------------------------------------------------------------------

TYPE_CHOICES = CustomFieldType.choices
SCOPE_CHOICES = [
    (CustomFieldScope.PAYABLE, "The invoice"),
    (CustomFieldScope.LINE_ITEM, "Each line item"),
]


def _custom_field_body(post, *, creating: bool) -> dict:
    options = [line.strip() for line in post.get("options", "").splitlines() if line.strip()]
    body = {
        "label": post.get("label", "").strip(),
        "required": post.get("required") == "on",
        "active": post.get("active") == "on",
    }
    if post.get("order", "").strip():
        body["order"] = post.get("order", "").strip()
    if creating:
        body.update(
            {
                "key": post.get("key", "").strip(),
                "type": post.get("type", ""),
                "scope": post.get("scope", ""),
            }
        )
    if options or post.get("type") == CustomFieldType.SELECT or not creating:
        body["options"] = options
    return body


def _options_errors_together(problems: Problems) -> None:
    for name in [n for n in problems.fields if n.startswith("options[")]:
        problems.fields.setdefault("options", []).extend(problems.fields.pop(name))


@business_page()
def custom_field_list(request, business_id: str):
    """The fields this business asks its vendors to fill in; owners and admins add fields."""
    problems = None
    values = {"type": CustomFieldType.TEXT, "scope": CustomFieldScope.PAYABLE, "active": "on"}
    if request.method == "POST":
        require_capability(request, Capability.ADMINISTER)
        values = request.POST
        with service_errors() as problems:
            data = dict(
                validated(CustomFieldInput, _custom_field_body(request.POST, creating=True))
            )
            definition = services.custom_field_create(
                business_id=business_id, actor=request.user, field_type=data.pop("type"), **data
            )
        if not problems:
            messages.success(request, f"Custom field “{definition.label}” added.")
            return redirect("settings-custom-fields", business_id=business_id)
        _options_errors_together(problems)
    context = {
        "definitions": selectors.custom_field_list(business_id=business_id),
        "values": values,
        "problems": problems,
        "type_choices": TYPE_CHOICES,
        "scope_choices": SCOPE_CHOICES,
        "section": "custom-fields",
    }
    return render(
        request,
        "approvals/custom_fields.html",
        context,
        status=problems.status if problems else 200,
    )


def _custom_field_or_404(request, business_id: str, custom_field_id: str):
    if not ids.is_public_id(custom_field_id, "cf"):
        raise Http404("Not found.")
    with service_errors():
        definition = selectors.custom_field_get(user=request.user, custom_field_id=custom_field_id)
    if definition.business_id != business_id:
        raise Http404("Not found.")
    return definition


@business_page()
def custom_field_edit(request, business_id: str, custom_field_id: str):
    definition = _custom_field_or_404(request, business_id, custom_field_id)
    problems = None
    values = {
        "label": definition.label,
        "required": "on" if definition.required else "",
        "active": "on" if definition.active else "",
        "order": definition.position,
        "options": "\n".join(definition.options),
    }
    if request.method == "POST":
        require_capability(request, Capability.ADMINISTER)
        values = request.POST
        with service_errors() as problems:
            data = validated(
                CustomFieldInput, _custom_field_body(request.POST, creating=False), partial=True
            )
            services.custom_field_update(
                custom_field_id=definition.pk, actor=request.user, changes=data
            )
        if not problems:
            messages.success(request, f"Custom field “{data['label']}” saved.")
            return redirect("settings-custom-fields", business_id=business_id)
        _options_errors_together(problems)
    context = {
        "definition": definition,
        "values": values,
        "problems": problems,
        "section": "custom-fields",
    }
    return render(
        request,
        "approvals/custom_field_form.html",
        context,
        status=problems.status if problems else 200,
    )


@business_page(Capability.ADMINISTER)
def custom_field_delete(request, business_id: str, custom_field_id: str):
    definition = _custom_field_or_404(request, business_id, custom_field_id)
    back = reverse("settings-custom-fields", args=[business_id])
    if request.method == "POST":
        with service_errors():
            services.custom_field_delete(custom_field_id=definition.pk, actor=request.user)
        return done(request, f"Custom field “{definition.label}” removed.", back)
    return render_confirm(
        request,
        title=f"Remove the field “{definition.label}”?",
        text="Vendors no longer see it. Values already on invoices stay readable.",
        action_url=request.path,
        button="Remove field",
        danger=True,
        next_url=back,
    )
