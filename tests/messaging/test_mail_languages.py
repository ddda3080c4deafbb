"""A new-message mail is in its reader's language, names and all."""

import pytest
from django.core import mail
from django.utils.translation import gettext, override

from accounts.models import Visibility
from kaguaruoo.mail import mail_render
from tests.accounts.factories import UserFactory
from tests.listings.builders import listing_near_station
from tests.messaging.builders import start_thread

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_host_reads_the_tenants_message_in_the_hosts_language(
    django_capture_on_commit_callbacks, language
):
    host = UserFactory(language=language, is_host=True)
    # The tenant shows no last name: the mail calls them "Member", in the host's words.
    tenant = UserFactory(language="ja" if language == "en" else "en")
    tenant.last_name_visibility = Visibility.ONLY_ME
    tenant.save(update_fields=["last_name_visibility"])
    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(listing=listing_near_station(host=host), tenant=tenant)

    [notification] = [m for m in mail.outbox if m.to == [host.email]]
    with override(language):
        member = gettext("Member")
        subject = mail_render(
            template="messaging/emails/new_message",
            context={"listing_title": thread.listing.title},
            language=language,
        )[0]
    assert notification.subject == subject
    assert member in notification.body
