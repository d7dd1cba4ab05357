"""Pages of approval workflows (settings of a payer business). Thin: the API's input serializer
(``WorkflowInput``) and the same services (``approvals.workflows``), which check everything the
serializer cannot see (approvers are members who may approve, steps can be completed by distinct
people)."""

import secrets
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import Capability
from accounts.selectors import membership_list
from approvals import selectors
from approvals import workflows as workflow_services
from approvals.routing import APPROVING_ROLES
from approvals.serializers import WorkflowInput
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
    remind_after: str = ""
    escalate_after: str = ""
    escalate_to: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def _hours(value: int | None) -> str:
    return "" if value is None else str(value)


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
                    remind_after=_hours(step.remind_after_hours),
                    escalate_after=_hours(step.escalate_after_hours),
                    escalate_to=step.escalate_to_role,
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
                    remind_after=post.get(f"steps-{key}-remindAfterHours", ""),
                    escalate_after=post.get(f"steps-{key}-escalateAfterHours", ""),
                    escalate_to=post.get(f"steps-{key}-escalateToRole", ""),
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
                    "remindAfterHours": step.remind_after.strip() or None,
                    "escalateAfterHours": step.escalate_after.strip() or None,
                    "escalateToRole": step.escalate_to or None,
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
        "escalate_choices": Role.choices,
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
                    saved = workflow_services.workflow_create(
                        business_id=business_id, actor=request.user, **data
                    )
                else:
                    data = validated(WorkflowInput, form.body(), partial=True)
                    saved = workflow_services.workflow_update(
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
            workflow_services.workflow_delete(workflow_id=workflow.pk, actor=request.user)
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
