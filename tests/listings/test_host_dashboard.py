import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from listings.models import Listing
from privacy.models import IdentityVerification
from tests.accounts.factories import UserFactory
from tests.listings.builders import days, listing_fields, published_listing

pytestmark = pytest.mark.django_db


def form_data(shibuya, **overrides):
    data = {
        k: ("" if v is None else v)
        for k, v in listing_fields(available_from=days(3).isoformat()).items()
        if not isinstance(v, bool)
    }
    data.update(
        {
            "station_1": shibuya.pk,
            "station_1_name": "渋谷",
            "distance_1": 800,
            "item_bed": "host",
            "item_wifi": "third_party",
            "communication_style": "easy",
        }
    )
    data.update(overrides)
    return data


def test_host_creates_a_listing_as_a_draft_with_stations_and_furniture(client, shibuya):
    host = UserFactory()
    client.force_login(host)

    response = client.post(reverse("listings:host_create"), form_data(shibuya))

    listing = Listing.objects.get(host=host)
    assert response.status_code == 302
    assert listing.status == Listing.Status.DRAFT
    assert listing.town == "渋谷"
    assert [(s.station.name, s.walk_minutes) for s in listing.stations.all()] == [("渋谷", 10)]
    assert {i.item: i.provided_by for i in listing.items.all()} == {
        "bed": "host",
        "wifi": "third_party",
    }
    host.refresh_from_db()
    assert host.is_host


def test_without_javascript_the_server_fills_the_address_from_the_postal_code(client, shibuya):
    client.force_login(UserFactory())

    client.post(
        reverse("listings:host_create"),
        form_data(shibuya, postal_code="〒１５０－０００２", prefecture="", city="", town=""),
    )

    listing = Listing.objects.get()
    assert (listing.postal_code, listing.prefecture, listing.city, listing.town) == (
        "1500002",
        "東京都",
        "渋谷区",
        "渋谷",
    )


def test_a_code_covering_several_towns_asks_the_host_to_choose(client, shibuya):
    client.force_login(UserFactory())

    response = client.post(
        reverse("listings:host_create"),
        form_data(shibuya, postal_code="452-0961", prefecture="", city="", town=""),
    )

    assert response.status_code == 200
    assert "Several towns share this postal code" in response.text
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    ("distance", "message"),
    [(0, "more than 0 metres"), (-5, "more than 0 metres"), (8001, "at most 8,000 metres")],
)
def test_a_walking_distance_out_of_range_is_refused_with_a_message(
    client, shibuya, distance, message
):
    client.force_login(UserFactory())

    response = client.post(reverse("listings:host_create"), form_data(shibuya, distance_1=distance))

    assert response.status_code == 200
    assert message in response.text
    assert not Listing.objects.exists()


def test_the_listing_form_shows_the_customers_help_texts(client):
    client.force_login(UserFactory())

    page = client.get(reverse("listings:host_create")).text

    assert "Input a valid zipcode, and the address will be automatically inputted." in page
    assert "~ 80 meters = 1 min. Please convert the time it takes to walk from the station." in page
    assert "If you can visit somewhere, check this." in page
    assert "Take it easy!" in page
    assert "Must be provided by a third party." in page


def test_host_publishes_pauses_and_duplicates(client, shibuya):
    listing = published_listing(stations=[(shibuya, 300)], publish=False)
    client.force_login(listing.host)

    client.post(reverse("listings:host_action", args=[listing.pk, "publish"]))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED

    client.post(reverse("listings:host_action", args=[listing.pk, "pause"]))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PAUSED

    client.post(reverse("listings:host_action", args=[listing.pk, "duplicate"]))
    copy = Listing.objects.exclude(pk=listing.pk).get()
    assert copy.status == Listing.Status.DRAFT
    assert copy.title == f"Copy of {listing.title}"
    assert copy.stations.get().distance_m == 300


def test_a_host_without_a_verified_email_cannot_publish(client, shibuya):
    listing = published_listing(stations=[(shibuya, 300)], publish=False)
    EmailAddress.objects.filter(user=listing.host).update(verified=False)
    client.force_login(listing.host)

    response = client.post(
        reverse("listings:host_action", args=[listing.pk, "publish"]), follow=True
    )

    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT
    assert "Verify your email address before you publish a listing." in response.text


def test_a_host_whose_identity_is_not_verified_cannot_publish(client, shibuya):
    listing = published_listing(stations=[(shibuya, 300)], publish=False)
    IdentityVerification.objects.filter(user=listing.host).delete()
    client.force_login(listing.host)

    response = client.post(
        reverse("listings:host_action", args=[listing.pk, "publish"]), follow=True
    )

    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT
    assert "Verify your identity before you publish a listing" in response.text


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("get", "listings:host_edit", []),
        ("post", "listings:host_edit", []),
        ("get", "listings:host_photos", []),
        ("post", "listings:host_action", ["publish"]),
        ("post", "listings:host_action", ["pause"]),
        ("post", "listings:host_action", ["duplicate"]),
    ],
)
def test_another_host_gets_404_for_every_page_of_your_listing(
    client, shibuya, method, url_name, args
):
    listing = published_listing(stations=[(shibuya, 300)])
    client.force_login(UserFactory(is_host=True))

    response = getattr(client, method)(reverse(url_name, args=[listing.pk, *args]))

    assert response.status_code == 404
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED
    assert Listing.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in_for_host_pages(client):
    response = client.get(reverse("listings:host_create"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_lists_only_my_listings_with_their_status(client, shibuya):
    mine = published_listing(title="Mine", stations=[(shibuya, 300)])
    published_listing(title="Theirs", stations=[(shibuya, 300)])
    client.force_login(mine.host)

    page = client.get(reverse("listings:host_list")).text

    assert "Mine" in page
    assert "Theirs" not in page
    assert "Published" in page
