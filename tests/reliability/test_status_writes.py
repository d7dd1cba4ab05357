"""Statuses change only through the state machines, under a row lock.

A static check reads every Python module of the product (not tests, not migrations) and fails on
any write of a ``status`` that skips the fsm transitions: ``QuerySet.update(status=...)``,
``bulk_update(..., ["status"])``, ``setattr(obj, "status", ...)``, ``obj.status = <a status>``
(the way review rounds were once closed) or SQL text that sets a status column. Beside it, every fsm status field of every model is ``protected=True`` and proven
unassignable, and every service that runs a transition locks its row first.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

from tests.reliability.report import figure

ROOT = Path(__file__).resolve().parents[2]
# Directories that are not the product: the test suite, and the benchmark's data loader, which
# fills a throwaway database with COPY (it never changes a status of a live row).
NOT_PRODUCT = {"tests", "bench", ".venv", "var", "node_modules", "staticfiles", "static"}
SQL_SETS_STATUS = re.compile(r"\bUPDATE\b[^;]*\bSET\b[^;]*\bstatus\b", re.IGNORECASE | re.DOTALL)


def product_modules() -> list[Path]:
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_PRODUCT or parts[0].startswith(".") or "migrations" in parts:
            continue
        modules.append(path)
    return modules


def _keyword_names(call: ast.Call) -> set[str]:
    return {kw.arg for kw in call.keywords if kw.arg}


def _mentions_status(node) -> bool:
    return any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.endswith("status")
        for n in ast.walk(node)
    )


def _is_status_value(node) -> bool:
    """A status value: a string, or a member of a ``...Status`` enum (or its short alias, ``S.PAID``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = node.value.id
        return owner.endswith("Status") or (len(owner) <= 2 and owner.isupper())
    return False


def status_writes(source: str, filename: str = "<source>") -> list[str]:
    """Each place in ``source`` that writes a status around the state machine."""
    found = []
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "update" and any(k.endswith("status") for k in _keyword_names(node)):
                found.append(f"{where}: .update() sets a status")
            if name == "update" and any(
                kw.arg is None and _mentions_status(kw.value) for kw in node.keywords
            ):
                found.append(f"{where}: .update(**...) sets a status")
            if name == "bulk_update" and any(_mentions_status(arg) for arg in node.args[1:]):
                found.append(f"{where}: bulk_update() of a status")
            if name == "setattr" and len(node.args) >= 2 and _mentions_status(node.args[1]):
                found.append(f"{where}: setattr() of a status")
        if (
            isinstance(node, ast.Assign)
            and _is_status_value(node.value)
            and any(
                isinstance(target, ast.Attribute) and target.attr == "status"
                for target in node.targets
            )
        ):
            found.append(f"{where}: a status assigned by hand")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_SETS_STATUS.search(node.value)
        ):
            found.append(f"{where}: SQL that sets a status")
    return found


def test_no_product_code_writes_a_status_around_the_state_machine():
    modules = product_modules()
    assert len(modules) > 50, "the scan must see the product's modules"
    found = []
    for path in modules:
        found += status_writes(path.read_text(), str(path.relative_to(ROOT)))
    figure("status-writes", modules_scanned=len(modules), writes_around_fsm=len(found))
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        'Payable.objects.filter(pk=pk).update(status="PAID")',
        "Payment.objects.filter(pk=pk).update(amount=1, status=P.COMPLETED)",
        'qs.update(**{"status": "PAID"})',
        'Payable.objects.bulk_update(rows, ["status", "paid_at"])',
        'setattr(payable, "status", "PAID")',
        'cursor.execute("UPDATE payables_payable SET status = %s WHERE id = %s", [s, pk])',
        "Payable.objects.raw(\"update payables_payable set memo = '', status = 'PAID'\")",
        'connection.cursor().execute("""\n  UPDATE payables_payment\n  SET status = \'completed\'""")',
        "request.status = ApprovalRequestStatus.APPROVED",
        'pending.status = "cancelled"',
        "payable.status = S.PAID",
    ],
)
def test_the_scan_catches_each_way_around_the_state_machine(snippet):
    assert len(status_writes(snippet)) == 1


