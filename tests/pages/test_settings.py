"""Settings pages: members and roles, tags, approval workflows, custom fields, the default
approval action, API tokens."""

import pytest
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import MemberInvitation, Membership
from approvals.models import ApprovalWorkflow, CustomFieldDefinition
from connections.models import Tag
from tests import factories
from tests.pages.conftest import text

pytestmark = pytest.mark.django_db


def url(name, world, *args, business=None):
    return reverse(name, args=[(business or world.payer).id, *args])


# --- members ---------------------------------------------------------------------------------------


def test_members_are_listed_for_everyone_and_managed_by_admins(world):
    viewer_page = text(world.client(world.payer_viewer).get(url("settings-members", world)))
    admin_page = text(world.client(world.payer_admin).get(url("settings-members", world)))

    assert "approver@acme.test" in viewer_page
    assert "Add a member" not in viewer_page
    assert "Add a member" in admin_page


def test_invite_a_registered_user_or_an_email_and_the_invitee_accepts_after_login(world, commit):
    client = world.client(world.payer_admin)
    known = factories.UserFactory(email="known@elsewhere.test")

    with commit():
        added = client.post(
            url("settings-members", world), {"email": known.email, "role": "approver"}, follow=True
        )
        client.post(url("settings-members", world), {"email": "new@acme.test", "role": "viewer"})

    assert "Invitation sent to known@elsewhere.test; they join when they accept it." in text(added)
    assert not Membership.objects.filter(business=world.payer, user=known).exists()
    assert sorted(MemberInvitation.objects.values_list("email", flat=True)) == [
        "known@elsewhere.test",
        "new@acme.test",
    ]
    to_known, to_new = (
        next(m for m in mail.outbox if m.to == [a]) for a in (known.email, "new@acme.test")
    )
    # The registered person is told to log in and accept, never to sign up.
    assert "/invitations" in to_known.body and "Sign up" not in to_known.body
    assert "/signup?email=new%40acme.test" in to_new.body
    assert f"a business calling itself “{world.payer.name}”" in to_known.body

    invitee = world.client(known)
    landing = invitee.get("/")
    assert landing["Location"] == reverse("invitations")
    page = text(invitee.get(landing["Location"]))
    assert world.payer.name in page and "Accept" in page and "Decline" in page

    invitation = MemberInvitation.objects.get(email=known.email)
    with commit():
        joined = invitee.post(reverse("invitation-accept", args=[invitation.id]))
    assert joined["Location"] == reverse("inbox", args=[world.payer.id])
    assert Membership.objects.get(business=world.payer, user=known).role == "approver"
    # The business's owners and admins hear of it, in the app and by e-mail.
    assert world.payer_owner.notifications.get(type="member_joined").payable_id is None
    assert any(
        m.to == [world.payer_owner.email] and "known@elsewhere.test joined" in m.subject
        for m in mail.outbox
    )
    assert invitee.get("/")["Location"] == reverse("business-home", args=[world.payer.id])


def test_the_invitee_declines_on_the_page(world):
    known = factories.UserFactory(email="known@elsewhere.test")
    world.client(world.payer_admin).post(
        url("settings-members", world), {"email": known.email, "role": "viewer"}
    )
    invitation = MemberInvitation.objects.get(email=known.email)

    world.client(known).post(reverse("invitation-decline", args=[invitation.id]))

    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(business=world.payer, user=known).exists()
    # Somebody else cannot decline it for the invitee: it is not theirs.
    other = MemberInvitation.objects.create(business=world.payer, email="x@y.test", role="viewer")
    assert (
        world.client(known).post(reverse("invitation-decline", args=[other.id])).status_code == 404
    )


def test_member_errors_beside_fields(world):
    response = world.client(world.payer_admin).post(
        url("settings-members", world), {"email": "nope", "role": "king"}
    )

    assert response.status_code == 400
    page = text(response)
    assert 'id="f-email-error">Enter a valid email address.' in page
    assert 'id="f-role-error">' in page


