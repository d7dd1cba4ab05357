"""Approval workflow endpoints: CRUD, validation by field path, roles and tenancy."""

import pytest

from accounts.models import Role
from approvals.models import ApprovalWorkflow
from connections.models import ConnectionTag
from tests import factories

# A step that sets no reminders of its own (the business's defaults apply).
NO_REMINDERS = {"remindAfterHours": None, "escalateAfterHours": None, "escalateToRole": None}

pytestmark = pytest.mark.django_db


def fields_of(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def business(owner):
    return owner.business


@pytest.fixture
def approver(business):
    return factories.member(business, Role.APPROVER, email="approver@example.com")


@pytest.fixture
def client(api, owner):
    return api(owner)


def url(business) -> str:
    return f"/api/businesses/{business.pk}/approval-workflows"


def body(**overrides) -> dict:
    data = {"name": "Large invoices", "steps": [{"approverRoles": ["owner"]}]}
    data.update(overrides)
    return data


def test_create_then_read(client, business, owner, approver):
    connection = factories.ConnectionFactory(payer=business)
    tag = factories.TagFactory(business=business)
    response = client.post(
        url(business),
        {
            "name": "Over $10k",
            "priority": 5,
            "conditions": {
                "minAmount": "10000.00",
                "maxAmount": 250000,
                "connectionIds": [connection.pk],
                "tagIds": [tag.pk],
            },
            "steps": [
                {"approverIds": [approver.pk], "requiredApprovals": 1},
                {"approverRoles": ["owner"], "approverIds": [owner.pk, owner.pk]},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["id"].startswith("apwf_")
    assert created["name"] == "Over $10k"
    assert created["priority"] == 5
    assert created["active"] is True
    assert created["conditions"] == {
        "minAmount": 10000.00,
        "maxAmount": 250000.00,
        "connectionIds": [connection.pk],
        "tagIds": [tag.pk],
    }
    assert b'"minAmount":10000.00' in response.content
    assert created["steps"] == [
        {"approverIds": [approver.pk], "approverRoles": [], "requiredApprovals": 1, **NO_REMINDERS},
        {
            "approverIds": [owner.pk],
            "approverRoles": ["owner"],
            "requiredApprovals": 1,
            **NO_REMINDERS,
        },
    ]
    assert created["createdAt"].endswith("Z") and created["updatedAt"]

    assert client.get(f"/api/approval-workflows/{created['id']}").json() == created
    listed = client.get(url(business)).json()
    assert listed == {"results": [created], "next": None, "previous": None}


def test_defaults_and_approver_order_kept(client, business, owner, approver):
    admin = factories.member(business, Role.ADMIN)
    response = client.post(
        url(business),
        body(steps=[{"approverIds": [approver.pk, admin.pk, owner.pk]}]),
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["priority"] == 0
    assert created["conditions"] == {
        "minAmount": None,
        "maxAmount": None,
        "connectionIds": [],
        "tagIds": [],
    }
    assert created["steps"][0]["approverIds"] == [approver.pk, admin.pk, owner.pk]
    assert created["steps"][0]["requiredApprovals"] == 1


def test_list_is_in_the_order_workflows_are_tried(client, business):
    for name, priority in [("c", 20), ("a", 10), ("b", 10)]:
        assert (
            client.post(url(business), body(name=name, priority=priority), format="json")
        ).status_code == 201
    response = client.get(url(business), {"limit": 2})
    page = response.json()
    assert [w["name"] for w in page["results"]] == ["a", "b"]
    assert [w["name"] for w in client.get(page["next"]).json()["results"]] == ["c"]


def test_list_query_count_does_not_grow_with_rows(
    client, business, approver, django_assert_num_queries
):
    tag = factories.TagFactory(business=business)
    connection = factories.ConnectionFactory(payer=business)
    for _ in range(8):
        factories.approval_workflow(
            business,
            steps=[{"approvers": [approver]}, {"roles": ["owner"]}],
            connections=[connection],
            tags=[tag],
        )
    # Auth, roles, the page, steps, named approvers, connection and tag links.
    with django_assert_num_queries(6):
        response = client.get(url(business))
    assert len(response.json()["results"]) == 8


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"steps": []}, "steps"),
        ({"steps": None}, "steps"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"priority": -1}, "priority"),
        ({"active": "yes"}, "active"),
        ({"steps": [{}]}, "steps[0]"),
        ({"steps": [{"approverRoles": ["owner", "viewer"]}]}, "steps[0].approverRoles[1]"),
        (
            {"steps": [{"approverRoles": ["owner"], "requiredApprovals": 0}]},
            "steps[0].requiredApprovals",
        ),
        ({"steps": [{"approverIds": ["conn_abc"]}]}, "steps[0].approverIds[0]"),
        ({"steps": [{"approverIds": ["usr_doesnotexist"]}]}, "steps[0].approverIds[0]"),
        ({"conditions": {"minAmount": "12.345"}}, "conditions.minAmount"),
        ({"conditions": {"maxAmount": -5}}, "conditions.maxAmount"),
        ({"conditions": {"minAmount": 500, "maxAmount": 100}}, "conditions.minAmount"),
        ({"conditions": {"connectionIds": ["conn_nope"]}}, "conditions.connectionIds[0]"),
        ({"conditions": {"tagIds": ["tag_nope"]}}, "conditions.tagIds[0]"),
        ({"conditions": {"tagIds": "tag_x"}}, "conditions.tagIds"),
    ],
)
def test_invalid_input_names_the_field(client, business, payload, field):
    response = client.post(url(business), body(**payload), format="json")
    assert response.status_code == 400, response.content
    assert field in fields_of(response), response.json()
    assert not ApprovalWorkflow.objects.exists()


