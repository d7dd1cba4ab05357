"""
What files asks the apps above it, which it does not import (``lint-imports`` keeps it so).
"""

from django.dispatch import Signal

# Which files may these businesses read besides their own uploads? Sent with ``business_ids=``;
# each receiver returns a queryset of file IDs (``values("file_id")``) shared with them through
# what the files are attached to: payables answers for a payable's attachments.
shared_file_ids = Signal()
