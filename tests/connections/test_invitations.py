"""Inviting a business (by ID or e-mail), binding at sign-up, accepting, and the e-mails."""

import pytest

from accounts.models import Role
from connections.models import Connection, ConnectionEvent
from tests import factories
from tests.verification import verify_by_link


def invite(client, business, **body):
    return client.post(f"/api/businesses/{business.pk}/connections", body, format="json")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run after-commit callbacks, and the e-mail tasks they enqueue, in this process."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


# --- by business ID ----------------------------------------------------------------------------
def test_invite_by_business_id_as_payer(api, acme, globex, run_on_commit, mailoutbox):
    response = run_on_commit(
        invite,
        api(acme.owner),
        acme,
        counterpartyBusinessId=globex.pk,
        myRole="payer",
        netTerms=30,
        alias="Globex (IT)",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("conn_")
    assert body["status"] == "pending"
    assert body["role"] == "payer"
    assert body["businessId"] == acme.pk
    assert body["businessName"] == "Acme Corp"
    assert body["connectedBusinessId"] == globex.pk
    assert body["connectedBusinessName"] == "Globex Ltd"
    assert body["alias"] == "Globex (IT)"
    assert body["tags"] == []
    assert body["settings"] == {"netTerms": 30, "autoApprove": False}
    assert body["invitedByBusinessId"] == acme.pk
    assert body["invitedEmail"] is None
    assert body["createdAt"].endswith("Z")
    assert body["acceptedAt"] is None and body["archivedAt"] is None

    connection = Connection.objects.get(pk=body["id"])
    assert (connection.payer_id, connection.payee_id) == (acme.pk, globex.pk)
    assert connection.payee_alias == ""  # the alias is the inviter's side only
    event = ConnectionEvent.objects.get(connection=connection)
    assert (event.type, event.actor, event.business_id) == ("invited", acme.owner, acme.pk)

    # Globex's owner and admins hear about it, one message each; accountants do not.
    admin = factories.member(globex, Role.ADMIN)
    factories.member(globex, Role.ACCOUNTANT)
    mailoutbox.clear()
    Connection.objects.filter(pk=connection.pk).delete()
    again = run_on_commit(
        invite, api(acme.owner), acme, counterpartyBusinessId=globex.pk, myRole="payer"
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([globex.owner.email, admin.email])
    message = mailoutbox[0]
    assert "A business calling itself “Acme Corp” invited “Globex Ltd”" in message.subject
    # The link opens the connection's page in the invited business, where it is accepted.
    assert f"/b/{globex.pk}/connections/{again.json()['id']}" in message.body
    assert "/api/" not in message.body


def test_invite_as_payee_puts_the_inviter_on_the_payee_side(api, acme, globex):
    response = invite(
        api(globex.owner), globex, counterpartyBusinessId=acme.pk, myRole="payee", alias="Acme"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "payee"
    connection = Connection.objects.get(pk=body["id"])
    assert (connection.payer_id, connection.payee_id) == (acme.pk, globex.pk)
    assert connection.payee_alias == "Acme"


def test_inviting_an_existing_pair_again_is_a_409_whatever_its_status(api, acme, globex):
    existing = factories.ConnectionFactory(payer=acme, payee=globex, status="archived")
    response = invite(api(acme.owner), acme, counterpartyBusinessId=globex.pk, myRole="payer")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert response.json()["connectionId"] == existing.pk
    # The same pair the other way round is another connection.
    response = invite(api(acme.owner), acme, counterpartyBusinessId=globex.pk, myRole="payee")
    assert response.status_code == 201


def test_inviting_from_the_other_side_in_the_same_direction_is_a_409(api, acme, globex):
    factories.ConnectionFactory(payer=acme, payee=globex, status="pending")
    response = invite(api(globex.owner), globex, counterpartyBusinessId=acme.pk, myRole="payee")
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"myRole": "payer"}, "counterpartyBusinessId"),
        (
            {"counterpartyBusinessId": "biz_x", "counterpartyEmail": "a@b.co", "myRole": "payer"},
            "counterpartyBusinessId",
        ),
        ({"counterpartyBusinessId": "biz_unknown", "myRole": "payer"}, "counterpartyBusinessId"),
        (
            {"counterpartyBusinessId": "conn_wrongshape", "myRole": "payer"},
            "counterpartyBusinessId",
        ),
        ({"counterpartyEmail": "not an e-mail", "myRole": "payer"}, "counterpartyEmail"),
        ({"counterpartyEmail": "a@b.co", "myRole": "boss"}, "myRole"),
        ({"counterpartyEmail": "a@b.co"}, "myRole"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "netTerms": -1}, "netTerms"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "netTerms": 366}, "netTerms"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "netTerms": "30"}, "netTerms"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "netTerms": 30.5}, "netTerms"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "netTerms": True}, "netTerms"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "alias": 42}, "alias"),
        ({"counterpartyEmail": "a@b.co", "myRole": "payer", "alias": "x" * 201}, "alias"),
    ],
)
def test_invalid_invitations_are_400_naming_the_field(api, acme, body, field):
    response = invite(api(acme.owner), acme, **body)
    assert response.status_code == 400, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Connection.objects.exists()


