import datetime

import pytest
from django.core import mail
from django.utils import timezone

from messaging.models import ThreadNotification
from messaging.services import message_post, notification_preference_set
from tests.messaging.builders import pdf_upload, start_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(body="Is it free in March?")
    return thread


def post(capture, thread, sender, body, **kw):
    with capture(execute=True):
        message_post(thread=thread, sender=sender, body=body, **kw)


def mails_to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_the_host_is_mailed_about_a_new_inquiry(thread):
    [message] = mails_to(thread.host)

    assert thread.listing.title in message.subject
    assert "Is it free in March?" in message.body
    assert f"/messages/{thread.pk}/" in message.body


def test_two_messages_within_ten_minutes_give_one_mail(thread, django_capture_on_commit_callbacks):
    post(django_capture_on_commit_callbacks, thread, thread.tenant, "One more thing")

    assert len(mails_to(thread.host)) == 1


def test_after_ten_minutes_the_next_message_is_mailed_again(
    thread, django_capture_on_commit_callbacks
):
    ThreadNotification.objects.filter(thread=thread, recipient=thread.host).update(
        last_sent_at=timezone.now() - datetime.timedelta(minutes=10, seconds=1)
    )

    post(django_capture_on_commit_callbacks, thread, thread.tenant, "Are you there?")

    assert len(mails_to(thread.host)) == 2
    assert "Are you there?" in mails_to(thread.host)[-1].body


def test_the_throttle_counts_per_recipient(thread, django_capture_on_commit_callbacks):
    post(django_capture_on_commit_callbacks, thread, thread.host, "Yes, it is free.")

    assert len(mails_to(thread.tenant)) == 1
    assert len(mails_to(thread.host)) == 1


def test_contact_details_are_masked_in_the_mail(thread, django_capture_on_commit_callbacks):
    text = "Mail hana@example.com, 03-1234-5678"
    post(django_capture_on_commit_callbacks, thread, thread.host, text)

    [message] = mails_to(thread.tenant)
    assert "hana@example.com" not in message.body
    assert "03-1234-5678" not in message.body
    html = message.alternatives[0][0]
    assert "hana@example.com" not in html
    assert "[email hidden]" in message.body


def test_a_user_who_turned_mail_off_gets_none(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(notify=False)
    notification_preference_set(user=thread.tenant, email_on_message=False)

    post(django_capture_on_commit_callbacks, thread, thread.host, "Hello")

    assert mails_to(thread.tenant) == []


def test_the_mail_mentions_an_attachment_but_does_not_carry_it(
    thread, django_capture_on_commit_callbacks
):
    post(django_capture_on_commit_callbacks, thread, thread.host, "", attachment=pdf_upload())

    [message] = mails_to(thread.tenant)
    assert "file attached" in message.body
    assert message.attachments == []
