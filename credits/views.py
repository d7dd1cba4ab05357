"""Pages of credits: the list of both sides with the payee's issue form and void button, and
the payer's "apply a credit" page for one payable. The same selectors and services as the API."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Capability
from cleopay.core.web import business_page, require_capability, service_errors, validated
from connections.models import ConnectionStatus
from connections.selectors import connection_choices
from credits import selectors, services
from credits.serializers import CreditApplyInput, CreditCreateInput


@business_page()
def credits_page(request, business_id: str):
    """Credits issued and received; the payee's team issues one here."""
    problems = None
    form = {}
    if request.method == "POST":
        require_capability(request, Capability.INVOICE)
        form = {
            "connectionId": request.POST.get("connectionId", ""),
            "amount": request.POST.get("amount", ""),
            "memo": request.POST.get("memo", ""),
            "creditNumber": request.POST.get("creditNumber", ""),
        }
        with service_errors() as problems:
            data = validated(CreditCreateInput, form)
            credit = services.credit_create(
                business_id=business_id,
                actor=request.user,
                connection_id=data["connectionId"],
                amount=data["amount"],
                memo=data["memo"],
                credit_number=data["creditNumber"],
            )
        if not problems:
            messages.success(request, f"Credit of {credit.amount:,.2f} issued.")
            return redirect("credits", business_id=business_id)
    context = {
        "credits": selectors.credit_list(business_id=business_id).select_related("payee", "payer")[
            :200
        ],
        "connections": connection_choices(
            business_id=business_id, side="payee", status=ConnectionStatus.ACTIVE
        )
        if request.can["invoice"]
        else [],
        "form": form,
        "problems": problems,
    }
    return render(
        request, "credits/list.html", context, status=problems.status if problems else 200
    )


@require_POST
@business_page(Capability.INVOICE)
def credit_void(request, business_id: str, credit_id: str):
    with service_errors() as problems:
        services.credit_void(credit_id=credit_id, actor=request.user)
    if problems:
        for message in problems.general:
            messages.error(request, message)
    else:
        messages.success(request, "Credit voided.")
    return redirect("credits", business_id=business_id)


@business_page(Capability.PAY)
def credit_apply(request, business_id: str, payable_id: str):
    """The payer nets an open credit of the same connection against this payable."""
    payable = selectors.payable_of_payer(business_id=business_id, payable_id=payable_id)
    if payable is None:
        raise Http404("Not found.")
    problems = None
    form = {}
    if request.method == "POST":
        form = {"creditId": request.POST.get("creditId", "")}
        if request.POST.get("amount", "").strip():
            form["amount"] = request.POST["amount"]
        with service_errors() as problems:
            data = validated(CreditApplyInput, form)
            services.credit_apply(
                payable_id=payable_id,
                actor=request.user,
                credit_id=data["creditId"],
                amount=data.get("amount"),
            )
        if not problems:
            messages.success(request, "Credit applied.")
            return redirect("payable-detail", business_id=business_id, payable_id=payable_id)
    context = {
        "payable": payable,
        "credits": selectors.credit_open_for(connection_id=payable.connection_id),
        "form": form,
        "problems": problems,
    }
    return render(
        request, "credits/apply.html", context, status=problems.status if problems else 200
    )
