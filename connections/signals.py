"""
What connections tells the apps above it, which it does not import (``lint-imports`` keeps it
so). Receivers run synchronously inside the sender's transaction (see ``accounts.signals``).
"""

from django.dispatch import Signal

# The invited business accepted a connection. Sent with ``connection=``; notifications tells
# the inviting business.
connection_accepted = Signal()
