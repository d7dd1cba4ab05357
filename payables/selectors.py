"""Reads of payables, always through the caller's businesses.

A payable is seen from one side at a time (the "viewing business"): that side's tags, and the
approval for the payer only. Lists are seen from the business in the URL; a single payable
from ``?businessId=`` when given, else from the payee side if the caller is on it, else the
payer's.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from rest_framework.exceptions import NotFound, ValidationError

from accounts.permissions import roles_of
from approvals.models import ApprovalDecision
from approvals.selectors import approval_overview, latest_approval_request_prefetch
from cleopay.core.ids import require_id_shape
from payables.filters import PayableFilter
from payables.models import (
    EventVisibility,
    LineItem,
    Payable,
    PayableAttachment,
    PayableEvent,
    PayableStatus,
    PayableTag,
    Payment,
)
from payables.querysets import PAYEE, PAYER, side_of, viewer_of


def _viewer_tags(business_id: str) -> Prefetch:
    return Prefetch(
        "tag_links",
        queryset=PayableTag.objects.filter(tag__business_id=business_id)
        .select_related("tag")
        .order_by("tag__name", "tag_id"),
        to_attr="viewer_tag_links",
    )


# The order of every payables list: newest first, ties broken by the ID.
LIST_ORDERING = ("-created_at", "-id")


def _one_side_or_both(business_id: str, direction: str | None) -> QuerySet[Payable]:
    """The payables the list starts from. With a direction, only that side's (the filter set
    only checks the value), so the query names one column and an index on it serves it alone."""
    if direction == "incoming":
        return Payable.objects.incoming(business_id)
    if direction == "outgoing":
        return Payable.objects.outgoing(business_id)
    return Payable.objects.seen_by(business_id)


def payable_filter(
    *, business_id: str, user, params, connection_id: str | None = None
) -> QuerySet[Payable]:
    """The business's payables (drafts only as the payee), filtered by ``params``, newest first.

    Only which rows and in what order: the list's rows (``payables.listing``) and the export
    choose their columns; ``payable_list`` reads model instances. Invalid filter values are a
    400 naming the parameter.
    """
    queryset = _one_side_or_both(business_id, params.get("direction"))
    if connection_id is not None:
        queryset = queryset.filter(connection_id=connection_id)
    filterset = PayableFilter(data=params, queryset=queryset, business_id=business_id, user=user)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs.order_by(*LIST_ORDERING)


def payable_sides(*, business_id: str, user, params) -> list[QuerySet[Payable]] | None:
    """A list of both directions as its two sides, each filtered by ``params`` like
    ``payable_filter`` (None when ``params`` name a direction).

    The sides are disjoint (a business cannot connect to itself), and each is one index range
    in the list's order, where their OR is none: without them, the first page of a business
    with most of a million payables sorted all of them (0.9 s). The paginator reads each side's
    first rows and merges them.
    """
    if params.get("direction"):
        return None
    sides = []
    for direction in ("outgoing", "incoming"):
        one_side = params.copy()
        one_side["direction"] = direction
        sides.append(payable_filter(business_id=business_id, user=user, params=one_side))
    return sides


def payable_list(
    *, business_id: str, user, params, connection_id: str | None = None
) -> QuerySet[Payable]:
    """``payable_filter`` as model instances, with both businesses and the viewer's tags."""
    return (
        payable_filter(
            business_id=business_id, user=user, params=params, connection_id=connection_id
        )
        .select_related("payee", "payer")
        .prefetch_related(_viewer_tags(business_id))
    )


def viewing_business(*, user, payable_id: str, prefer: str | None = None) -> str:
    """The business ``user`` sees the payable from (404 if from none, or not from ``prefer``):
    the payee side when the user is on it, else the payer's (``seen_by`` / ``side_of``)."""
    return _viewing(user=user, payable_id=payable_id, prefer=prefer)[0]


