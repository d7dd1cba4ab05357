"""Demo data for `make run`: three businesses with known logins. Safe to run again."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Business, Membership, Role, User

PASSWORD = "cleopay-demo-2026"

BUSINESSES = {
    "acme": "Acme Manufacturing",
    "globex": "Globex Consulting",
    "initech": "Initech Software",
}

STAFF_EMAIL = "staff@cleopay.example"

# (key, email, full name, business, role)
PEOPLE = [
    ("alice", "alice@acme.example", "Alice Owner", "acme", Role.OWNER),
    ("aaron", "aaron@acme.example", "Aaron Approver", "acme", Role.APPROVER),
    ("abby", "abby@acme.example", "Abby Approver", "acme", Role.APPROVER),
    ("arthur", "arthur@acme.example", "Arthur Accountant", "acme", Role.ACCOUNTANT),
    ("gina", "gina@globex.example", "Gina Owner", "globex", Role.OWNER),
    ("gus", "gus@globex.example", "Gus Accountant", "globex", Role.ACCOUNTANT),
    ("ian", "ian@initech.example", "Ian Owner", "initech", Role.OWNER),
]


OWNERS = {"acme": "alice", "globex": "gina", "initech": "ian"}


@transaction.atomic
def seed_accounts() -> tuple[dict[str, Business], dict[str, User]]:
    businesses = {}
    for key, name in BUSINESSES.items():
        businesses[key], _ = Business.objects.get_or_create(name=name)
    users = {}
    for key, email, full_name, business_key, role in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, PASSWORD, full_name=full_name, email_verified_at=timezone.now()
            )
        users[key] = user
        Membership.objects.get_or_create(
            business=businesses[business_key], user=user, defaults={"role": role}
        )
        if businesses[business_key].created_by_id is None and role == Role.OWNER:
            businesses[business_key].created_by = user
            businesses[business_key].save(update_fields=["created_by"])
    if not User.objects.filter(email=STAFF_EMAIL).exists():
        User.objects.create_superuser(STAFF_EMAIL, PASSWORD, full_name="Platform Staff")
    return businesses, users


def seed_all() -> tuple[dict[str, Business], dict[str, User]]:
    """Everything `make run` shows: people, businesses, connections, workflows, payables,
    bank accounts, a credit, a payment run and a conversation; due dates spread for the home and
    reports."""
    from approvals.demo import seed_approvals
    from banking.demo import seed_money
    from cockpit.demo import seed_cockpit
    from comments.demo import seed_comments
    from connections.demo import seed_connections
    from payables.demo import seed_payables

    businesses, users = seed_accounts()
    owners = {business: users[person] for business, person in OWNERS.items()}
    connections = seed_connections(businesses=businesses, users=owners)
    seed_approvals(businesses=businesses)
    seed_payables(businesses=businesses, users=owners, connections=connections)
    seed_money(businesses=businesses, users=owners, connections=connections)
    seed_comments()
    seed_cockpit(connections=connections)
    return businesses, users
