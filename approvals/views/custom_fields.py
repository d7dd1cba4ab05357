"""Pages of custom field definitions (settings of a payer business). Thin: the API's input
serializer (``CustomFieldInput``) and the same services (``approvals.fields``), which check what
the serializer cannot see (keys are unique)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import Capability
from approvals import fields as field_services
from approvals import selectors
from approvals.models import CustomFieldScope, CustomFieldType
from approvals.serializers import CustomFieldInput
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
            definition = field_services.custom_field_create(
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
            field_services.custom_field_update(
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
            field_services.custom_field_delete(custom_field_id=definition.pk, actor=request.user)
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
