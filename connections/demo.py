"""Demo connections for ``seed_demo``: Acme pays Globex and Initech; Globex invited Acme to be paid."""

from accounts.models import Business
from connections import services, tags
from connections.models import Connection, ConnectionStatus, Tag


def _tag(business: Business, name: str, actor) -> Tag:
    tag = Tag.objects.filter(business=business, name__iexact=name).first()
    return tag or tags.tag_create(business_id=business.pk, actor=actor, name=name)


def _connection(
    *, payer: Business, payee: Business, inviter: Business, actor, net_terms=None, alias=""
) -> Connection:
    existing = Connection.objects.filter(payer=payer, payee=payee).first()
    if existing is not None:
        return existing
    return services.connection_invite(
        business_id=inviter.pk,
        actor=actor,
        my_role="payer" if inviter == payer else "payee",
        counterparty_business_id=(payee if inviter == payer else payer).pk,
        net_terms=net_terms,
        alias=alias,
    )


def _accept(connection: Connection, actor) -> None:
    if connection.status == ConnectionStatus.PENDING:
        services.connection_accept(
            connection_id=connection.pk, actor=actor, business_id=connection.invited_business_id
        )


def seed_connections(*, businesses: dict, users: dict) -> dict:
    """Create the demo connections once (running it again changes nothing); returns them by name.

    ``businesses`` and ``users`` are keyed ``acme`` (a payer), ``globex`` and ``initech``
    (payees); each user owns the business of the same key.
    """
    acme, globex, initech = businesses["acme"], businesses["globex"], businesses["initech"]

    acme_globex = _connection(
        payer=acme, payee=globex, inviter=acme, actor=users["acme"], net_terms=30, alias="Globex"
    )
    _accept(acme_globex, users["globex"])
    services.connection_set_alias(
        connection_id=acme_globex.pk,
        actor=users["globex"],
        business_id=globex.pk,
        alias="Acme (main customer)",
    )
    for key, names in (("acme", ["Suppliers", "IT"]), ("globex", ["Customers", "Priority"])):
        services.connection_set_tags(
            connection_id=acme_globex.pk,
            actor=users[key],
            business_id=businesses[key].pk,
            tag_ids=[_tag(businesses[key], name, users[key]).pk for name in names],
        )

    acme_initech = _connection(
        payer=acme, payee=initech, inviter=initech, actor=users["initech"], net_terms=15
    )
    _accept(acme_initech, users["acme"])

    globex_acme = _connection(
        payer=globex, payee=acme, inviter=globex, actor=users["globex"], alias="Acme"
    )

    return {
        name: Connection.objects.get(pk=connection.pk)
        for name, connection in (
            ("acme_globex", acme_globex),
            ("acme_initech", acme_initech),
            ("globex_acme", globex_acme),
        )
    }
