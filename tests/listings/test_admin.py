"""Staff moderate listings in admin: a hidden listing leaves search and its public page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from listings.models import Listing
from listings.services import listing_duplicate
from privacy.models import StaffAuditLog
from tests.listings.builders import published_listing, result_titles, station
from tests.privacy.helpers import staff_signed_in

pytestmark = pytest.mark.django_db


def hide_url(listing) -> str:
    return reverse("admin:listings_listing_hide", args=[listing.pk])


def unhide_url(listing) -> str:
    return reverse("admin:listings_listing_unhide", args=[listing.pk])


def search_titles(client) -> list[str]:
    response = client.get(reverse("listings:search"))
    return result_titles(response)


@pytest.fixture
def listing():
    return published_listing(title="Suspicious flat", stations=[(station(), 400)])


def test_an_officer_hides_a_listing_with_a_reason_and_the_public_loses_it(
    officer_client, listing, django_capture_on_commit_callbacks
):
    public = Client()
    assert search_titles(public) == ["Suspicious flat"]

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(hide_url(listing), {"reason": "Photos copied from a hotel."})

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == Listing.Status.HIDDEN
    assert listing.hidden_reason == "Photos copied from a hotel."
    assert search_titles(public) == []
    assert public.get(listing.get_absolute_url()).status_code == 404
    assert public.get(reverse("listings:detail", args=[listing.pk])).status_code == 404
    row = StaffAuditLog.objects.get(model="listings.Listing", object_id=str(listing.pk))
    assert row.staff == officer_client.officer
    assert row.action == StaffAuditLog.Action.CHANGE
    assert "status" in row.changed_fields
    assert row.person == listing.host


def test_the_host_sees_the_hidden_listing_as_hidden(officer_client, listing):
    officer_client.post(hide_url(listing), {"reason": "Photos copied from a hotel."})
    host = Client()
    host.force_login(listing.host)

    dashboard = host.get(reverse("listings:host_list"))
    page = host.get(listing.get_absolute_url())

    assert "Hidden by KaguAruoo" in dashboard.text
    assert page.status_code == 200
    assert "Hidden by KaguAruoo" in page.text


def test_a_host_cannot_publish_a_listing_staff_hid(officer_client, listing):
    officer_client.post(hide_url(listing), {"reason": "Photos copied from a hotel."})
    host = Client()
    host.force_login(listing.host)

    host.post(reverse("listings:host_action", args=[listing.pk, "publish"]))

    listing.refresh_from_db()
    assert listing.status == Listing.Status.HIDDEN


def test_without_a_reason_the_listing_stays_public(officer_client, listing):
    form = officer_client.get(hide_url(listing))
    response = officer_client.post(hide_url(listing), {"reason": ""})

    assert form.status_code == 200
    assert 'name="reason"' in form.text
    assert response.status_code == 200
    assert "This field is required." in response.text
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED


def test_unhiding_gives_the_listing_back_the_status_it_had(officer_client, listing):
    officer_client.post(hide_url(listing), {"reason": "Photos copied from a hotel."})

    response = officer_client.post(unhide_url(listing), {"reason": "The host sent own photos."})

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED
    assert listing.hidden_reason == ""
    assert StaffAuditLog.objects.filter(object_id=str(listing.pk)).count() >= 2


def test_the_listing_page_in_admin_offers_hiding_and_shows_the_rent_in_yen(officer_client, listing):
    page = officer_client.get(reverse("admin:listings_listing_change", args=[listing.pk]))
    rows = officer_client.get(reverse("admin:listings_listing_changelist"))

    assert page.status_code == 200
    assert hide_url(listing) in page.text
    assert "¥100,000" in rows.text


def test_staff_who_are_not_privacy_officers_cannot_hide_listings(client, listing):
    staff_signed_in(client)

    response = client.post(hide_url(listing), {"reason": "Photos copied from a hotel."})

    assert response.status_code == 403
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED


def test_a_host_cannot_copy_a_listing_staff_hid_back_into_search(officer_client, listing):
    officer_client.post(hide_url(listing), {"reason": "Photos copied from a hotel."})
    listing.refresh_from_db()

    with pytest.raises(ValidationError):
        listing_duplicate(listing=listing, by=listing.host)

    assert Listing.objects.filter(host=listing.host).count() == 1
