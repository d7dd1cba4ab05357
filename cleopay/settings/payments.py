"""Money and its notices: the payment rail, payment runs, bank account keys, webhooks."""

import os
from datetime import timedelta

from cleopay.settings.env import DEBUG, env_list

# --- Payments -------------------------------------------------------------------------------------
# The rail that moves money (dotted path to a class with ``transfer(...)``, see payables.rails).
PAYMENT_RAIL = os.environ.get("PAYMENT_RAIL", "payables.rails.LedgerRail")
# How a payment run's payments complete: "rail" (the rail above, on the run's date) or
# "bank_file" (the payer uploads the run's NACHA file; they complete when it is marked sent).
PAYMENT_RUN_SETTLEMENT = os.environ.get("PAYMENT_RUN_SETTLEMENT", "rail")
# Fernet keys for bank account numbers, comma-separated, newest first (banking.crypto).
BANK_ACCOUNT_KEYS = env_list("BANK_ACCOUNT_KEYS", [])
# A payment still "processing" this long after it started is driven again by the sweep (the rail
# is idempotent per payment, so a second call cannot move the money twice).
PAYMENT_PROCESSING_TIMEOUT = timedelta(
    seconds=int(os.environ.get("PAYMENT_PROCESSING_TIMEOUT_SECONDS", "300"))
)

# --- webhooks (webhooks app, docs/api/webhooks.md) -----------------------------------------------------------
# Loopback and private addresses as webhook URLs (development, tests): refused unless set.
WEBHOOK_ALLOW_PRIVATE_URLS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_URLS", "0") == "1"
# Only https:// URLs (the default unless DEBUG); "0" also allows http://.
WEBHOOK_REQUIRE_HTTPS = os.environ.get("WEBHOOK_REQUIRE_HTTPS", "0" if DEBUG else "1") != "0"
# One delivery attempt's whole exchange, and how much of the answer is read.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_RESPONSE_BYTES = int(os.environ.get("WEBHOOK_MAX_RESPONSE_BYTES", "65536"))
# Failed deliveries are retried this long, then the endpoint is disabled.
WEBHOOK_RETRY_WINDOW_HOURS = int(os.environ.get("WEBHOOK_RETRY_WINDOW_HOURS", "72"))
