"""Pages of connections: the list with invitations, one connection's settings and the CSV export.
Thin: the API's input serializers, the same selectors and services, and the same capabilities
per action (alias and tags: INVOICE; invite, accept, settings, archive: ADMINISTER)."""

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import Capability
from cleopay.core import ids
from cleopay.core.web import (
    Problems,
    business_page,
    done,
    page_offset,
    query_string,
    render_confirm,
    require_capability,
    service_errors,
    validated,
)
from connections import exports, selectors, services
from connections.models import Connection, ConnectionRole, ConnectionStatus
from connections.serializers import (
    AliasInput,
    ConnectionInviteInput,
    ConnectionListQuery,
    SettingsInput,
    TagIdsInput,
)

# Connections per page, newest first, as on the other list pages.
PAGE_SIZE = 50


@dataclass
class ConnectionRow:
    connection: Connection
    role: str
    other_name: str
    alias: str
    tags: list
    can_accept: bool


def _row(connection: Connection, business_id: str, *, administer: bool) -> ConnectionRow:
    other_id = connection.counterparty_id(business_id)
    if other_id is None:
        other_name = connection.invited_email
    else:
        other = connection.payer if other_id == connection.payer_id else connection.payee
        other_name = other.name
    return ConnectionRow(
        connection=connection,
        role=connection.role_of(business_id),
        other_name=other_name,
        alias=connection.alias_of(business_id),
        tags=[tag for tag in connection.visible_tags if tag.business_id == business_id],
        can_accept=administer
        and connection.status == ConnectionStatus.PENDING
        and connection.invited_business_id == business_id,
    )


def _number(value: str):
    """A whole number typed in a form, as the API's JSON would carry it (else the text, refused)."""
    value = (value or "").strip()
    if value == "":
        return None
    return int(value) if value.isdigit() else value


def _list_query(request) -> tuple[dict, Problems]:
    raw = {key: request.GET.get(key, "").strip() for key in ("status", "tag", "search")}
    query: dict = {}
    with service_errors() as problems:
        query = validated(ConnectionListQuery, {k: v for k, v in raw.items() if v})
    sort = request.GET.get("sort", "").strip()
    sort = sort if sort in selectors.CONNECTION_SORTS else "-created"
    return {**raw, **query, "sort": sort}, problems


@business_page()
def connection_list_page(request, business_id: str):
    """The business's connections: alias, tags, status, role, net terms; invite, accept."""
    query, problems = _list_query(request)
    values = {"myRole": ConnectionRole.PAYER, "counterparty": "", "netTerms": "", "alias": ""}
    invite_problems = None
    if request.method == "POST":
        require_capability(request, Capability.ADMINISTER)
        values = {key: request.POST.get(key, "") for key in values}
        counterparty = values["counterparty"].strip()
        body = {"myRole": values["myRole"], "alias": values["alias"].strip()}
        if ids.is_public_id(counterparty, "biz"):
            body["counterpartyBusinessId"] = counterparty
        else:
            body["counterpartyEmail"] = counterparty
        if values["netTerms"].strip():
            body["netTerms"] = _number(values["netTerms"])
        with service_errors() as invite_problems:
            data = validated(ConnectionInviteInput, body)
            connection = services.connection_invite(
                business_id=business_id,
                actor=request.user,
                my_role=data["myRole"],
                counterparty_business_id=data.get("counterpartyBusinessId"),
                counterparty_email=data.get("counterpartyEmail"),
                net_terms=data.get("netTerms"),
                alias=data.get("alias", ""),
            )
        if not invite_problems:
            messages.success(request, f"Invitation sent to {counterparty}.")
            return redirect(
                "connection-detail", business_id=business_id, connection_id=connection.pk
            )
        # Both ways of naming the other business are one input on the page.
        for name in ("counterpartyBusinessId", "counterpartyEmail"):
            for message in invite_problems.fields.pop(name, []):
                invite_problems.add("counterparty", message)

    rows, offset, has_next, listed = [], page_offset(request), False, None
    if not problems:
        connections = selectors.connection_list(
            business_ids=[business_id],
            status=query.get("status") or None,
            tag=query.get("tag") or None,
            search=query.get("search") or None,
        )
        listed = connections  # what the filters leave: the balance totals add it up
        connections = selectors.connections_sorted(
            connections, sort=query["sort"], business_id=business_id
        )
        page = list(connections[offset : offset + PAGE_SIZE + 1])
        has_next = len(page) > PAGE_SIZE
        rows = [
            _row(c, business_id, administer=request.can["administer"]) for c in page[:PAGE_SIZE]
        ]
    context = {
        "rows": rows,
        "listed": listed,
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "next_offset": offset + PAGE_SIZE if has_next else None,
        "query": query,
        "problems": problems,
        "invite_problems": invite_problems,
        "values": values,
        "statuses": ConnectionStatus.choices,
        "sort_options": [
            ("-created", "Newest first"),
            ("created", "Oldest first"),
            ("counterparty", "Name, A to Z"),
            ("-counterparty", "Name, Z to A"),
        ],
        "tags": selectors.tag_list(business_id=business_id),
        # The export is the whole filtered list, whatever page is shown.
        "export_query": query_string(request.GET.dict(), offset=None),
        "role_choices": [
            (ConnectionRole.PAYER, "We pay them (they send us invoices)"),
            (ConnectionRole.PAYEE, "They pay us (we send them invoices)"),
        ],
    }
    status = (invite_problems or problems).status if (invite_problems or problems) else 200
    return render(request, "connections/list.html", context, status=status)


