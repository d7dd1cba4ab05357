"""What connections does when an app below it tells of a change (connected in ``apps.py``)."""

from connections.services import connection_invitations_bind


def bind_invitations(sender, *, business, user, **kwargs) -> None:
    """``accounts.signals.business_owner_verified``: invitations to that address join it."""
    connection_invitations_bind(business=business, user=user)
