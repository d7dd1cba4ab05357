"""
The invoice editor's pages: a new invoice, a draft or declined one, and a blank line row.

The form and its translation to the API's body are ``payables.editor``; every change goes
through ``payables.services`` with the API's input serializers in front, so the editor refuses
exactly what the API refuses, with the same messages.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.permissions import Capability
from approvals.selectors import connection_custom_field_list
from cleopay.core import ids
from cleopay.core.web import Problems, business_page, option_tags, service_errors, validated
from connections.models import Connection, ConnectionStatus
from connections.selectors import connection_choices, connection_list
from files import selectors as file_selectors
from files import services as file_services
from payables import services
from payables.editor import BOOLEAN_CHOICES, EditorForm, LineRow, split_definitions
from payables.inputs import PayableCreateInput, PayableUpdateInput
from payables.models import Payable, PayableStatus
from payables.querysets import PAYEE, side_of
from payables.views.common import payable_or_404

S = PayableStatus


def _payee_connections(business_id: str) -> list[tuple[str, str]]:
    """The customers this business may invoice now: (connection ID, label), newest first."""
    return connection_choices(business_id=business_id, side="payee", status=ConnectionStatus.ACTIVE)


def _definitions_for(connection: Connection | None):
    if connection is None:
        return []
    return list(connection_custom_field_list(connection=connection))


def _editor_context(
    request,
    *,
    business_id: str,
    form: EditorForm,
    payable: Payable | None,
    connection: Connection | None,
    connections: list[tuple[str, str]],
    problems: Problems | None,
):
    definitions = _definitions_for(connection)
    payable_fields, line_fields = split_definitions(definitions)
    if problems:
        form.spread_errors(problems, known_custom={d.key for d in payable_fields})
    attachments = file_selectors.file_list(business_id=business_id, file_ids=form.attachment_ids)
    return {
        "form": form,
        "payable": payable,
        "connection": connection,
        "connections": connections,
        "connection_options": option_tags(connections, form.connectionId),
        "payable_fields": payable_fields,
        "line_fields": line_fields,
        "boolean_choices": BOOLEAN_CHOICES,
        "attachments": attachments,
        "problems": problems,
        "customer_name": _customer_name(connection, business_id),
        "due_hint": _due_hint(connection, editing=payable is not None),
    }


def _customer_name(connection: Connection | None, business_id: str) -> str:
    if connection is None:
        return ""
    alias = connection.alias_of(business_id)
    return f"{alias} ({connection.payer.name})" if alias else connection.payer.name


def _due_hint(connection: Connection | None, *, editing: bool) -> str:
    if connection is None:
        return ""
    if not connection.net_terms:
        return "No net terms on this connection: left empty, it is due on the day it is issued."
    if editing:
        return f"This connection's terms are net {connection.net_terms}."
    return f"Net {connection.net_terms}: suggested {connection.net_terms} days after today."


def _upload_files(request, business_id: str, form: EditorForm, problems: Problems) -> list[str]:
    """Store the files chosen in the form; each becomes one of the form's attachments. Too many,
    or too large in all, and none is stored. Returns the IDs of the files stored."""
    uploads = request.FILES.getlist("newAttachments")
    stored: list[str] = []
    with service_errors() as refused:
        file_services.uploads_check(uploads)
    if refused:
        for message in refused.general + [m for ms in refused.fields.values() for m in ms]:
            problems.add("attachments", message)
        problems.status = refused.status
        return stored
    for upload in uploads:
        with service_errors() as refused:
            record = file_services.file_upload(
                business_id=business_id, actor=request.user, upload=upload
            )
        if refused:
            for message in refused.general + [m for ms in refused.fields.values() for m in ms]:
                problems.add("attachments", f"{upload.name}: {message}")
            problems.status = refused.status
        else:
            form.attachment_ids.append(record.pk)
            stored.append(record.pk)
    return stored


def _forget_uploads(form: EditorForm, stored: list[str], problems: Problems) -> None:
    """A refused request keeps nothing it stored: its files are deleted, bytes and rows."""
    if not stored:
        return
    file_services.file_delete_unattached(file_ids=stored)
    form.attachment_ids = [pk for pk in form.attachment_ids if pk not in stored]
    problems.add(
        "attachments", "The files chosen with this request were not kept: choose them again."
    )


def _editor(request, business_id: str, payable: Payable | None):
    """The editor for a new invoice (``payable`` None) or a draft / declined one."""
    connections = _payee_connections(business_id) if payable is None else []
    if payable is None:
        chosen = request.POST.get("connectionId") or request.GET.get("connectionId") or ""
        ids = [pk for pk, _label in connections]
        pick = chosen if chosen in ids else (ids[0] if len(ids) == 1 else None)
        connection = (
            Connection.objects.select_related("payer", "payee").filter(pk=pick).first()
            if pick
            else None
        )
    else:
        connection = payable.connection
    definitions = _definitions_for(connection)
    payable_fields, line_fields = split_definitions(definitions)

    problems = Problems()
    if request.method != "POST":
        if payable is None:
            defaults = None
            if connection is not None:
                defaults = services.payable_defaults(
                    business_id=business_id, connection_id=connection.pk
                )
            form = EditorForm.blank(
                connection_id=connection.pk if connection else "", defaults=defaults
            )
        else:
            form = EditorForm.from_payable(payable, shown_keys={d.key for d in payable_fields})
        context = _editor_context(
            request,
            business_id=business_id,
            form=form,
            payable=payable,
            connection=connection,
            connections=connections,
            problems=None,
        )
        return render(request, "payables/editor.html", context)

    form = EditorForm.from_post(
        request.POST,
        line_keys=[d.key for d in line_fields],
        payable_keys=[d.key for d in payable_fields],
    )
    if payable is not None:
        form.connectionId = payable.connection_id
        form.hidden_custom = {
            key: value
            for key, value in (payable.custom_fields or {}).items()
            if key not in {d.key for d in payable_fields}
        }
    stored = _upload_files(request, business_id, form, problems)
    action = request.POST.get("action", "save")

    if action == "add_line":
        form.lines.append(LineRow())
    elif action.startswith("remove_line:"):
        index = action.split(":", 1)[1]
        if index.isdigit() and int(index) < len(form.lines):
            del form.lines[int(index)]
    elif action == "refresh":
        if payable is None and connection is not None:
            form.connectionId = connection.pk
            form.apply_defaults(
                services.payable_defaults(business_id=business_id, connection_id=connection.pk)
            )
    elif action in ("save", "submit") and not problems:
        result = _save(request, business_id, payable, form, definitions, submit=action == "submit")
        if not isinstance(result, Problems):
            return result
        problems = result
    if problems:
        _forget_uploads(form, stored, problems)
    if not form.lines:
        form.lines.append(LineRow())
    context = _editor_context(
        request,
        business_id=business_id,
        form=form,
        payable=payable,
        connection=connection,
        connections=connections,
        problems=problems or None,
    )
    return render(
        request, "payables/editor.html", context, status=problems.status if problems else 200
    )


def _save(request, business_id, payable, form: EditorForm, definitions, *, submit: bool):
    """Create or update (and submit) through the services; a redirect, or the problems."""
    problems = Problems()
    body = form.payload(definitions=definitions, creating=payable is None, problems=problems)
    if problems:
        return problems
    with service_errors() as problems:
        if payable is None:
            data = validated(PayableCreateInput, {**body, "submit": submit})
            saved = services.payable_create(business_id=business_id, actor=request.user, **data)
        else:
            with transaction.atomic():
                data = validated(PayableUpdateInput, body)
                saved = services.payable_update(
                    payable_id=payable.pk, actor=request.user, changes=data
                )
                if submit:
                    saved = services.payable_submit(payable_id=payable.pk, actor=request.user)
    if problems:
        return problems
    if submit:
        verb = (
            "resubmitted" if payable is not None and payable.status == S.DECLINED else "submitted"
        )
        messages.success(request, f"{saved.invoice_number} {verb} to {saved.payer.name}.")
        return redirect("payable-detail", business_id=business_id, payable_id=saved.pk)
    messages.success(request, f"Draft {saved.invoice_number} saved.")
    return redirect("payable-edit", business_id=business_id, payable_id=saved.pk)


@business_page(Capability.INVOICE)
def invoice_new(request, business_id: str):
    return _editor(request, business_id, None)


@business_page(Capability.INVOICE)
def payable_edit(request, business_id: str, payable_id: str):
    payable = payable_or_404(request, business_id, payable_id)
    if side_of(payable, business_id) != PAYEE:
        raise Http404("Not found.")
    if not payable.is_editable:
        messages.info(
            request,
            f"{payable.invoice_number} is {payable.get_status_display().lower()}: "
            "only drafts and declined invoices can be edited.",
        )
        return redirect("payable-detail", business_id=business_id, payable_id=payable_id)
    return _editor(request, business_id, payable)


@business_page(Capability.INVOICE)
def line_row(request, business_id: str):
    """A blank line item row for the editor (htmx adds it in place)."""
    connection = None
    connection_id = request.GET.get("connectionId", "")
    if ids.is_public_id(connection_id, "conn"):  # else no connection could have it
        connection = (
            connection_list(business_ids=[business_id])
            .filter(pk=connection_id, payee_id=business_id)
            .first()
        )
    _payable_fields, line_fields = split_definitions(_definitions_for(connection))
    return render(
        request,
        "payables/_line_row.html",
        {"line": LineRow(), "line_fields": line_fields, "boolean_choices": BOOLEAN_CHOICES},
    )
