"""Platform staff can browse workflows, steps and custom fields in the admin."""

import pytest
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
            reverse("admin:approvals_approvalworkflow_change", args=[workflow.pk]),
            b"approver@acme.example",
        ),
        (reverse("admin:approvals_workflowstep_change", args=[step.pk]), b"approver@acme.example"),
        (reverse("admin:approvals_customfielddefinition_changelist"), b"po_number"),
        (reverse("admin:approvals_customfielddefinition_change", args=[field.pk]), b"po_number"),
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
