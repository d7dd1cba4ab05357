"""What the pages needed from the services and selectors, tested on its own."""

import datetime

import pytest
from rest_framework.exceptions import ValidationError

from accounts import services as account_services
from files.selectors import file_list
from payables import selectors, services
from payables.models import PayableStatus as S
from payables.views.actions import offered
from tests import factories
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def test_payable_defaults_suggest_the_next_number_and_the_due_date(world):
    make_payable(world, S.DRAFT, invoice_number="INV-000001")
    make_payable(world, S.DRAFT, invoice_number="INV-000003")

    defaults = services.payable_defaults(
        business_id=world.payee.id, connection_id=world.connection.id
    )

    assert defaults["invoice_number"] == "INV-000004"  # two exist: the third is taken
    assert defaults["due_date"] == today() + datetime.timedelta(days=30)
    world.connection.net_terms = None
    world.connection.save()
    assert (
        services.payable_defaults(business_id=world.payee.id, connection_id=world.connection.id)[
            "due_date"
        ]
        == today()
    )


def test_payable_defaults_only_for_the_payee(world):
    with pytest.raises(ValidationError) as refused:
        services.payable_defaults(business_id=world.payer.id, connection_id=world.connection.id)
    assert "connectionId" in refused.value.detail


@pytest.mark.parametrize(
    ("who", "side", "status", "expected"),
    [
        ("payee_owner", "payee", S.DRAFT, ["edit", "submit", "cancel"]),
        ("payee_accountant", "payee", S.DECLINED, ["edit", "submit", "cancel"]),
        ("payee_owner", "payee", S.APPROVED, []),
        ("payer_approver", "payer", S.SUBMITTED, ["approve", "decline"]),
        ("payer_owner", "payer", S.SUBMITTED, ["approve", "decline", "cancel"]),
        ("payer_admin", "payer", S.APPROVED, ["schedule", "pay", "cancel"]),
        ("payer_admin", "payer", S.SCHEDULED, ["pay", "unschedule", "cancel"]),
        ("payer_approver", "payer", S.APPROVED, []),
        ("payer_viewer", "payer", S.SUBMITTED, []),
        ("payer_admin", "payer", S.PAID, []),
    ],
)
def test_payable_actions_follow_roles_and_statuses(world, who, side, status, expected):
    payable = make_payable(world, status)
    business = world.payee if side == "payee" else world.payer

    actions = offered(user=getattr(world, who), payable=payable, business_id=business.id)

    assert [action.name for action in actions] == expected


def test_the_author_of_a_payable_is_never_offered_to_approve_it(world):
    from accounts.models import Membership

    Membership.objects.create(business=world.payee, user=world.payer_approver, role="owner")
    payable = make_payable(world, S.SUBMITTED, submitted_by=world.payer_approver)

    assert offered(user=world.payer_approver, payable=payable, business_id=world.payer.id) == []
    assert selectors.awaiting_count(user=world.payer_approver, business_id=world.payer.id) == 0


def test_status_counts_per_direction(world):
    make_payable(world, S.DRAFT)
    make_payable(world, S.SUBMITTED)
    make_payable(world, S.SUBMITTED)

    statuses = ["DRAFT", "SUBMITTED", "PAID"]
    incoming = selectors.payable_tab_counts(
        business_id=world.payer.id,
        user=world.payer_owner,
        params={"direction": "incoming"},
        statuses=statuses,
    )
    outgoing = selectors.payable_tab_counts(
        business_id=world.payee.id,
        user=world.payee_owner,
        params={"direction": "outgoing"},
        statuses=statuses,
    )

    assert incoming == {"SUBMITTED": 2, "all": 2}
    assert outgoing == {"DRAFT": 1, "SUBMITTED": 2, "all": 3}


def test_file_list_keeps_the_order_and_leaves_out_other_businesses_files(world):
    mine = [factories.FileFactory(business=world.payee) for _ in range(2)]
    theirs = factories.FileFactory(business=world.payer)

    found = file_list(
        business_id=world.payee.id, file_ids=[mine[1].id, theirs.id, "junk", mine[0].id]
    )

    assert found == [mine[1], mine[0]]


def test_sign_up_without_a_token(db):
    _user, business, token = account_services.user_signup(
        email="a@example.test", password="correct horse battery staple", issue_token=False
    )
    assert token is None and business is None
    _user, _business, token = account_services.user_signup(
        email="b@example.test", password="correct horse battery staple"
    )
    assert token.startswith("cleo_")


def test_every_action_with_a_confirm_step_has_its_words_and_a_service():
    from payables.views.actions import ACTIONS

    for action in ACTIONS.values():
        if action.run is None:
            assert action.name == "edit"  # the editor is a page of its own
            continue
        assert action.button and action.title and action.link.endswith("…"), action.name
        assert callable(action.confirm) and callable(action.result), action.name
        assert set(action.offered) <= {"payee", "payer"}, action.name
