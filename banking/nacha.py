"""
A NACHA ACH file of credits: pure, fixed-width, no database.

One file, one batch (service class 220, credits only, SEC code ``CCD``), one entry per payee
with one addenda record (type 05) naming the invoice numbers it pays. Records are 94
characters; the file is padded with lines of nines to a multiple of 10 records (the blocking
factor). Totals and hashes follow the NACHA Operating Rules:

- entry hash: the sum of the entries' 8-digit RDFI routing prefixes, its last 10 digits;
- entry/addenda count: entries plus addenda records;
- block count: records (header to file control, padding included) / 10.

The file is unbalanced (no offsetting debit): the originating bank debits the funding account
for the batch total, which is how most banks take payables files. CCD allows one addenda per
entry, so a payee paid for many invoices gets as many numbers as fit in its 80 characters and
"+N MORE" for the rest.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
SERVICE_CLASS_CREDITS = "220"
TRANSACTION_CODES = {"checking": "22", "savings": "32"}
ADDENDA_LENGTH = 80
MAX_ENTRY_CENTS = 9_999_999_999
_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()*+,-./:;<>=?@_#%$")


@dataclass(frozen=True)
class Originator:
    """The paying business and its bank (the ODFI)."""

    company_name: str
    company_id: str  # 10 characters, as the bank assigned it
    routing_number: str  # the funding account's bank
    bank_name: str = ""
    entry_description: str = "PAYABLES"


@dataclass(frozen=True)
class Credit:
    """One entry: money to one payee's receiving account."""

    routing_number: str
    account_number: str
    account_type: str  # checking or savings
    amount: Decimal
    name: str
    id_number: str = ""
    invoice_numbers: list[str] = field(default_factory=list)


def _text(value: str, width: int) -> str:
    """Upper-case, the ACH character set only, left-justified and cut to ``width``."""
    clean = "".join(c if c in _ALLOWED else " " for c in value.upper())
    return clean[:width].ljust(width)


def _number(value: int, width: int) -> str:
    digits = str(value)
    if value < 0 or len(digits) > width:
        raise ValueError(f"{value} does not fit in {width} digits")
    return digits.zfill(width)


def _cents(amount: Decimal) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value() or cents <= 0 or cents > MAX_ENTRY_CENTS:
        raise ValueError(f"not an entry amount: {amount}")
    return int(cents)


def _routing(value: str) -> str:
    if len(value) != 9 or not value.isdigit():
        raise ValueError("a routing number has 9 digits")
    return value


def addenda_text(invoice_numbers: list[str]) -> str:
    """``INV 1001,1002`` within 80 characters; ``+N MORE`` for the numbers that do not fit."""
    numbers = [_text(n, ADDENDA_LENGTH).strip() for n in invoice_numbers]
    text = "INV " + ",".join(numbers)
    if len(text) <= ADDENDA_LENGTH:
        return text
    for kept in range(len(numbers) - 1, -1, -1):
        text = "INV " + ",".join(numbers[:kept]) + f" +{len(numbers) - kept} MORE"
        if len(text) <= ADDENDA_LENGTH:
            return text
    return f"INV +{len(numbers)} MORE"


def _checked(record: str) -> str:
    if len(record) != RECORD_LENGTH:
        raise AssertionError(f"record of {len(record)} characters: {record!r}")
    return record


def nacha_file(
    *,
    originator: Originator,
    credits: list[Credit],
    effective_date: datetime.date,
    created_at: datetime.datetime,
    file_id_modifier: str = "A",
    reference: str = "",
) -> str:
    """The whole file, records separated by newlines (one after the last)."""
    if not credits:
        raise ValueError("a file needs at least one entry")
    odfi = _routing(originator.routing_number)[:8]
    company_id = _text(originator.company_id, 10)
    records = [
        "1"
        + "01"
        + " "
        + _routing(originator.routing_number)
        + company_id
        + created_at.strftime("%y%m%d")
        + created_at.strftime("%H%M")
        + _text(file_id_modifier, 1)
        + "094"
        + _number(BLOCKING_FACTOR, 2)
        + "1"
        + _text(originator.bank_name, 23)
        + _text(originator.company_name, 23)
        + _text(reference, 8),
        "5"
        + SERVICE_CLASS_CREDITS
        + _text(originator.company_name, 16)
        + _text("", 20)
        + company_id
        + "CCD"
        + _text(originator.entry_description, 10)
        + effective_date.strftime("%y%m%d")
        + effective_date.strftime("%y%m%d")
        + "   "
        + "1"
        + odfi
        + _number(1, 7),
    ]
    entry_hash = total_credit = count = 0
    for sequence, credit in enumerate(credits, start=1):
        routing = _routing(credit.routing_number)
        cents = _cents(credit.amount)
        trace = odfi + _number(sequence, 7)
        records.append(
            "6"
            + TRANSACTION_CODES[credit.account_type]
            + routing
            + _text(credit.account_number, 17)
            + _number(cents, 10)
            + _text(credit.id_number, 15)
            + _text(credit.name, 22)
            + "  "
            + "1"
            + trace
        )
        records.append(
            "7"
            + "05"
            + _text(addenda_text(credit.invoice_numbers), ADDENDA_LENGTH)
            + _number(1, 4)
            + trace[-7:]
        )
        entry_hash += int(routing[:8])
        total_credit += cents
        count += 2
    hash_digits = _number(entry_hash % 10**10, 10)
    records.append(
        "8"
        + SERVICE_CLASS_CREDITS
        + _number(count, 6)
        + hash_digits
        + _number(0, 12)
        + _number(total_credit, 12)
        + company_id
        + " " * 19
        + " " * 6
        + odfi
        + _number(1, 7)
    )
    blocks = -(-(len(records) + 1) // BLOCKING_FACTOR)
    records.append(
        "9"
        + _number(1, 6)
        + _number(blocks, 6)
        + _number(count, 8)
        + hash_digits
        + _number(0, 12)
        + _number(total_credit, 12)
        + " " * 39
    )
    records.extend(["9" * RECORD_LENGTH] * (blocks * BLOCKING_FACTOR - len(records)))
    return "\n".join(_checked(record) for record in records) + "\n"
