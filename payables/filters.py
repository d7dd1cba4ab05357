"""Query filters of the payable lists (docs/api/payables.md), as django-filter filter sets.

Parameter names are the API's (camelCase), so a form error names the parameter the client sent.
Ranges are inclusive: ``dueAfter=2026-05-01&dueBefore=2026-05-31`` is the whole of May.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cleopay.core import ids
from cleopay.core.api.filtering import CachedFormFilterSet
from cleopay.core.money import is_decimal_text
from payables.models import OPEN_STATUSES, PayableStatus, PayableTag
from payables.querysets import FAILED_PAYMENT_DAYS

BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


class StatusListField(forms.CharField):
    """``SUBMITTED`` or ``SUBMITTED,APPROVED`` (case-insensitive) → a list of statuses."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        statuses = []
        for raw in value.split(","):
            status = raw.strip().upper()
            if status not in PayableStatus.values:
                raise forms.ValidationError(
                    f"Unknown status {raw.strip()!r}; use {', '.join(PayableStatus.values)}."
                )
            statuses.append(status)
        return statuses


class StatusListFilter(django_filters.Filter):
    field_class = StatusListField

    def filter(self, qs, value):
        return qs.filter(status__in=value) if value else qs


class AmountField(forms.DecimalField):
    """An amount in a query string: ASCII digits (``Decimal()`` alone also reads ``"1_000"``
    and digits of other scripts)."""

    def to_python(self, value):
        if value not in self.empty_values and not is_decimal_text(str(value).strip()):
            raise forms.ValidationError("Must be a number such as 2500.00.", code="invalid")
        return super().to_python(value)


class AmountFilter(django_filters.NumberFilter):
    field_class = AmountField


class PayableFilter(CachedFormFilterSet):
    """Filters one business's payables; ``business_id`` and ``user`` say who is looking."""

    direction = django_filters.ChoiceFilter(
        choices=[("incoming", "incoming"), ("outgoing", "outgoing")], method="filter_direction"
    )
    status = StatusListFilter(max_length=200)
    connectionId = django_filters.CharFilter(field_name="connection_id", max_length=ids.MAX_LENGTH)
    dueBefore = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    dueAfter = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    amountMin = AmountFilter(
        field_name="amount", lookup_expr="gte", max_digits=12, decimal_places=2
    )
    amountMax = AmountFilter(
        field_name="amount", lookup_expr="lte", max_digits=12, decimal_places=2
    )
    tag = django_filters.CharFilter(method="filter_tag", max_length=100)
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    awaitingMyApproval = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_awaiting"
    )
    # Still to be paid (submitted, approved or scheduled): what the aging reports count, so a
    # report's bucket links to exactly its bills with ``open=true&dueAfter=…&dueBefore=…``.
    open = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_open")
    # Still to be paid at the end of that day, for what was due then (``PayableQuerySet.owed_on``,
    # the aging reports' own predicate): a past report's bucket links to exactly its bills.
    asOf = django_filters.DateFilter(method="filter_as_of")
    # Approved bills whose payment failed in the last ``FAILED_PAYMENT_DAYS``: to pay again.
    paymentFailed = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_payment_failed"
    )
    # A payment on its way dated in the range (the cash-flow report's "scheduled" bars); both
    # read together by ``filter_queryset``.
    scheduledAfter = django_filters.DateFilter(method="filter_checked_only")
    scheduledBefore = django_filters.DateFilter(method="filter_checked_only")

    def __init__(self, *args, business_id: str, user, **kwargs):
        self.business_id = business_id
        self.user = user
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        after = self.form.cleaned_data.get("scheduledAfter")
        before = self.form.cleaned_data.get("scheduledBefore")
        if after or before:
            queryset = queryset.scheduled_between(after, before)
        return queryset

    def filter_checked_only(self, qs, name, value):
        return qs

    def filter_as_of(self, qs, name, value):
        return qs.owed_on(value, today=timezone.now().date())

    def filter_payment_failed(self, qs, name, value):
        if value != "true":
            return qs
        today = timezone.now().date()
        return qs.payment_failed_since(today - datetime.timedelta(days=FAILED_PAYMENT_DAYS))

    def filter_direction(self, qs, name, value):
        # The list already starts from that side (``selectors.payable_filter``), so that its
        # query names one column: here the value is only checked.
        return qs

    def filter_tag(self, qs, name, value):
        """A tag of the listing business, by ID (``tag_...``) or by name (case-insensitive)."""
        links = PayableTag.objects.filter(payable=OuterRef("pk"), tag__business_id=self.business_id)
        if ids.is_public_id(value, "tag"):
            links = links.filter(tag_id=value)
        else:
            links = links.filter(tag__name__iexact=value)
        return qs.filter(Exists(links))

    def filter_search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(invoice_number__icontains=value) | Q(memo__icontains=value))

    def filter_open(self, qs, name, value):
        if value == "true":
            return qs.filter(status__in=OPEN_STATUSES)
        if value == "false":
            return qs.exclude(status__in=OPEN_STATUSES)
        return qs

    def filter_awaiting(self, qs, name, value):
        if value == "true":
            return qs.awaiting_approval_by(self.user, self.business_id)
        return qs
