"""Subjects and text bodies are plain text: names reach them as typed, never HTML-escaped;
only the HTML alternative escapes them."""

import pytest
from django.core import mail

from tests import factories

pytestmark = pytest.mark.django_db

NAME = "O'Brien <Supplies> & Co"


def test_an_invitation_names_the_business_as_typed(api, django_capture_on_commit_callbacks):
    membership = factories.MembershipFactory(role="owner", business__name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(membership.user).post(
            f"/api/businesses/{membership.business_id}/members",
            {"email": "new-hire@example.com", "role": "viewer"},
            format="json",
        )
    assert response.status_code == 201

    message = mail.outbox[-1]
    assert NAME in message.subject
    assert NAME in message.body
    for escaped in ("&#x27;", "&lt;", "&gt;", "&amp;"):
        assert escaped not in message.subject
        assert escaped not in message.body
    html, _type = message.alternatives[0]
    assert "O&#x27;Brien &lt;Supplies&gt; &amp; Co" in html
    assert "<Supplies>" not in html


def test_a_connection_invitation_names_the_business_as_typed(
    api, django_capture_on_commit_callbacks
):
    membership = factories.MembershipFactory(role="owner", business__name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(membership.user).post(
            f"/api/businesses/{membership.business_id}/connections",
            {"counterpartyEmail": "vendor@example.com", "myRole": "payer"},
            format="json",
        )
    assert response.status_code == 201

    message = mail.outbox[-1]
    assert NAME in message.subject and NAME in message.body
    assert "&#x27;" not in message.subject + message.body
    assert "&lt;" not in message.subject + message.body
