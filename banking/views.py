"""Pages of bank accounts (under business settings) and payment runs: the same selectors and
services as the API."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Capability
from banking import runs, selectors, services
from banking.models import AccountPurpose, AccountType, RunStatus
from banking.serializers import (
    BankAccountCreateInput,
    BankAccountVerifyInput,
    PaymentRunCreateInput,
)
from cleopay.core import sorting
from cleopay.core.web import business_page, page_offset, service_errors, validated

# Runs per page, as on the other list pages.
RUNS_PAGE_SIZE = 50


@business_page(Capability.ADMINISTER)
def settings_bank_accounts(request, business_id: str):
    """The business's accounts: add one, verify it, make it a default, delete it."""
    problems = None
    form = {}
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", ""),
            "routingNumber": request.POST.get("routingNumber", ""),
            "accountNumber": request.POST.get("accountNumber", ""),
            "accountType": request.POST.get("accountType", ""),
        }
        with service_errors() as problems:
            data = validated(BankAccountCreateInput, form)
            account = services.bank_account_create(
                business_id=business_id,
                actor=request.user,
                name=data["name"],
                routing_number=data["routingNumber"],
                account_number=data["accountNumber"],
                account_type=data["accountType"],
            )
        if not problems:
            messages.success(
                request,
                f"{account.name} (ending {account.account_number_last4}) added: confirm the two "
                "small deposits to verify it.",
            )
            return redirect("settings-bank-accounts", business_id=business_id)
        form.pop("accountNumber")  # never echoed back into the page
    context = {
        "accounts": _with_use(business_id),
        "events": selectors.bank_account_events(business_id=business_id)[:20],
        "account_types": AccountType.choices,
        "purposes": AccountPurpose.choices,
        "form": form,
        "problems": problems,
        "section": "bank-accounts",
    }
    return render(
        request,
        "banking/bank_accounts.html",
        context,
        status=problems.status if problems else 200,
    )


def _with_use(business_id: str) -> list:
    """The accounts, each with ``payments_on_their_way``: while any, it cannot be deleted."""
    in_use = selectors.bank_account_payments_on_their_way(business_id=business_id)
    accounts = list(selectors.bank_account_list(business_id=business_id))
    for account in accounts:
        account.payments_on_their_way = in_use.get(account.pk, 0)
    return accounts


def _own_account(request, business_id: str, bank_account_id: str) -> None:
    """404 unless the account is this business's (and the caller one of its owners or admins)."""
    with service_errors():
        account = selectors.bank_account_get(bank_account_id=bank_account_id, actor=request.user)
    if account.business_id != business_id:
        raise Http404("Not found.")


def _after(request, business_id: str, problems, success: str):
    if problems:
        for message in problems.general + [m for ms in problems.fields.values() for m in ms]:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("settings-bank-accounts", business_id=business_id)


@require_POST
@business_page(Capability.ADMINISTER)
def bank_account_verify(request, business_id: str, bank_account_id: str):
    _own_account(request, business_id, bank_account_id)
    with service_errors() as problems:
        data = validated(
            BankAccountVerifyInput,
            {"amounts": [request.POST.get("amount1", ""), request.POST.get("amount2", "")]},
        )
        services.bank_account_verify(
            bank_account_id=bank_account_id, actor=request.user, amounts=data["amounts"]
        )
    return _after(request, business_id, problems, "Bank account verified.")


@require_POST
@business_page(Capability.ADMINISTER)
def bank_account_default(request, business_id: str, bank_account_id: str):
    _own_account(request, business_id, bank_account_id)
    purpose = request.POST.get("defaultFor") or None
    with service_errors() as problems:
        services.bank_account_update(
            bank_account_id=bank_account_id, actor=request.user, changes={"defaultFor": purpose}
        )
    done = f"Now the default for {purpose}." if purpose else "No longer a default."
    return _after(request, business_id, problems, done)


@require_POST
@business_page(Capability.ADMINISTER)
def bank_account_delete(request, business_id: str, bank_account_id: str):
    _own_account(request, business_id, bank_account_id)
    with service_errors() as problems:
        services.bank_account_delete(bank_account_id=bank_account_id, actor=request.user)
    return _after(request, business_id, problems, "Bank account deleted.")


# --- payment runs ---------------------------------------------------------------------------------


@business_page()
def run_list(request, business_id: str):
    """The business's payment runs, filtered by status, sorted by a column, with their totals."""
    status = request.GET.get("status", "").strip()
    status = status if status in RunStatus.values else ""
    sort = sorting.sort_key(
        request.GET.get("sort", "").strip(), runs.RUN_SORTS, runs.RUN_DEFAULT_SORT
    )
    offset = page_offset(request)
    found = runs.payment_run_list(business_id=business_id, status=status or None)
    listed = runs.payment_runs_sorted(found, sort)
    page = list(listed[offset : offset + RUNS_PAGE_SIZE + 1])
    labels = {"date": "Date", "bills": "Bills", "total": "Total", "created": "Created"}
    context = {
        "runs": page[:RUNS_PAGE_SIZE],
        "totals": runs.payment_run_totals(found),
        "status": status,
        "statuses": RunStatus.choices,
        "sort": sort,
        "columns": sorting.columns(sort, labels),
        "previous_offset": max(0, offset - RUNS_PAGE_SIZE) if offset else None,
        "next_offset": offset + RUNS_PAGE_SIZE if len(page) > RUNS_PAGE_SIZE else None,
    }
    return render(request, "banking/run_list.html", context)


@business_page(Capability.PAY)
def run_new(request, business_id: str):
    """Choose approved payables and a date; they are scheduled together as one run."""
    problems = None
    chosen: list[str] = []
    date = ""
    if request.method == "POST":
        chosen = request.POST.getlist("payableIds")
        date = request.POST.get("date", "")
        with service_errors() as problems:
            data = validated(PaymentRunCreateInput, {"payableIds": chosen, "date": date})
            run = runs.payment_run_create(
                business_id=business_id,
                actor=request.user,
                payable_ids=data["payableIds"],
                on=data["date"],
            )
        if not problems:
            messages.success(request, f"Payment run of {len(chosen)} bills scheduled.")
            return redirect("run-detail", business_id=business_id, run_id=run.id)
    context = {
        "candidates": selectors.run_candidates(business_id=business_id),
        "chosen": chosen,
        "date": date,
        "problems": problems,
    }
    return render(
        request, "banking/run_new.html", context, status=problems.status if problems else 200
    )


def _own_run(request, business_id: str, run_id: str):
    with service_errors():
        run = runs.payment_run_get(run_id=run_id, actor=request.user)
    if run.payer_id != business_id:
        raise Http404("Not found.")
    return run


@business_page()
def run_detail(request, business_id: str, run_id: str):
    run = _own_run(request, business_id, run_id)
    return render(request, "banking/run_detail.html", {"run": run})


@require_POST
@business_page(Capability.ADMINISTER)
def run_mark_sent(request, business_id: str, run_id: str):
    _own_run(request, business_id, run_id)
    with service_errors() as problems:
        runs.payment_run_mark_sent(run_id=run_id, actor=request.user)
    if problems:
        for message in problems.general:
            messages.error(request, message)
    else:
        messages.success(request, "Marked as sent to the bank.")
    return redirect("run-detail", business_id=business_id, run_id=run_id)
