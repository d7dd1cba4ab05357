"""
What approvals tells the apps above it, which it does not import (``lint-imports`` keeps it so).

Receivers are connected in the receiving app's ``AppConfig.ready()`` (its ``receivers.py``) and
run synchronously, inside the sender's transaction.
"""

from django.dispatch import Signal

# Beat's sweep reminded the approvers of a payable's step, or escalated it
# (``approvals.reminders``). Sent with ``payable_id=`` and ``note=`` (who was told, and why);
# payables writes it on the payable's timeline.
approval_reminded = Signal()
