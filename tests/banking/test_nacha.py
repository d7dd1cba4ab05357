"""The NACHA writer, read back by an independent parser (achkit) and field by field."""

import datetime
from decimal import Decimal

import achkit
import pytest

from banking import nacha

ORIGINATOR = nacha.Originator(
    company_name="Acme Manufacturing Co",
    company_id="1021000021",
    routing_number="021000021",
    bank_name="Operating account",
)
CREDITS = [
    nacha.Credit(
        routing_number="011000015",
        account_number="987654321",
        account_type="checking",
        amount=Decimal("1250.50"),
        name="Globex",
        id_number="GLOBEX1",
        invoice_numbers=["INV-1001", "INV-1002"],
    ),
    nacha.Credit(
        routing_number="121000358",
        account_number="55500011",
        account_type="savings",
        amount=Decimal("99.99"),
        name="Initech Supplies & Co",
        invoice_numbers=["A-7"],
    ),
]
CREATED = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)


def build(credits=CREDITS):
    return nacha.nacha_file(
        originator=ORIGINATOR,
        credits=credits,
        effective_date=datetime.date(2026, 12, 7),
        created_at=CREATED,
        reference="RUN00001",
    )


def test_an_independent_parser_finds_every_total_and_hash_right():
    text = build()
    report = achkit.validate(text)
    assert report["ok"], report["errors"]
    parsed = achkit.parse(text)
    (batch,) = parsed["batches"]
    assert batch["sec"] == "CCD" and batch["service_class"] == 220
    assert batch["effective_date"] == "261207"
    assert [e["amount_cents"] for e in batch["entries"]] == [125050, 9999]
    assert [e["txn_code"] for e in batch["entries"]] == [22, 32]
    assert [e["account"] for e in batch["entries"]] == ["987654321", "55500011"]
    assert [e["addenda"][0]["info"] for e in batch["entries"]] == [
        "INV INV-1001,INV-1002",
        "INV A-7",
    ]
    assert batch["control"]["total_credit"] == 135049
    assert batch["control"]["total_debit"] == 0
    assert parsed["control"]["total_credit"] == 135049


def test_every_record_field_by_field():
    lines = build().split("\n")
    assert lines[-1] == ""  # one newline after the last record
    records = lines[:-1]
    assert len(records) == 10  # 1 + 1 + 2 x (6 + 7) + 8 + 9 = 8 records, padded to a block
    assert all(len(r) == 94 for r in records)
    header, batch, e1, a1, e2, a2, control, file_control, *padding = records
    assert padding == ["9" * 94, "9" * 94]
    assert header[:3] == "101" and header[3:13] == " 021000021" and header[13:23] == "1021000021"
    assert header[23:33] == "2612031405" and header[33:40] == "A094101"
    assert header[40:63] == "OPERATING ACCOUNT".ljust(23)
    assert header[63:86] == "ACME MANUFACTURING CO".ljust(23) and header[86:] == "RUN00001"
    assert batch[:4] == "5220" and batch[4:20] == "ACME MANUFACTURI"
    assert batch[40:50] == "1021000021" and batch[50:53] == "CCD"
    assert batch[53:63] == "PAYABLES  " and batch[69:75] == "261207"
    assert batch[78:87] == "102100002" and batch[87:] == "0000001"
    assert e1[:3] == "622" and e1[3:12] == "011000015" and e1[12:29] == "987654321".ljust(17)
    assert e1[29:39] == "0000125050" and e1[39:54] == "GLOBEX1".ljust(15)
    assert e1[54:76] == "GLOBEX".ljust(22) and e1[78] == "1" and e1[79:] == "021000020000001"
    assert a1[:3] == "705" and a1[83:87] == "0001" and a1[87:] == "0000001"
    assert e2[:3] == "632" and e2[79:] == "021000020000002"
    assert e2[54:76] == "INITECH SUPPLIES & CO".ljust(22)
    assert a2[87:] == "0000002"
    entry_hash = 1100001 + 12100035
    assert control[:4] == "8220" and control[4:10] == "000004"
    assert control[10:20] == str(entry_hash).zfill(10)
    assert control[20:32] == "0" * 12 and control[32:44] == "000000135049"
    assert control[44:54] == "1021000021" and control[79:87] == "02100002"
    assert file_control[:7] == "9000001" and file_control[7:13] == "000001"
    assert file_control[13:21] == "00000004" and file_control[21:31] == str(entry_hash).zfill(10)
    assert file_control[43:55] == "000000135049" and file_control[55:] == " " * 39


def test_blocks_grow_by_ten_records():
    many = [CREDITS[0]] * 4  # 2 + 8 + 2 = 12 records → 2 blocks of 10
    records = build(many).split("\n")[:-1]
    assert len(records) == 20
    assert records[11][7:13] == "000002"
    assert achkit.validate(build(many))["ok"]


def test_the_entry_hash_keeps_its_last_ten_digits():
    many = [CREDITS[1]] * 900  # 900 x 12100035 has 11 digits
    text = build(many)
    assert achkit.validate(text)["ok"]
    control = next(r for r in text.split("\n") if r.startswith("8"))
    assert control[10:20] == str(900 * 12100035)[-10:]


def test_addenda_that_do_not_fit_say_how_many_more():
    numbers = [f"INVOICE-{n:06d}" for n in range(20)]
    text = nacha.addenda_text(numbers)
    assert len(text) <= 80 and text.endswith(" MORE")
    kept = text[4:].split(" +")[0].split(",")
    assert int(text.split("+")[1].split()[0]) == 20 - len(kept)


@pytest.mark.parametrize(
    "change",
    [
        {"amount": Decimal("0")},
        {"amount": Decimal("0.001")},
        {"amount": Decimal("100000000.00")},
        {"routing_number": "11000015"},
    ],
)
def test_impossible_entries_are_refused(change):
    credit = nacha.Credit(**{**CREDITS[0].__dict__, **change})
    with pytest.raises(ValueError):
        build([credit])
