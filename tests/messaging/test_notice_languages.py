"""A notice in a thread reads in each party's language, whoever wrote it in which."""

import pytest
from django.conf import settings
from django.utils import translation

from contracts.booking.services import reservation_withdraw
from privacy.models import ProvisionRecord
from tests.contracts.builders import reservation

pytestmark = pytest.mark.django_db


def page_in(client, user, url, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    user.language = language
    user.save(update_fields=["language"])
    return client.get(url).content.decode()


def test_the_host_reads_a_notice_in_japanese_and_the_tenant_in_english(client):
    request = reservation()
    with translation.override("en"):
        reservation_withdraw(reservation=request, by=request.tenant)
    with translation.override("ja"):
        japanese = translation.gettext("Reservation request withdrawn.")
    assert japanese != "Reservation request withdrawn."

    url = request.thread.get_absolute_url()
    assert japanese in page_in(client, request.thread.host, url, "ja")
    tenant_page = page_in(client, request.tenant, url, "en")
    assert "Reservation request withdrawn." in tenant_page and japanese not in tenant_page


def test_a_provision_purpose_reads_in_the_persons_language(client):
    request = reservation()
    record = ProvisionRecord.objects.filter(person=request.tenant).latest("pk")
    assert record.purpose_texts["en"].startswith("Inquiry about the listing")
    page = page_in(client, request.tenant, "/privacy/me/", "ja")
    assert record.purpose_texts["ja"] in page and record.purpose_texts["en"] not in page
    with translation.override("ja"):
        labels = record.data_item_labels()
    assert labels and all(label in page for label in labels)
    assert not any(item in page for item in record.data_items if item not in labels)
