"""One writer per fact about a connection. Services call these inside their transaction."""

from connections.models import Connection, ConnectionEvent, ConnectionEventType


def _record(
    *,
    connection: Connection,
    type: str,
    actor=None,
    business_id: str | None = None,
    from_status: str = "",
    to_status: str = "",
    changes: dict | None = None,
) -> ConnectionEvent:
    return ConnectionEvent.objects.create(
        connection=connection,
        type=type,
        actor=actor,
        business_id=business_id,
        from_status=from_status,
        to_status=to_status,
        changes=changes or {},
    )


def connection_invited_event(*, connection: Connection, actor, business_id: str) -> ConnectionEvent:
    return _record(
        connection=connection,
        type=ConnectionEventType.INVITED,
        actor=actor,
        business_id=business_id,
        to_status=connection.status,
    )


def connection_bound_event(*, connection: Connection, actor, business_id: str) -> ConnectionEvent:
    """The e-mail invitation now points at ``business_id`` (created by ``actor``)."""
    return _record(
        connection=connection,
        type=ConnectionEventType.BOUND,
        actor=actor,
        business_id=business_id,
        changes={"invitedEmail": connection.invited_email},
    )


def connection_status_event(
    *, connection: Connection, type: str, actor, business_id: str, from_status: str
) -> ConnectionEvent:
    """Accepted or archived: the status moved from ``from_status`` to the current one."""
    return _record(
        connection=connection,
        type=type,
        actor=actor,
        business_id=business_id,
        from_status=from_status,
        to_status=connection.status,
    )


def connection_alias_changed_event(
    *, connection: Connection, actor, business_id: str, old: str, new: str
) -> ConnectionEvent:
    return _record(
        connection=connection,
        type=ConnectionEventType.ALIAS_CHANGED,
        actor=actor,
        business_id=business_id,
        changes={"alias": [old, new]},
    )


def connection_tags_changed_event(
    *, connection: Connection, actor, business_id: str, old: list[str], new: list[str]
) -> ConnectionEvent:
    return _record(
        connection=connection,
        type=ConnectionEventType.TAGS_CHANGED,
        actor=actor,
        business_id=business_id,
        changes={"tagIds": [old, new]},
    )


def connection_settings_changed_event(
    *, connection: Connection, actor, business_id: str, changes: dict
) -> ConnectionEvent:
    return _record(
        connection=connection,
        type=ConnectionEventType.SETTINGS_CHANGED,
        actor=actor,
        business_id=business_id,
        changes=changes,
    )


def connection_credit_event(
    *, connection: Connection, type: str, actor, business_id: str, credit_id: str, amount
) -> ConnectionEvent:
    """A credit issued on the connection, or voided (``credit.created``, ``credit.voided``)."""
    return _record(
        connection=connection,
        type=type,
        actor=actor,
        business_id=business_id,
        changes={"creditId": credit_id, "amount": f"{amount:.2f}"},
    )
