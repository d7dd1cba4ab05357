"""Writes of custom field definitions: the fields a payer asks its payees to fill in, each
written by an owner or admin of the payer (``accounts.permissions``)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from accounts.models import User
from accounts.permissions import Capability, require, role_allows, roles_of
from approvals.custom_fields import visible_when_clean
from approvals.field_values import CUSTOM_FIELD_CLEANERS
from approvals.models import CustomFieldDefinition, CustomFieldType
from cleopay.core.errors import Conflict, ConflictCode, field_error


def _lock_definition(*, custom_field_id: str, actor: User) -> CustomFieldDefinition:
    """The live definition, locked, through the actor's businesses (another's, or a deleted
    one, is a 404); 403 unless the actor administers its business."""
    definition = (
        CustomFieldDefinition.objects.live()
        .select_for_update()
        .filter(pk=custom_field_id, business_id__in=list(roles_of(actor)))
        .first()
    )
    if definition is None:
        raise NotFound("Not found.")
    require(actor, definition.business_id, Capability.ADMINISTER)
    return definition


def _clean_options(*, field_type: str, options: list[str] | None) -> list[str]:
    """A select field's choices: at least one, no repeats; every other type has none."""
    options = list(options or [])
    if field_type not in (CustomFieldType.SELECT, CustomFieldType.MULTI_SELECT):
        if options:
            raise field_error("options", "Only a select or multi_select field has options.")
        return []
    if not options:
        raise field_error("options", f"A {field_type} field needs at least one option.")
    seen: set[str] = set()
    errors: dict[str, list[str]] = {}
    for index, option in enumerate(options):
        if option in seen:
            errors[f"options[{index}]"] = [f'"{option}" is listed twice.']
        seen.add(option)
    if errors:
        raise ValidationError(errors)
    return options


def _duplicate_key(key: str) -> Conflict:
    return Conflict(
        f'A custom field with the key "{key}" already exists.', code=ConflictCode.DUPLICATE
    )


@transaction.atomic
def custom_field_create(
    *,
    business_id: str,
    actor: User,
    key: str,
    label: str,
    field_type: str,
    required: bool = False,
    scope: str = "payable",
    options: list[str] | None = None,
    position: int = 0,
    active: bool = True,
    placeholder: str = "",
    visible_when: dict | None = None,
) -> CustomFieldDefinition:
    """A new definition, by an owner or admin of the business; its key is unique among the
    business's live definitions (409)."""
    require(actor, business_id, Capability.ADMINISTER)
    options = _clean_options(field_type=field_type, options=options)
    visible_when = visible_when_clean(
        business_id=business_id,
        key=key,
        scope=scope,
        condition=visible_when,
        cleaners=CUSTOM_FIELD_CLEANERS,
    )
    try:
        with transaction.atomic():
            return CustomFieldDefinition.objects.create(
                business_id=business_id,
                key=key,
                label=label,
                type=field_type,
                required=required,
                scope=scope,
                options=options,
                position=position,
                active=active,
                placeholder=placeholder,
                visible_when=visible_when,
            )
    except IntegrityError:
        raise _duplicate_key(key) from None


IMMUTABLE_CUSTOM_FIELD_KEYS = ("key", "type", "scope")


@transaction.atomic
def custom_field_update(
    *, custom_field_id: str, actor: User, changes: dict[str, Any]
) -> CustomFieldDefinition:
    """Apply a PATCH. ``key``, ``type`` and ``scope`` are fixed at creation: past values were
    written against them (sending the current value is accepted)."""
    definition = _lock_definition(custom_field_id=custom_field_id, actor=actor)
    errors = {
        name: [f"The {name} of a custom field cannot be changed; create a new field instead."]
        for name in IMMUTABLE_CUSTOM_FIELD_KEYS
        if name in changes and changes[name] != getattr(definition, name)
    }
    if errors:
        raise ValidationError(errors)

    fields = []
    for name in ("label", "required", "position", "active", "placeholder"):
        if name in changes:
            setattr(definition, name, changes[name])
            fields.append(name)
    if "visible_when" in changes:
        definition.visible_when = visible_when_clean(
            business_id=definition.business_id,
            key=definition.key,
            scope=definition.scope,
            condition=changes["visible_when"],
            cleaners=CUSTOM_FIELD_CLEANERS,
        )
        fields.append("visible_when")
    if "options" in changes:
        definition.options = _clean_options(field_type=definition.type, options=changes["options"])
        fields.append("options")
    definition.save(update_fields=[*fields, "updated_at"])
    return definition


@transaction.atomic
def custom_field_delete(*, custom_field_id: str, actor: User) -> None:
    """Retire a definition, by an owner or admin of its business: past values stay readable
    under it and its key becomes free."""
    roles = roles_of(actor)
    administered = [b for b, role in roles.items() if role_allows(role, Capability.ADMINISTER)]
    now = timezone.now()
    retired = (
        CustomFieldDefinition.objects.live()
        .filter(pk=custom_field_id, business_id__in=administered)
        .update(deleted_at=now, active=False, updated_at=now)
    )
    if not retired:
        # Not retired: a definition of a business the actor does not administer (403), or none
        # the actor can see (404).
        _lock_definition(custom_field_id=custom_field_id, actor=actor)