def test_missing_name_and_steps(client, business):
    response = client.post(url(business), {}, format="json")
    assert response.status_code == 400
    assert set(fields_of(response)) == {"name", "steps"}


def test_approvers_must_be_members_who_may_approve(client, business, approver):
    viewer = factories.member(business, Role.VIEWER)
    accountant = factories.member(business, Role.ACCOUNTANT)
    outsider = factories.member(factories.BusinessFactory(), Role.OWNER)
    response = client.post(
        url(business),
        body(steps=[{"approverIds": [approver.pk, viewer.pk, accountant.pk, outsider.pk]}]),
        format="json",
    )
    assert response.status_code == 400
    assert fields_of(response) == {
        "steps[0].approverIds[1]": "A member whose role is viewer cannot approve payables.",
        "steps[0].approverIds[2]": "A member whose role is accountant cannot approve payables.",
        "steps[0].approverIds[3]": "Not a member of this business.",
    }


def test_required_approvals_cannot_exceed_the_approvers_available(client, business, approver):
    steps = [
        {"approverRoles": ["owner"]},
        {"approverIds": [approver.pk], "approverRoles": ["approver"], "requiredApprovals": 2},
    ]
    response = client.post(url(business), body(steps=steps), format="json")
    assert response.status_code == 400
    assert fields_of(response) == {
        "steps[1].requiredApprovals": (
            "Needs 2 approvals but only 1 eligible approver can approve this step."
        )
    }

    # Anyone who holds the role counts: a second approver makes it possible.
    factories.member(business, Role.APPROVER)
    assert client.post(url(business), body(steps=steps), format="json").status_code == 201


def test_one_person_cannot_complete_two_steps(client, business, owner, approver):
    steps = [
        {"approverIds": [owner.pk, approver.pk], "requiredApprovals": 2},
        {"approverIds": [owner.pk]},
    ]
    response = client.post(url(business), body(steps=steps), format="json")
    assert response.status_code == 400
    assert list(fields_of(response)) == ["steps[1].requiredApprovals"]
    assert "distinct people" in fields_of(response)["steps[1].requiredApprovals"]


def test_connections_must_be_paid_by_this_business(client, business):
    paid = factories.ConnectionFactory(payer=business)
    billed = factories.ConnectionFactory(payee=business)
    foreign = factories.ConnectionFactory()
    foreign_tag = factories.TagFactory()
    response = client.post(
        url(business),
        body(
            conditions={
                "connectionIds": [paid.pk, billed.pk, foreign.pk],
                "tagIds": [foreign_tag.pk],
            }
        ),
        format="json",
    )
    assert response.status_code == 400
    assert set(fields_of(response)) == {
        "conditions.connectionIds[1]",
        "conditions.connectionIds[2]",
        "conditions.tagIds[0]",
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 201),
        (Role.ADMIN, 201),
        (Role.ACCOUNTANT, 403),
        (Role.APPROVER, 403),
        (Role.VIEWER, 403),
    ],
)
def test_only_owners_and_admins_write(api, business, role, status):
    user = factories.member(business, role)
    client = api(user)
    response = client.post(url(business), body(), format="json")
    assert response.status_code == status
    assert client.get(url(business)).status_code == 200

    workflow = factories.approval_workflow(business, steps=[{"roles": ["owner"]}])
    detail = f"/api/approval-workflows/{workflow.pk}"
    assert client.get(detail).status_code == 200
    patched = client.patch(detail, {"name": "Renamed"}, format="json")
    assert patched.status_code == (200 if status == 201 else 403)
    deleted = client.delete(detail)
    assert deleted.status_code == (204 if status == 201 else 403)


