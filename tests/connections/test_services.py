"""Service rules the API cannot reach directly: binding e-mail invitations."""

from accounts import services as account_services
from connections import services
from connections.models import Connection
from tests import factories


def test_binding_skips_a_pair_already_connected(db):
    acme, acme_owner = factories.business_with_owner("Acme")
    invited = services.connection_invite(
        business_id=acme.pk, actor=acme_owner, my_role="payer", counterparty_email="pat@x.example"
    )
    pat = factories.UserFactory(email="pat@x.example")
    newco = factories.BusinessFactory(name="Newco")
    # Someone connected Acme and Newco directly in the meantime.
    factories.ConnectionFactory(payer=acme, payee=newco)

    assert services.connection_invitations_bind(business=newco, user=pat) == []
    invited.refresh_from_db()
    assert invited.payee_id is None


def test_business_create_binds_only_the_owners_email(db):
    acme, acme_owner = factories.business_with_owner("Acme")
    services.connection_invite(
        business_id=acme.pk, actor=acme_owner, my_role="payer", counterparty_email="pat@x.example"
    )
    someone = factories.UserFactory(email="someone@x.example")
    account_services.business_create(name="Not Pat's", owner=someone)
    assert Connection.objects.get().payee_id is None

    pat = factories.UserFactory(email="pat@x.example")
    newco = account_services.business_create(name="Newco", owner=pat)
    assert Connection.objects.get().payee_id == newco.pk


def test_an_inviter_never_binds_to_itself(db):
    acme, acme_owner = factories.business_with_owner("Acme")
    second_business = factories.BusinessFactory()
    factories.Membership.objects.create(business=second_business, user=acme_owner, role="owner")
    # The owner's e-mail names two businesses: kept unbound.
    invited = services.connection_invite(
        business_id=acme.pk, actor=acme_owner, my_role="payer", counterparty_email=acme_owner.email
    )
    assert invited.payee_id is None
    assert services.connection_invitations_bind(business=acme, user=acme_owner) == []
