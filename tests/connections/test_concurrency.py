"""Racing requests on PostgreSQL: the constraints and row locks keep one winner."""

import threading

import pytest
from django.db import connection as db_connection

from connections import services
from connections.models import Connection, ConnectionEvent
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run the calls at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_invitations_of_the_same_pair_make_one_connection():
    acme, acme_owner = factories.business_with_owner("Acme")
    globex, globex_owner = factories.business_with_owner("Globex")
    results = race(
        lambda: services.connection_invite(
            business_id=acme.pk,
            actor=acme_owner,
            my_role="payer",
            counterparty_business_id=globex.pk,
        ),
        lambda: services.connection_invite(
            business_id=globex.pk,
            actor=globex_owner,
            my_role="payee",
            counterparty_business_id=acme.pk,
        ),
    )
    assert Connection.objects.count() == 1
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Connection"], results


def test_two_accepts_at_once_accept_once():
    acme, _ = factories.business_with_owner("Acme")
    globex, globex_owner = factories.business_with_owner("Globex")
    pending = factories.ConnectionFactory(
        payer=acme, payee=globex, invited_by_business=acme, status="pending", accepted_at=None
    )

    def accept():
        return services.connection_accept(
            connection_id=pending.pk, actor=globex_owner, business_id=globex.pk
        )

    results = race(accept, accept)
    assert sorted(type(r).__name__ for r in results) == ["Connection", "InvalidTransition"]
    assert ConnectionEvent.objects.filter(connection=pending, type="accepted").count() == 1