def test_another_business_sees_nothing(api, business):
    workflow = factories.approval_workflow(business, steps=[{"roles": ["owner"]}])
    stranger = factories.member(factories.BusinessFactory(), Role.OWNER)
    client = api(stranger)
    detail = f"/api/approval-workflows/{workflow.pk}"
    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"name": "x"}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
    assert client.get(url(business)).status_code == 404
    assert client.post(url(business), body(), format="json").status_code == 404
    assert client.get("/api/approval-workflows/apwf_missing").status_code == 404
    assert ApprovalWorkflow.objects.get(pk=workflow.pk).name == workflow.name


def test_unauthenticated(api, business):
    assert api().get(url(business)).status_code == 401


class TestPatch:
    @pytest.fixture
    def workflow(self, client, business, approver):
        connection = factories.ConnectionFactory(payer=business)
        response = client.post(
            url(business),
            body(
                conditions={
                    "minAmount": 100,
                    "maxAmount": 1000,
                    "connectionIds": [connection.pk],
                },
                steps=[{"approverIds": [approver.pk]}, {"approverRoles": ["owner"]}],
            ),
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    def patch(self, client, workflow, data):
        return client.patch(f"/api/approval-workflows/{workflow['id']}", data, format="json")

    def test_given_keys_replace_and_the_rest_stays(self, client, workflow):
        response = self.patch(client, workflow, {"name": "Renamed", "active": False})
        assert response.status_code == 200, response.content
        patched = response.json()
        assert patched["name"] == "Renamed" and patched["active"] is False
        assert patched["steps"] == workflow["steps"]
        assert patched["conditions"] == workflow["conditions"]

    def test_conditions_merge_key_by_key(self, client, workflow, business):
        tag = factories.TagFactory(business=business)
        response = self.patch(
            client, workflow, {"conditions": {"maxAmount": None, "tagIds": [tag.pk]}}
        )
        assert response.status_code == 200, response.content
        assert response.json()["conditions"] == {
            "minAmount": 100.00,
            "maxAmount": None,
            "connectionIds": workflow["conditions"]["connectionIds"],
            "tagIds": [tag.pk],
        }
        cleared = self.patch(client, workflow, {"conditions": {"connectionIds": []}})
        assert cleared.json()["conditions"]["connectionIds"] == []

    def test_steps_are_replaced_as_a_whole(self, client, workflow, owner):
        response = self.patch(
            client, workflow, {"steps": [{"approverIds": [owner.pk], "requiredApprovals": 1}]}
        )
        assert response.status_code == 200, response.content
        assert response.json()["steps"] == [
            {"approverIds": [owner.pk], "approverRoles": [], "requiredApprovals": 1, **NO_REMINDERS}
        ]

    def test_amount_range_checked_against_stored_values(self, client, workflow):
        response = self.patch(client, workflow, {"conditions": {"minAmount": 5000}})
        assert response.status_code == 400
        assert fields_of(response) == {
            "conditions.minAmount": "Must not exceed maxAmount (1000.00)."
        }

    def test_invalid_steps_refused_and_nothing_changes(self, client, workflow):
        response = self.patch(
            client,
            workflow,
            {"name": "Renamed", "steps": [{"approverRoles": ["admin"], "requiredApprovals": 3}]},
        )
        assert response.status_code == 400
        assert "steps[0].requiredApprovals" in fields_of(response)
        unchanged = client.get(f"/api/approval-workflows/{workflow['id']}").json()
        assert unchanged == workflow

    def test_empty_steps_refused(self, client, workflow):
        response = self.patch(client, workflow, {"steps": []})
        assert response.status_code == 400
        assert "steps" in fields_of(response)


def test_delete(client, business):
    workflow = factories.approval_workflow(business, steps=[{"roles": ["owner"]}])
    assert client.delete(f"/api/approval-workflows/{workflow.pk}").status_code == 204
    assert client.get(f"/api/approval-workflows/{workflow.pk}").status_code == 404
    assert client.delete(f"/api/approval-workflows/{workflow.pk}").status_code == 404


def test_deleting_a_workflow_frees_its_tags_and_connections(client, business, api):
    tag = factories.TagFactory(business=business)
    connection = factories.ConnectionFactory(payer=business)
    ConnectionTag.objects.create(connection=connection, tag=tag)
    workflow = factories.approval_workflow(
        business, steps=[{"roles": ["owner"]}], tags=[tag], connections=[connection]
    )
    assert client.delete(f"/api/approval-workflows/{workflow.pk}").status_code == 204
    tag.delete()
    assert not type(tag).objects.filter(pk=tag.pk).exists()


def test_idempotent_create(client, business):
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-workflow-1"}
    first = client.post(url(business), body(), format="json", **headers)
    again = client.post(url(business), body(), format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert ApprovalWorkflow.objects.count() == 1