def test_change_a_role_and_remove_a_member_with_the_services_rules(world):
    client = world.client(world.payer_owner)

    client.post(url("settings-member-role", world, world.payer_viewer.id), {"role": "approver"})
    assert Membership.objects.get(user=world.payer_viewer).role == "approver"

    # An admin cannot make anyone owner: the service says so, the page shows it.
    page = text(
        world.client(world.payer_admin).post(
            url("settings-member-role", world, world.payer_viewer.id),
            {"role": "owner"},
            follow=True,
        )
    )
    assert "Only an owner can grant or take away the owner role." in page

    # The last owner stays.
    last = client.post(url("settings-member-remove", world, world.payer_owner.id))
    assert last.status_code == 409
    assert "A business keeps at least one owner." in text(last)

    client.post(url("settings-member-remove", world, world.payer_viewer.id))
    assert not Membership.objects.filter(user=world.payer_viewer).exists()


def test_a_viewer_cannot_post_to_member_settings(world):
    response = world.client(world.payer_viewer).post(
        url("settings-members", world), {"email": "x@acme.test", "role": "viewer"}
    )

    assert response.status_code == 403
    assert not MemberInvitation.objects.exists()


# --- tags ------------------------------------------------------------------------------------------


def test_tags_are_created_renamed_and_deleted(world):
    client = world.client(world.payer_accountant)

    client.post(url("settings-tags", world), {"name": "Hosting"})
    tag = Tag.objects.get(business=world.payer)
    duplicate = client.post(url("settings-tags", world), {"name": "hosting"})
    assert duplicate.status_code == 409
    assert "This business already has a tag with this name." in text(duplicate)

    client.post(url("settings-tag-rename", world, tag.id), {"name": "Cloud"})
    tag.refresh_from_db()
    assert tag.name == "Cloud"

    client.post(url("settings-tag-delete", world, tag.id))
    assert not Tag.objects.exists()


# --- approval workflows ----------------------------------------------------------------------------


