"""
The ground floor every app stands on: public IDs, money and its formatting, API errors,
pagination, idempotency, the task outbox, CSV export, the API's DRF plumbing (``core.api``).

It imports no app (``lint-imports`` proves it). Its two models (``IdempotencyKey``,
``PendingTask``) keep the ``cleopay`` app label, so their tables and migrations are unchanged.
"""
