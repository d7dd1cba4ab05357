"""Platform staff can browse workflows, steps and custom fields in the admin."""

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse

from accounts.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser("staff@example.com", "a long staff password")
    client.force_login(staff)
    return client


def test_admin_pages_render(staff_client):
    business = factories.BusinessFactory(name="Acme Payables")
    approver = factories.member(business, Role.APPROVER, email="approver@acme.example")
    tag = factories.TagFactory(business=business)
    workflow = factories.approval_workflow(
        business,
        name="Over 10k",
        steps=[{"approvers": [approver], "roles": ["admin"]}],
        connections=[factories.ConnectionFactory(payer=business)],
        tags=[tag],
    )
    field = factories.CustomFieldDefinitionFactory(business=business, key="po_number")
    step = workflow.steps.get()

    pages = [
        (reverse("admin:approvals_approvalworkflow_changelist"), b"Over 10k"),
        (
            reverse("admin:approvals_approvalworkflow_change", args=[quote(workflow.pk)]),
            b"approver@acme.example",
        ),
        (
            reverse("admin:approvals_workflowstep_change", args=[quote(step.pk)]),
            b"approver@acme.example",
        ),
        (reverse("admin:approvals_customfielddefinition_changelist"), b"po_number"),
        (
            reverse("admin:approvals_customfielddefinition_change", args=[quote(field.pk)]),
            b"po_number",
        ),
        (reverse("admin:approvals_customfielddefinition_add"), b"Key"),
    ]
    for url, expected in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content, url
    search = staff_client.get(
        reverse("admin:approvals_approvalworkflow_changelist"), {"q": "Acme Payables"}
    )
    assert b"Over 10k" in search.content


def test_an_id_whose_underscore_looks_like_an_admin_escape_opens(staff_client):
    # The admin writes "_" in a key as "_5F" and reads "_2C" as ",": a prefixed ID such as
    # apwf_2C... must be quoted in its links (the admin's own links are), or it is not found.
    business = factories.BusinessFactory(name="Acme Payables")
    workflow_id = "apwf_2C6tuEN4mR9NLX2XXGIIu7"
    factories.approval_workflow(
        business, name="Escapes", steps=[{"roles": ["admin"]}], id=workflow_id
    )
    link = reverse("admin:approvals_approvalworkflow_change", args=[quote(workflow_id)])
    changelist = staff_client.get(reverse("admin:approvals_approvalworkflow_changelist"))
    assert link.encode() in changelist.content
    response = staff_client.get(link)
    assert response.status_code == 200
    assert b"Escapes" in response.content