def workflow_form(world, **overrides):
    data = {
        "name": "Over $10k",
        "priority": "10",
        "active": "on",
        "minAmount": "10000",
        "maxAmount": "",
        "step": ["aaa", "bbb"],
        "steps-aaa-approverIds": [world.payer_approver.id],
        "steps-aaa-requiredApprovals": "1",
        "steps-bbb-approverRoles": ["owner", "admin"],
        "steps-bbb-requiredApprovals": "2",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_create_a_workflow_with_two_steps(world):
    response = world.client(world.payer_admin).post(
        url("settings-workflow-new", world), workflow_form(world)
    )

    assert response.status_code == 302
    workflow = ApprovalWorkflow.objects.get(business=world.payer)
    assert workflow.name == "Over $10k" and workflow.priority == 10
    assert str(workflow.min_amount) == "10000.00" and workflow.max_amount is None
    steps = list(workflow.steps.order_by("position"))
    assert [s.required_approvals for s in steps] == [1, 2]
    assert steps[0].approver_ids == [world.payer_approver.id]
    assert steps[1].approver_roles == ["owner", "admin"]
    listing = text(world.client(world.payer_viewer).get(url("settings-workflows", world)))
    assert "Over $10k" in listing and "2 approvals from any owner, any admin" in listing


def test_workflow_errors_land_on_their_step(world):
    response = world.client(world.payer_admin).post(
        url("settings-workflow-new", world),
        workflow_form(world, **{"steps-bbb-requiredApprovals": "5"}),
    )

    assert response.status_code == 400
    page = text(response)
    second = page[page.index('value="bbb"') :]
    assert 'id="f-step-bbb-required-error">Needs 5 approvals' in second
    assert not ApprovalWorkflow.objects.exists()


def test_steps_are_added_and_removed_in_place(world):
    client = world.client(world.payer_admin)

    added = text(
        client.post(url("settings-workflow-new", world), workflow_form(world, action="add_step"))
    )
    removed = text(
        client.post(
            url("settings-workflow-new", world), workflow_form(world, action="remove_step:aaa")
        )
    )
    partial = text(client.get(url("settings-workflow-step", world)))

    assert added.count('name="step"') == 3
    assert removed.count('name="step"') == 1 and 'value="aaa"' not in removed
    assert partial.lstrip().startswith('<fieldset class="step-box">')
    assert not ApprovalWorkflow.objects.exists()


def test_edit_and_delete_a_workflow(world):
    workflow = factories.approval_workflow(world.payer, steps=[{"roles": ["approver"]}], name="Old")
    client = world.client(world.payer_owner)

    page = text(client.get(url("settings-workflow", world, workflow.id)))
    assert 'value="Old"' in page

    client.post(url("settings-workflow", world, workflow.id), workflow_form(world, name="New"))
    workflow.refresh_from_db()
    assert workflow.name == "New" and workflow.steps.count() == 2

    client.post(url("settings-workflow-delete", world, workflow.id))
    assert not ApprovalWorkflow.objects.exists()


def test_workflows_of_another_business_are_not_found(world):
    stranger = factories.approval_workflow(
        factories.BusinessFactory(), steps=[{"roles": ["owner"]}]
    )

    client = world.client(world.payer_owner)
    assert client.get(url("settings-workflow", world, stranger.id)).status_code == 404
    assert client.post(url("settings-workflow-delete", world, stranger.id)).status_code == 404


# --- custom fields ---------------------------------------------------------------------------------


def test_custom_fields_are_created_edited_and_removed(world):
    client = world.client(world.payer_admin)

    client.post(
        url("settings-custom-fields", world),
        {"label": "Department", "key": "department", "type": "select", "scope": "payable",
         "options": "Sales\nOps\n", "required": "on", "active": "on"},
    )  # fmt: skip
    field = CustomFieldDefinition.objects.get(business=world.payer)
    assert field.options == ["Sales", "Ops"] and field.required

    client.post(
        url("settings-custom-field", world, field.id),
        {"label": "Dept.", "options": "Sales\nOps\nIT", "active": "on"},
    )
    field.refresh_from_db()
    assert field.label == "Dept." and field.options == ["Sales", "Ops", "IT"] and not field.required

    client.post(url("settings-custom-field-delete", world, field.id))
    field.refresh_from_db()
    assert field.deleted_at is not None


def test_custom_field_errors_beside_fields(world):
    factories.CustomFieldDefinitionFactory(business=world.payer, key="po_number")

    bad_key = world.client(world.payer_admin).post(
        url("settings-custom-fields", world),
        {"label": "PO", "key": "PO Number", "type": "text", "scope": "payable"},
    )
    taken = world.client(world.payer_admin).post(
        url("settings-custom-fields", world),
        {"label": "PO", "key": "po_number", "type": "text", "scope": "payable"},
    )

    assert bad_key.status_code == 400
    assert 'id="f-key-error">Use 1 to 50 letters' in text(bad_key)
    assert taken.status_code == 409
    assert "A custom field with the key &quot;po_number&quot; already exists." in text(taken)


# --- default approval action, tokens ----------------------------------------------------------------


def test_default_approval_action(world):
    client = world.client(world.payer_owner)

    client.post(url("settings-approvals", world), {"defaultApprovalAction": "auto_approve"})

    world.payer.refresh_from_db()
    assert world.payer.default_approval_action == "auto_approve"
    assert (
        world.client(world.payer_approver)
        .post(url("settings-approvals", world), {"defaultApprovalAction": "manual_review"})
        .status_code
        == 403
    )


def test_an_api_token_is_shown_once_then_revoked(world):
    client = world.client(world.payer_viewer)

    created = text(client.post(url("settings-tokens", world)))
    token = created.split('id="new-token" readonly value="')[1].split('"')[0]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/me").status_code == 200

    listing = text(client.get(url("settings-tokens", world)))
    assert token not in listing
    key = AuthToken.objects.get(user=world.payer_viewer).token_key
    assert f"{key}…" in listing

    client.post(url("settings-token-revoke", world, key))
    assert api.get("/api/me").status_code == 401
    assert client.post(url("settings-token-revoke", world, key)).status_code == 404
