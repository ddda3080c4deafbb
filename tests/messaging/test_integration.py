"""A real Celery worker mails new messages over SMTP, throttled per thread and recipient."""

import pytest

from messaging.services import _claim_notification_slot, message_post
from tests.messaging.builders import start_thread
from tests.races import race

pytestmark = pytest.mark.integration


def test_the_worker_mails_the_host_once_for_two_quick_messages(live_worker, smtp_sink):
    thread = start_thread(body="Is it free? Mail me at alex@example.org")

    [mail] = smtp_sink.wait_for(thread.host.email)

    assert thread.listing.title in mail["Subject"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Is it free?" in text
    assert "alex@example.org" not in text
    # A second message within 10 minutes must not mail the host again. The host's
    # reply is queued after it on the same one-process worker, so once the tenant's
    # mail has arrived, a second mail to the host would have arrived too.
    message_post(thread=thread, sender=thread.tenant, body="Second thought")
    message_post(thread=thread, sender=thread.host, body="Yes, it is free.")
    smtp_sink.wait_for(thread.tenant.email)

    assert len(smtp_sink.wait_for(thread.host.email)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_mail_at_once_send_it_once():
    thread = start_thread(notify=False)

    results = race(*[lambda: _claim_notification_slot(thread=thread, recipient=thread.host)] * 4)

    assert sorted(results) == [False, False, False, True]