def _viewing(*, user, payable_id: str, prefer: str | None) -> tuple[str, str]:
    """``viewing_business`` and the side it is (``PAYEE`` / ``PAYER``), in one query."""
    require_id_shape(payable_id, "pay")
    roles = roles_of(user)
    row = (
        Payable.objects.seen_by(roles.keys())
        .filter(pk=payable_id)
        .values("payee_id", "payer_id", "submitted_at")
        .first()
    )
    if row is None:
        raise NotFound("Not found.")
    # what ``side_of`` reads, without a model instance
    found = viewer_of(SimpleNamespace(**row), roles, prefer=prefer)
    if found is None:
        raise NotFound("Not found.")
    side, business_id = found
    return business_id, side


def _detail_prefetches(business_id: str) -> list:
    return [
        Prefetch("line_items", queryset=LineItem.objects.order_by("position")),
        Prefetch(
            "attachment_links",
            queryset=PayableAttachment.objects.select_related("file").order_by("position"),
        ),
        _viewer_tags(business_id),
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id")),
    ]


def payable_detail(*, payable_id: str, business_id: str) -> Payable:
    """Everything the detail shows, in a fixed number of queries (the side was checked before).

    The review round and its decisions are read for the payer only, the one side that sees them.
    """
    payable = (
        Payable.objects.select_related("payee", "payer")
        .prefetch_related(*_detail_prefetches(business_id))
        .get(pk=payable_id)
    )
    if side_of(payable, business_id) == PAYER:
        prefetch_related_objects([payable], latest_approval_request_prefetch())
    return payable


def payable_detail_of(payable: Payable, *, business_id: str) -> Payable:
    """``payable_detail`` of a payable a service has just written and still holds (its payee
    and payer selected with it): its related rows are read, its own row is not read again."""
    payable._prefetched_objects_cache = {}
    prefetch_related_objects([payable], *_detail_prefetches(business_id))
    if side_of(payable, business_id) == PAYER:
        prefetch_related_objects([payable], latest_approval_request_prefetch())
    return payable


@dataclass(frozen=True)
class ReviewStep:
    """One step of the payer's review, for display."""

    number: int  # 1-based
    required: int
    approved: int
    decisions: list  # ``approvals.models.Approval`` rows: user, on_behalf_of, decision, reason…
    state: str  # done, current, waiting or declined
    waiting_on: list  # the users who may still approve it


@dataclass(frozen=True)
class Review:
    """The payer's review of a payable (``approvals.selectors.approval_overview``), as values."""

    status: str
    outcome: str
    workflow: dict | None  # {"id", "name"} as it was at submission
    blocked: bool
    blocked_reason: str | None
    steps: list[ReviewStep]


def payable_review(*, payable: Payable, business_id: str) -> Review | None:
    """The review as ``business_id`` sees it: None for the payee, who does not, and before
    submission. Each step says whether it is done, under way, waiting or declined, who
    decided and who may still approve it."""
    if side_of(payable, business_id) != PAYER or not payable.approval_status:
        return None
    overview = approval_overview(payable=payable)
    current = overview["current_step"]
    steps = []
    for index, step in enumerate(overview["steps"]):
        decisions = step["approvals"]
        approved = [d for d in decisions if d.decision == ApprovalDecision.APPROVED]
        required = step["required_approvals"]
        if any(d.decision == ApprovalDecision.DECLINED for d in decisions):
            state = "declined"
        elif len(approved) >= required:
            state = "done"
        elif current is not None and step["position"] == current:
            state = "current"
        else:
            state = "waiting"
        deciders = {d.user_id for d in decisions} | {d.on_behalf_of_id for d in decisions}
        steps.append(
            ReviewStep(
                number=index + 1,
                required=required,
                approved=len(approved),
                decisions=decisions,
                state=state,
                waiting_on=[u for u in step["approvers"] if u.pk not in deciders],
            )
        )
    return Review(
        status=overview["status"],
        outcome=overview["outcome"],
        workflow=overview["workflow"],
        blocked=overview["blocked"],
        blocked_reason=overview["blocked_reason"],
        steps=steps,
    )


def payable_get(*, user, payable_id: str, prefer: str | None = None) -> tuple[Payable, str]:
    """A payable the caller may see, and the business it is seen from."""
    business_id = viewing_business(user=user, payable_id=payable_id, prefer=prefer)
    return payable_detail(payable_id=payable_id, business_id=business_id), business_id


