"""A disclosure whose archive task was lost with the broker's queue gets its archive after all."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from privacy.services import (
    privacy_archives_missing_queue,
    privacy_request_decide,
    privacy_request_file,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def archive_mails(address):
    return [m for m in mail.outbox if address in m.to and "archive is ready" in m.subject]


def test_an_archive_whose_task_was_lost_is_built_an_hour_later_and_mailed_once(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="lost.archive@example.com")
    privacy_request = privacy_request_file(
        user=user, kind="disclosure", identity_check="reauthentication"
    )
    # Decided, but the commit's callbacks (the queued build) never run: the queue was lost.
    privacy_request_decide(
        privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
    )
    later = timezone.now() + datetime.timedelta(hours=2)

    with django_capture_on_commit_callbacks(execute=True):
        too_soon = privacy_archives_missing_queue()
    with django_capture_on_commit_callbacks(execute=True):
        queued = privacy_archives_missing_queue(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        again = privacy_archives_missing_queue(now=later)

    privacy_request.refresh_from_db()
    assert (too_soon, queued, again) == (0, 1, 0)
    assert privacy_request.archive
    assert len(archive_mails("lost.archive@example.com")) == 1
