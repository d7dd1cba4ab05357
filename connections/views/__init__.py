"""Pages of connections, one module per concern: ``connections`` (the list with invitations, one
connection's settings, the CSV export) and ``tags`` (the business's tags)."""

from connections.views.connections import (
    connection_accept,
    connection_archive,
    connection_detail,
    connection_export,
    connection_list_page,
)
from connections.views.tags import settings_tags, tag_delete, tag_rename

__all__ = [
    "connection_accept",
    "connection_archive",
    "connection_detail",
    "connection_export",
    "connection_list_page",
    "settings_tags",
    "tag_delete",
    "tag_rename",
]
