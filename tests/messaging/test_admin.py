"""Staff read a conversation in admin only for a stated reason, and the reading is audited.

Privacy policy 2.2: staff look at personal data only as their work needs, and every
look is recorded. A thread is two people's private conversation, so admin asks why
before it shows a single message.
"""

import pytest
from django.urls import reverse

from privacy.models import StaffAuditLog
from tests.messaging.builders import start_thread
from tests.privacy.helpers import staff_signed_in

pytestmark = pytest.mark.django_db

BODY = "The door code is 0427, see you Friday."


@pytest.fixture
def thread():
    return start_thread(body=BODY)


def change_url(thread) -> str:
    return reverse("admin:messaging_thread_change", args=[thread.pk])


def reads_of(thread):
    return StaffAuditLog.objects.filter(
        model="messaging.Thread", object_id=str(thread.pk), action=StaffAuditLog.Action.VIEW
    )


def test_opening_a_thread_without_a_reason_shows_the_reason_form_and_no_messages(
    officer_client, thread
):
    response = officer_client.get(change_url(thread))

    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert BODY not in response.text
    assert not reads_of(thread).exists()


def test_an_empty_reason_shows_no_messages(officer_client, thread):
    response = officer_client.post(change_url(thread), {"reason": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert BODY not in response.text
    assert not reads_of(thread).exists()


def test_with_a_reason_the_messages_are_shown_and_the_reading_is_audited(officer_client, thread):
    reason = "Support request 12: the tenant says the host promised a door code."

    response = officer_client.post(change_url(thread), {"reason": reason})

    assert response.status_code == 200
    assert BODY in response.text
    [row] = reads_of(thread)
    assert row.staff == officer_client.officer
    assert row.person == thread.tenant
    assert f"reason: {reason}" in row.changed_fields


def test_the_thread_list_shows_no_message(officer_client, thread):
    response = officer_client.get(reverse("admin:messaging_thread_changelist"))

    assert response.status_code == 200
    assert change_url(thread) in response.text
    assert BODY not in response.text


def test_staff_who_are_not_privacy_officers_get_no_thread_content(client, thread):
    staff_signed_in(client)

    page = client.get(change_url(thread))
    read = client.post(change_url(thread), {"reason": "Curious."})
    index = client.get(reverse("admin:index"))

    assert page.status_code == 403
    assert read.status_code == 403
    assert BODY not in read.text
    assert reverse("admin:messaging_thread_changelist") not in index.text
    assert not reads_of(thread).exists()