def test_inviting_yourself_is_a_400(api, acme):
    response = invite(api(acme.owner), acme, counterpartyBusinessId=acme.pk, myRole="payer")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "counterpartyBusinessId"
    response = invite(api(acme.owner), acme, counterpartyEmail=acme.owner.email, myRole="payer")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "counterpartyEmail"


# --- by e-mail ---------------------------------------------------------------------------------
def test_invite_by_email_of_a_registered_owner_binds_to_their_business(api, acme, globex):
    response = invite(
        api(acme.owner), acme, counterpartyEmail=globex.owner.email.upper(), myRole="payer"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["connectedBusinessId"] == globex.pk
    assert body["connectedBusinessName"] == "Globex Ltd"
    assert body["invitedEmail"] == globex.owner.email


def test_invite_by_email_of_someone_with_two_businesses_stays_unbound(api, acme, globex):
    factories.MembershipFactory(user=globex.owner, role=Role.ADMIN)
    response = invite(api(acme.owner), acme, counterpartyEmail=globex.owner.email, myRole="payer")
    assert response.status_code == 201
    assert response.json()["connectedBusinessId"] is None


def test_invite_by_unknown_email_is_kept_and_mailed(api, acme, run_on_commit, mailoutbox):
    response = run_on_commit(
        invite, api(acme.owner), acme, counterpartyEmail="Pat@Newco.example", myRole="payer"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["connectedBusinessId"] is None
    assert body["connectedBusinessName"] == "pat@newco.example"
    assert body["invitedEmail"] == "pat@newco.example"
    assert [m.to for m in mailoutbox] == [["pat@newco.example"]]
    assert "A business calling itself “Acme Corp” invited you" in mailoutbox[0].subject
    assert "signup?email=pat%40newco.example" in mailoutbox[0].body
    html = mailoutbox[0].alternatives[0][0]
    assert "Acme Corp" in html

    # The same address again, same direction: 409; the other direction is another invitation.
    again = invite(api(acme.owner), acme, counterpartyEmail="pat@newco.example", myRole="payer")
    assert again.status_code == 409
    assert again.json()["connectionId"] == body["id"]
    other_way = invite(api(acme.owner), acme, counterpartyEmail="pat@newco.example", myRole="payee")
    assert other_way.status_code == 201


def test_unknown_email_is_bound_when_that_person_signs_up_with_a_business(api, acme, run_on_commit):
    invited = invite(
        api(acme.owner), acme, counterpartyEmail="pat@newco.example", myRole="payer", alias="Newco"
    ).json()

    signup = run_on_commit(
        api().post,
        "/api/auth/signup",
        {
            "email": "PAT@newco.example",
            "password": "a long enough password",
            "businessName": "Newco",
        },
        format="json",
    )
    assert signup.status_code == 201
    newco_id = signup.json()["business"]["id"]
    pat = api()
    pat.credentials(HTTP_AUTHORIZATION=f"Bearer {signup.json()['token']}")
    # Anyone can sign up with this address: nothing binds before it is proven (docs/trust.md).
    assert pat.get(f"/api/connections/{invited['id']}").status_code == 404
    assert pat.post(f"/api/connections/{invited['id']}/accept").status_code == 404
    assert verify_by_link(api(), "pat@newco.example").status_code == 200

    seen = pat.get(f"/api/connections/{invited['id']}").json()
    assert seen["businessId"] == newco_id
    assert seen["role"] == "payee"
    assert seen["connectedBusinessName"] == "Acme Corp"
    assert seen["alias"] == ""  # Acme's alias stays Acme's
    accepted = pat.post(f"/api/connections/{invited['id']}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active"

    seen_by_acme = api(acme.owner).get(f"/api/connections/{invited['id']}").json()
    assert seen_by_acme["connectedBusinessId"] == newco_id
    assert seen_by_acme["connectedBusinessName"] == "Newco"
    assert seen_by_acme["alias"] == "Newco"
    types = list(
        ConnectionEvent.objects.filter(connection_id=invited["id"]).values_list("type", flat=True)
    )
    assert types == ["invited", "bound", "accepted"]


def test_unknown_email_is_bound_when_that_user_creates_a_business_later(api, acme, run_on_commit):
    invited = invite(api(acme.owner), acme, counterpartyEmail="pat@newco.example", myRole="payee")
    signup = run_on_commit(
        api().post,
        "/api/auth/signup",
        {"email": "pat@newco.example", "password": "a long enough password"},
        format="json",
    )
    pat = api()
    pat.credentials(HTTP_AUTHORIZATION=f"Bearer {signup.json()['token']}")
    assert pat.get(f"/api/connections/{invited.json()['id']}").status_code == 404
    assert pat.get("/api/me/invitations").json()["results"] == []
    assert verify_by_link(api(), "pat@newco.example").status_code == 200
    mine = pat.get("/api/me/invitations").json()["results"]
    assert [(i["id"], i["kind"], i["role"]) for i in mine] == [
        (invited.json()["id"], "connection", "payer")
    ]
    assert mine[0]["business"]["name"] == acme.name

    created = pat.post("/api/businesses", {"name": "Newco"}, format="json")
    assert created.status_code == 201
    seen = pat.get(f"/api/connections/{invited.json()['id']}").json()
    assert seen["businessId"] == created.json()["id"]
    assert seen["role"] == "payer"


def test_an_unbound_invitation_cannot_be_accepted_by_its_sender(api, acme):
    invited = invite(api(acme.owner), acme, counterpartyEmail="pat@newco.example", myRole="payer")
    response = api(acme.owner).post(f"/api/connections/{invited.json()['id']}/accept")
    assert response.status_code == 403


# --- accept --------------------------------------------------------------------------------------
@pytest.fixture
def pending(acme, globex):
    """Acme invited Globex, which is to be paid."""
    return factories.ConnectionFactory(
        payer=acme, payee=globex, invited_by_business=acme, status="pending", accepted_at=None
    )


def test_the_invited_side_accepts(api, pending, globex):
    response = api(globex.owner).post(f"/api/connections/{pending.pk}/accept")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["role"] == "payee"
    assert body["acceptedAt"] is not None
    event = ConnectionEvent.objects.get(connection=pending, type="accepted")
    assert (event.actor, event.business_id) == (globex.owner, globex.pk)
    assert (event.from_status, event.to_status) == ("pending", "active")


def test_accepting_twice_is_a_409(api, pending, globex):
    api(globex.owner).post(f"/api/connections/{pending.pk}/accept")
    response = api(globex.owner).post(f"/api/connections/{pending.pk}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["currentStatus"] == "active"


def test_accepting_an_archived_invitation_is_a_409(api, pending, acme, globex):
    api(acme.owner).patch(f"/api/connections/{pending.pk}/archive")
    response = api(globex.owner).post(f"/api/connections/{pending.pk}/accept")
    assert response.status_code == 409
    assert response.json()["currentStatus"] == "archived"


def test_the_inviter_cannot_accept_its_own_invitation(api, pending, acme):
    response = api(acme.owner).post(f"/api/connections/{pending.pk}/accept")
    assert response.status_code == 403
    assert "invited business" in response.json()["message"]
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_member_of_both_sides_accepts_for_the_invited_side(api, pending, acme, globex):
    both = factories.member(acme, Role.OWNER)
    factories.Membership.objects.create(business=globex, user=both, role=Role.ADMIN)
    refused = api(both).post(f"/api/connections/{pending.pk}/accept?businessId={acme.pk}")
    assert refused.status_code == 403
    response = api(both).post(f"/api/connections/{pending.pk}/accept")
    assert response.status_code == 200
    assert response.json()["businessId"] == globex.pk


def test_accept_with_idempotency_key_replays(api, pending, globex):
    client = api(globex.owner)
    first = client.post(f"/api/connections/{pending.pk}/accept", HTTP_IDEMPOTENCY_KEY="k1")
    second = client.post(f"/api/connections/{pending.pk}/accept", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert ConnectionEvent.objects.filter(connection=pending, type="accepted").count() == 1


def test_an_unverified_owner_email_is_not_resolved_to_its_business(api, acme, run_on_commit):
    """Someone signs up with a vendor's address and a business before the vendor does: an
    invitation to that address must not reach the impostor's business."""
    signup = run_on_commit(
        api().post,
        "/api/auth/signup",
        {"email": "ap@vendor.example", "password": "a long enough password", "businessName": "V"},
        format="json",
    )
    impostor = api()
    impostor.credentials(HTTP_AUTHORIZATION=f"Bearer {signup.json()['token']}")

    invited = invite(api(acme.owner), acme, counterpartyEmail="ap@vendor.example", myRole="payer")

    assert invited.status_code == 201
    assert invited.json()["connectedBusinessId"] is None
    assert impostor.get(f"/api/connections/{invited.json()['id']}").status_code == 404
    assert impostor.get("/api/connections").json()["results"] == []
