"""The write-path tables carry no ``varchar_pattern_ops`` ("_like") twin indexes on PostgreSQL:
no query uses LIKE on their ID columns, and every write paid for them."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TABLES = [
    "payables_payable",
    "payables_lineitem",
    "payables_payableevent",
    "payables_payment",
    "payables_ledgertransfer",
    "payables_payableattachment",
    "payables_payabletag",
    "approvals_approvalrequest",
    "approvals_approval",
]


def test_no_like_twin_indexes_on_the_write_path():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef LIKE '%%varchar_pattern_ops%%'",
            [TABLES],
        )
        assert cursor.fetchall() == []


def test_lookups_on_those_columns_still_use_an_index():
    with connection.cursor() as cursor:
        for sql in (
            "SELECT * FROM payables_payable WHERE id = 'pay_x'",
            "SELECT * FROM payables_payment WHERE payable_id = 'pay_x'",
            "SELECT * FROM approvals_approval WHERE request_id = 'apr_x'",
            "SELECT reference FROM payables_ledgertransfer WHERE payment_id = 'pmt_x'",
        ):
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan, plan
