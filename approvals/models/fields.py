"""Custom field definitions: the fields a payer asks its payees to fill in."""

from django.db import models

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    SELECT = "select", "Select"
    MULTI_SELECT = "multi_select", "Multiple choice"
    BOOLEAN = "boolean", "Yes / no"


class CustomFieldScope(models.TextChoices):
    PAYABLE = "payable", "Payable"
    LINE_ITEM = "line_item", "Line item"


class CustomFieldQuerySet(models.QuerySet):
    def live(self):
        """Not deleted (active or not)."""
        return self.filter(deleted_at__isnull=True)

    def for_business(self, business_id: str):
        return self.filter(business_id=business_id)


class CustomFieldDefinition(models.Model):
    id = PublicIdField(prefix="cf")
    # The payer: its vendors fill the field in on the payables they send it.
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="custom_fields")
    # ^[A-Za-z][A-Za-z0-9_]{0,49}$ (``poNumber``, ``po_number``), checked by the API; immutable,
    # like ``type`` and ``scope``.
    key = models.CharField(max_length=50)
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=CustomFieldType.choices)
    required = models.BooleanField(default=False)
    scope = models.CharField(
        max_length=20, choices=CustomFieldScope.choices, default=CustomFieldScope.PAYABLE
    )
    # The choices of a ``select`` or ``multi_select`` field; empty for every other type.
    options = models.JSONField(default=list, blank=True)
    # A hint shown in the empty input of the payee's editor.
    placeholder = models.CharField(max_length=200, blank=True, default="")
    # ``{"key": <another field of the same scope>, "equals": <value>}``: the field is shown,
    # required and kept only while that field holds that value; null: always.
    visible_when = models.JSONField(
        null=True, blank=True, encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder
    )
    # Display order (the API's ``order``), then age.
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomFieldQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "key"],
                condition=models.Q(deleted_at__isnull=True),
                name="custom_field_key_unique_per_business",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=CustomFieldType.values),
                name="custom_field_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=CustomFieldScope.values),
                name="custom_field_scope_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["business", "position", "created_at"], name="custom_field_order_idx"
            ),
        ]
        ordering = ["position", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
