import pytest
from django.core import mail
from django.utils import translation

from kaguaruoo.mail import mail_send
from kaguaruoo.money import yen
from kaguaruoo.outbox.models import OutboxMessage
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_mail_to_a_user_is_sent_after_commit_with_subject_text_and_html(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="reader@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        queued = mail_send(
            to=user,
            template="messaging/emails/new_message",
            context={
                "sender_name": "Hana",
                "listing_title": "Bright 1LDK",
                "text": "Welcome & see you soon",
                "thread_url": "https://kaguaruoo.example/messages/1/",
                "preferences_url": "https://kaguaruoo.example/messages/settings/",
            },
        )

    assert queued is True
    (message,) = mail.outbox
    assert message.to == ["reader@example.com"]
    assert "\n" not in message.subject
    assert "Welcome & see you soon" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Welcome &amp; see you soon" in html


def test_nothing_is_sent_while_the_transaction_has_not_committed(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail_send(to=user, template="contracts/emails/review_published", context={})

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_an_inactive_user_is_mailed_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        queued = mail_send(to=user, template="contracts/emails/review_published", context={})

    assert queued is False
    assert mail.outbox == []


def test_yen_is_written_with_the_sign_before_in_english_and_en_after_in_japanese():
    with translation.override("en"):
        assert yen(205000) == "¥205,000"
        assert yen(-5000) == "-¥5,000"
    with translation.override("ja"):
        assert yen(205000) == "205,000円"
        assert yen(-5000) == "-5,000円"
    assert yen(205000, language="ja") == "205,000円"
    assert yen(None) == ""
    assert yen(None, empty="-") == "-"


def test_a_sent_mail_keeps_its_message_id_but_not_its_text(django_capture_on_commit_callbacks):
    user = UserFactory(email="reader@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        mail_send(to=user, template="contracts/emails/review_published", context={})
        mail_send(to="desk@example.com", template="contracts/emails/review_published", context={})

    rows = list(OutboxMessage.objects.order_by("pk"))
    assert [row.state for row in rows] == [OutboxMessage.State.SENT] * 2
    assert [row.payload for row in rows] == [{}, {}]
    assert [row.address for row in rows] == ["reader@example.com", ""]
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [r.message_id for r in rows]