@business_page()
def connection_export(request, business_id: str):
    """The list as CSV (the API's export, for this business's side), with the same filters."""
    query, problems = _list_query(request)
    if problems:
        raise Http404("Not found.")
    queryset = selectors.connection_list(
        business_ids=[business_id],
        status=query.get("status") or None,
        tag=query.get("tag") or None,
        search=query.get("search") or None,
    )
    queryset = selectors.connections_sorted(queryset, sort=query["sort"], business_id=business_id)
    return exports.connections_csv_response(
        queryset, business_ids={business_id}, prefer=business_id
    )


def _connection_or_404(request, business_id: str, connection_id: str) -> Connection:
    """The connection, if ``business_id`` is one of its sides (and the caller belongs to it)."""
    if not ids.is_public_id(connection_id, "conn"):
        raise Http404("Not found.")
    with service_errors():
        connection = selectors.connection_detail(user=request.user, connection_id=connection_id)
    if connection.role_of(business_id) is None:
        raise Http404("Not found.")
    return connection


@business_page()
def connection_detail(request, business_id: str, connection_id: str):
    """One connection; its one form (alias, tags, and for owners and admins the shared
    settings) posts here and saves every part at once, so no part's edit is lost to another's
    Save button."""
    if request.method != "POST":
        return _render_detail(request, business_id, connection_id)
    require_capability(request, Capability.INVOICE)
    connection = _connection_or_404(request, business_id, connection_id)
    settings_body = None
    if request.can["administer"]:
        settings_body = {"netTerms": _number(request.POST.get("netTerms", ""))}
        if connection.role_of(business_id) == ConnectionRole.PAYER:
            settings_body["autoApprove"] = request.POST.get("autoApprove") == "on"
    problems = Problems()
    # Every part is checked before any is saved: a refused net terms keeps the alias unsaved
    # and on the page, with the rest of what was typed.
    parts = [
        (AliasInput, {"alias": request.POST.get("alias", "").strip()}),
        (TagIdsInput, {"tagIds": request.POST.getlist("tagIds")}),
    ]
    if settings_body is not None:
        parts.append((SettingsInput, settings_body))
    data = {}
    for serializer, body in parts:
        with service_errors() as found:
            data.update(validated(serializer, body))
        for name, messages_of in found.fields.items():
            for message in messages_of:
                problems.add(name, message)
        problems.general += found.general
        problems.status = found.status if found else problems.status
    if not problems:
        with service_errors() as problems, transaction.atomic():
            services.connection_set_alias(
                connection_id=connection_id,
                actor=request.user,
                business_id=business_id,
                alias=data["alias"],
            )
            services.connection_set_tags(
                connection_id=connection_id,
                actor=request.user,
                business_id=business_id,
                tag_ids=data["tagIds"],
            )
            if settings_body is not None:
                names = {"netTerms": "net_terms", "autoApprove": "auto_approve"}
                services.connection_update_settings(
                    connection_id=connection_id,
                    actor=request.user,
                    business_id=business_id,
                    changes={names[key]: data[key] for key in settings_body},
                )
    return _after_change(request, business_id, connection_id, problems, "all", "Changes saved.")