def payable_event_list(*, user, payable_id: str, prefer: str | None = None) -> QuerySet:
    """The timeline, oldest first, as the caller's side may read it (``PayableEvent.visibility``,
    ``PayableEventQuerySet.seen_by``): the payer never sees the payee's drafting, the payee
    never the payer's review, and neither side the other's tagging. Events that end in DRAFT
    stay the payee's whatever their type."""
    business_id, side_name = _viewing(user=user, payable_id=payable_id, prefer=prefer)
    is_payee = side_name == PAYEE
    side = EventVisibility.PAYEE if is_payee else EventVisibility.PAYER
    events = (
        PayableEvent.objects.filter(payable_id=payable_id)
        .seen_by(side=side, viewer_business_id=business_id)
        .select_related("actor")
    )
    if not is_payee:
        events = events.exclude(to_status=PayableStatus.DRAFT)
    return events.order_by("position", "id")


def awaits_approval(*, user, payable: Payable, business_id: str) -> bool:
    """Whether ``payable`` awaits ``user``'s approval in ``business_id`` now (one query, none
    unless it is submitted)."""
    return (
        payable.status == PayableStatus.SUBMITTED
        and Payable.objects.awaiting_approval_by(user, business_id).filter(pk=payable.pk).exists()
    )


def awaiting_ids(*, user, business_id: str, payable_ids) -> set[str]:
    """Which of ``payable_ids`` await ``user``'s approval (one query, none without APPROVE)."""
    return set(
        Payable.objects.awaiting_approval_by(user, business_id)
        .filter(pk__in=list(payable_ids))
        .values_list("pk", flat=True)
    )


# Counts on pages stop at this many (shown as "1,000+"), so that counting costs the same at a
# million payables as at a hundred: an exact count reads every row of the business each time.
COUNT_CAP = 1000


def _capped_count(queryset) -> int:
    """``queryset``'s rows, counted up to ``COUNT_CAP + 1`` (more reads as COUNT_CAP + 1).

    Kept in the list's order (newest first), so the database walks the list's own index and
    stops at the cap."""
    return queryset[: COUNT_CAP + 1].count()


def payable_tab_counts(
    *, business_id: str, user, params, statuses, awaiting: bool = False
) -> dict[str, int]:
    """How many of the payables ``params`` filter (one direction, no status) are in each of
    ``statuses``, in all of them ("all") and, with ``awaiting``, await ``user``'s approval;
    each counted up to ``COUNT_CAP + 1``. Statuses with none are left out.

    One query: a capped count per tab, joined by ``UNION ALL``. A ``GROUP BY status`` would be
    one query too, but it reads every matching row, where each capped count stops at the cap
    on the list's own index, so the tabs cost the same at a million payables as at a hundred.
    """
    base = payable_filter(business_id=business_id, user=user, params=params)
    parts = [("all", base), *((status, base.filter(status=status)) for status in statuses)]
    if awaiting:
        parts.append(("awaiting", base.awaiting_approval_by(user, business_id)))
    selects, values = [], []
    for index, (key, queryset) in enumerate(parts):
        sql, sql_params = queryset.values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        # ``sql`` is the ORM's own compiled query; every value stays a parameter.
        selects.append(f"SELECT %s AS tab, COUNT(*) AS n FROM ({sql}) AS part_{index}")  # noqa: S608
        values += [key, *sql_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), values)
        counts = dict(cursor.fetchall())
    return {key: n for key, n in counts.items() if n or key in ("all", "awaiting")}


def awaiting_count(*, user, business_id: str) -> int:
    """How many incoming payables await ``user``'s approval in ``business_id`` (up to
    ``COUNT_CAP + 1``)."""
    return _capped_count(Payable.objects.awaiting_approval_by(user, business_id))


def incoming_by_ids(*, business_id: str, payable_ids) -> dict[str, Payable]:
    """The business's incoming (submitted) payables among ``payable_ids``, by ID; any other ID
    (another business's, one it sends, a draft) is left out, as one that does not exist."""
    queryset = Payable.objects.filter(
        pk__in=[pid for pid in payable_ids if isinstance(pid, str)],
        payer_id=business_id,
        submitted_at__isnull=False,
    ).select_related("payee", "connection")
    return {payable.pk: payable for payable in queryset}
