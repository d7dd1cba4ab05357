"""What notifications does when an app below it tells of a change (connected in ``apps.py``)."""

from notifications.services import notify_connection_accepted, notify_member_joined


def member_joined(sender, *, membership, **kwargs) -> None:
    """``accounts.signals.member_joined``: the business's owners and admins hear of it."""
    notify_member_joined(membership=membership)


def connection_accepted(sender, *, connection, **kwargs) -> None:
    """``connections.signals.connection_accepted``: the inviting business hears of it."""
    notify_connection_accepted(connection=connection)