@pytest.mark.parametrize(
    "snippet",
    [
        'Payable.objects.filter(status="APPROVED").update(memo="x")',
        "payable.save(update_fields=['status', 'paid_at'])",
        'cursor.execute("SELECT status FROM payables_payable")',
        'Payable.objects.filter(pk=pk).update(approval_note="x")',
        "problems.status = 403",
        "problems.status = refused.status",
        "request.approve()\nrequest.save(update_fields=['status', 'closed_at'])",
    ],
)
def test_the_scan_leaves_reads_and_fsm_saves_alone(snippet):
    assert status_writes(snippet) == []


def fsm_fields():
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FSMFieldMixin)
    ]


def test_every_fsm_status_field_is_protected_and_cannot_be_assigned():
    fields = fsm_fields()
    assert {model.__name__ for model, _ in fields} >= {
        "Payable",
        "Payment",
        "Connection",
        "ApprovalRequest",
    }
    for model, field in fields:
        assert field.protected, f"{model.__name__}.{field.name} must be protected=True"
        obj = model()
        with pytest.raises(AttributeError):
            setattr(obj, field.name, field.choices[-1][0])
    figure("fsm-fields", protected=len(fields), assignable=0)


# The modules whose services run fsm transitions. The review rounds' (``approvals/review.py``)
# run inside the payables services' transactions, under the payable's lock: they lock their own
# rows, and the transaction is their caller's.
SERVICE_MODULES = {
    "payables": sorted((ROOT / "payables" / "services").glob("*.py")),
    "connections": [ROOT / "connections" / "services.py"],
    "approvals": [ROOT / "approvals" / "review.py"],
}
IN_CALLERS_TRANSACTION = {"approvals"}
RUN_UNDER_CALLERS_LOCK = {"submit_payable"}


def _services_with_transitions() -> list[tuple[str, str, ast.FunctionDef]]:
    """Public service functions of the apps that hold fsm models, with their module's source."""
    out = []
    for app, paths in SERVICE_MODULES.items():
        for path in paths:
            source = path.read_text()
            tree = ast.parse(source)
            out += [(app, source, node) for node in tree.body if isinstance(node, ast.FunctionDef)]
    return out


def test_every_transition_runs_in_a_transaction_under_a_row_lock():
    """A service that calls an fsm transition holds a ``select_for_update`` lock (directly or
    through a ``_lock*`` helper) inside ``transaction.atomic``."""
    transitions = {
        name
        for model in apps.get_models()
        for name, value in vars(model).items()
        if hasattr(value, "_django_fsm")
    }
    checked = 0
    for app, source, function in _services_with_transitions():
        calls = {
            node.func.attr
            for node in ast.walk(function)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        called_names = {
            node.func.id
            for node in ast.walk(function)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        # Private helpers, and the steps that take a payable their caller locked
        # (``submit_payable`` inside ``payable_submit`` and ``payable_create``), run under that
        # lock; the payment steps ``_claim`` and ``_settle`` are their own.
        private = (
            function.name.startswith("_") or function.name in RUN_UNDER_CALLERS_LOCK
        ) and function.name not in {"_claim", "_settle"}
        if private or not (calls & transitions):
            continue
        checked += 1
        body = ast.get_source_segment(source, function) or ""
        locks = "select_for_update" in body or any(
            n.startswith(("_lock", "lock_")) for n in called_names
        )
        atomic = (
            any("atomic" in ast.unparse(decorator) for decorator in function.decorator_list)
            or "transaction.atomic()" in body
        )
        assert locks, f"{app}.services.{function.name} runs a transition without a row lock"
        assert atomic or app in IN_CALLERS_TRANSACTION, (
            f"{app}.services.{function.name} runs a transition outside a transaction"
        )
    figure("locked-transitions", services_checked=checked, unlocked=0)
    assert checked >= 14
