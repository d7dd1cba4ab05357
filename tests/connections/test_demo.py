"""The demo connections that ``seed_demo`` loads."""

from connections.demo import seed_connections
from connections.models import Connection, ConnectionEvent
from tests import factories


def test_seed_connections_is_idempotent(db):
    businesses, users = {}, {}
    for key, name in (("acme", "Acme"), ("globex", "Globex"), ("initech", "Initech")):
        businesses[key], users[key] = factories.business_with_owner(name)

    first = seed_connections(businesses=businesses, users=users)
    events = ConnectionEvent.objects.count()
    second = seed_connections(businesses=businesses, users=users)

    assert {k: c.pk for k, c in first.items()} == {k: c.pk for k, c in second.items()}
    assert Connection.objects.count() == 3
    assert ConnectionEvent.objects.count() == events

    acme, globex, initech = businesses["acme"], businesses["globex"], businesses["initech"]
    acme_globex = second["acme_globex"]
    assert (acme_globex.payer, acme_globex.payee, acme_globex.status) == (acme, globex, "active")
    assert acme_globex.net_terms == 30
    assert acme_globex.payer_alias and acme_globex.payee_alias
    assert acme_globex.tags.filter(business=acme).count() == 2
    assert acme_globex.tags.filter(business=globex).count() == 2
    acme_initech = second["acme_initech"]
    assert (acme_initech.payer, acme_initech.payee, acme_initech.status) == (
        acme,
        initech,
        "active",
    )
    globex_acme = second["globex_acme"]
    assert (globex_acme.payer, globex_acme.payee, globex_acme.status) == (globex, acme, "pending")
    assert globex_acme.invited_business_id == acme.pk