def _render_detail(request, business_id: str, connection_id: str, problems=None, form=None):
    """One connection as ``business_id`` sees it, with its forms (and a refused form's errors)."""
    connection = _connection_or_404(request, business_id, connection_id)
    row = _row(connection, business_id, administer=request.can["administer"])
    context = {
        "row": row,
        "connection": connection,
        "events": selectors.connection_event_list(connection=connection, business_id=business_id),
        "tags": selectors.tag_list(business_id=business_id),
        # After a refused save, what was typed and ticked, not what is stored.
        "tag_ids": set(request.POST.getlist("tagIds")) if problems else {t.pk for t in row.tags},
        "settings_attrs": "" if request.can["administer"] else "disabled",
        "alias_attrs": "" if request.can["invoice"] else "disabled",
        "auto_approve": (request.POST.get("autoApprove") == "on")
        if problems
        else connection.auto_approve,
        "is_payer": row.role == ConnectionRole.PAYER,
        "problems": problems,
        "form": form or "",
        "values": request.POST if problems else {},
        "list_url": reverse(
            "inbox" if row.role == ConnectionRole.PAYER else "invoices", args=[business_id]
        ),
    }
    return render(
        request, "connections/detail.html", context, status=problems.status if problems else 200
    )


def _after_change(request, business_id, connection_id, problems, form: str, message: str):
    if problems:
        return _render_detail(request, business_id, connection_id, problems=problems, form=form)
    messages.success(request, message)
    return redirect("connection-detail", business_id=business_id, connection_id=connection_id)


def _status_action(request, business_id, connection_id, *, verb: str):
    connection = _connection_or_404(request, business_id, connection_id)
    row = _row(connection, business_id, administer=True)
    back = reverse("connection-detail", args=[business_id, connection_id])
    problems = None
    if request.method == "POST":
        with service_errors() as problems:
            service = (
                services.connection_accept if verb == "accept" else services.connection_archive
            )
            service(connection_id=connection_id, actor=request.user, business_id=business_id)
        if not problems:
            message = (
                f"Connected with {row.other_name}."
                if verb == "accept"
                else f"Connection with {row.other_name} archived: it takes no new invoices."
            )
            return done(request, message, back)
    if verb == "accept":
        title, text, button = (
            f"Accept the connection with {row.other_name}?",
            f"{row.other_name} {'pays you' if row.role == ConnectionRole.PAYEE else 'invoices you'} "
            "over it once accepted.",
            "Accept",
        )
    else:
        title, text, button = (
            f"Archive the connection with {row.other_name}?",
            "It takes no new invoices. Invoices already on it stay as they are.",
            "Archive",
        )
    return render_confirm(
        request,
        title=title,
        text=text,
        action_url=request.path,
        button=button,
        danger=verb == "archive",
        next_url=back,
        problems=problems,
    )


@business_page(Capability.ADMINISTER)
def connection_accept(request, business_id: str, connection_id: str):
    return _status_action(request, business_id, connection_id, verb="accept")


@business_page(Capability.ADMINISTER)
def connection_archive(request, business_id: str, connection_id: str):
    return _status_action(request, business_id, connection_id, verb="archive")
