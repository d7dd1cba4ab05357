"""
Pages of payables, one module per concern: ``lists`` (the payer's inbox, the payee's
invoices), ``detail`` (one payable), ``actions`` (the table of a payable's actions, their
confirm step and result), ``bulk`` (the inbox's bulk actions), ``tags`` (a side's own tags on a
payable), ``editor`` (the invoice editor) and ``email_approval`` (the page of an approval e-mail's
approve and decline links, without a session).

Every read goes through ``payables.selectors`` (scoped to the caller, a foreign payable is a
404) and every change through ``payables.services``, with the API's own input serializers in
front: a page refuses exactly what the API refuses, with the same messages.
"""

from payables.views.actions import payable_action
from payables.views.bulk import inbox_bulk
from payables.views.detail import payable_detail, payable_redirect
from payables.views.editor import invoice_new, line_row, payable_edit
from payables.views.email_approval import email_approval
from payables.views.lists import inbox, inbox_export, invoices, invoices_export
from payables.views.tags import payable_tags

__all__ = [
    "email_approval",
    "inbox",
    "inbox_bulk",
    "inbox_export",
    "invoice_new",
    "invoices",
    "invoices_export",
    "line_row",
    "payable_action",
    "payable_detail",
    "payable_edit",
    "payable_redirect",
    "payable_tags",
]
