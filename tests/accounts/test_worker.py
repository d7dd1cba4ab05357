"""With a broker, e-mail goes through Redis and a real Celery worker, after the commit."""

import pytest
from celery.signals import task_postrun
from django.core import mail

from tests.conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_invitation_email_is_sent_by_the_worker(api, owner, celery_worker):
    runs = []

    def record(sender=None, task=None, **kwargs):
        runs.append((task.name, task.request.is_eager, bool(task.request.delivery_info)))

    task_postrun.connect(record, weak=False)
    try:
        response = api(owner).post(
            f"/api/businesses/{owner.business.id}/members",
            {"email": "worker@example.com", "role": "viewer"},
            format="json",
        )
        assert response.status_code == 201
        wait_until(lambda: mail.outbox)
    finally:
        task_postrun.disconnect(record)

    assert mail.outbox[0].to == ["worker@example.com"]
    assert ("accounts.tasks.send_member_invitation_email", False, True) in runs
