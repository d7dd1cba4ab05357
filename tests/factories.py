"""factory_boy factories. Related objects stay inside one business unless a test says otherwise."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Business, Membership, Role, User
from connections.models import Connection, ConnectionStatus, Tag


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BusinessFactory(DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Business {n} Inc.")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


def member(business: Business, role: str = Role.OWNER, **user_fields) -> User:
    """A new user holding ``role`` in ``business``."""
    user = UserFactory(**user_fields)
    Membership.objects.create(business=business, user=user, role=role)
    return user


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class ConnectionFactory(DjangoModelFactory):
    """An active connection: ``payer`` pays ``payee``."""

    class Meta:
        model = Connection

    payer = factory.SubFactory(BusinessFactory)
    payee = factory.SubFactory(BusinessFactory)
    invited_by_business = factory.SelfAttribute("payee")
    status = ConnectionStatus.ACTIVE
    accepted_at = factory.Faker("date_time_this_year", tzinfo=factory.Faker("pytimezone"))


# --- connections (issue 3) ---------------------------------------------------------------------
def business_with_owner(name: str | None = None) -> tuple[Business, User]:
    """A business and the user who owns it."""
    business = BusinessFactory(**({"name": name} if name else {}))
    return business, member(business, Role.OWNER)


def tag_on(connection: Connection, business: Business, name: str | None = None) -> Tag:
    """A tag of ``business`` placed on ``connection`` (``business`` must be one of its sides)."""
    from connections.models import ConnectionTag

    tag = TagFactory(business=business, **({"name": name} if name else {}))
    ConnectionTag.objects.create(connection=connection, tag=tag)
    return tag
