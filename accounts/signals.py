"""
What accounts tells the apps above it, which it does not import (``lint-imports`` keeps it so).

Receivers are connected in the receiving app's ``AppConfig.ready()`` (its ``receivers.py``) and
run synchronously, inside the sender's transaction: what they write commits or rolls back with
the sender's change, exactly as a direct call would.
"""

from django.dispatch import Signal

# A business now has an owner whose e-mail address is verified: a business just created by a
# verified user, or the only business of a user who just verified their address. Sent with
# ``business=`` and ``user=``; connections binds the invitations sent to that address.
business_owner_verified = Signal()

# A person joined a business by accepting a member invitation. Sent with ``membership=``;
# notifications tells the business's owners and admins.
member_joined = Signal()
