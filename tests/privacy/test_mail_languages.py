"""Privacy request mails reach the person in their language, also once the account closes."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from accounts.models import User
from kaguaruoo.mail import mail_render
from privacy.models import IdentityVerification, PrivacyRequest
from privacy.services import identity_decide, privacy_request_decide, privacy_request_file
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import reauthenticate, sign_in

pytestmark = pytest.mark.django_db


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def due_in(language: str, privacy_request) -> str:
    with override(language):
        return date_format(privacy_request.due_on)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_receipt_of_a_request_gives_its_due_date_in_the_persons_language(
    django_capture_on_commit_callbacks, language
):
    user = UserFactory(language=language)

    with django_capture_on_commit_callbacks(execute=True):
        privacy_request = privacy_request_file(
            user=user, kind="disclosure", identity_check="reauthentication"
        )

    [received] = mails_to(user.email)
    assert due_in(language, privacy_request) in received.body


def test_a_request_made_while_reading_japanese_is_answered_in_japanese(
    client, django_capture_on_commit_callbacks
):
    """A person whose account names no language: the language they made the request in."""
    user = UserFactory(language="")
    sign_in(client, user)
    reauthenticate(client)
    # Logging in keeps the language read at login; an account from before that has none.
    User.objects.filter(pk=user.pk).update(language="")
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("privacy:request_new"),
            {"kind": "deletion", "details": ""},
            headers={"accept-language": "ja"},
        )
    privacy_request = PrivacyRequest.objects.get(user=user)
    address = user.email

    assert privacy_request.language == "ja"
    assert due_in("ja", privacy_request) in mails_to(address)[0].body

    # The deletion closes the account; the decision still reaches them, in Japanese.
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )
    decided = mails_to(address)[-1]
    with override("ja"):
        assert privacy_request.get_kind_display() in decided.subject + decided.body


def test_a_staff_member_filing_for_someone_does_not_give_them_the_staff_members_language(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="")
    staff = UserFactory(is_staff=True, language="ja")

    with override("ja"):
        privacy_request = privacy_request_file(
            user=user,
            kind="disclosure",
            identity_check="document",
            identity_note="Passport seen at the desk.",
            checked_by=staff,
        )

    assert privacy_request.language == ""


def test_the_corrected_fields_are_named_in_the_persons_language_not_the_staffs(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="en", phone="090-0000-0001")
    privacy_request = privacy_request_file(
        user=user,
        kind="revision",
        corrections={"accounts.User.phone": "090-1234"},
        identity_check="reauthentication",
    )

    with override("ja"), django_capture_on_commit_callbacks(execute=True):
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )

    assert "phone number" in mails_to(user.email)[-1].body


def test_an_identity_decision_is_in_the_persons_language(django_capture_on_commit_callbacks):
    user = UserFactory(language="ja")
    verification = IdentityVerification.objects.create(
        user=user, document_type="passport", submitted_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        identity_decide(verification=verification, approve=True, by=UserFactory(is_staff=True))

    [decided] = mails_to(user.email)
    assert (
        decided.subject
        == mail_render(
            template="privacy/emails/identity_decided",
            context={"verification": verification},
            language="ja",
        )[0]
    )
