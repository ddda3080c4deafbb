"""The listing's own rules, each with one home in listings/services.py: status moves,
stations and the address from the postal code. The form and the service refuse alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaguaruoo.transitions import IllegalTransition
from listings.models import Listing
from listings.services import (
    StationDistance,
    TownChoiceNeeded,
    address_check,
    listing_create,
    listing_pause,
    listing_transition,
    stations_check,
)
from tests.listings.builders import listing_fields, published_listing, station

pytestmark = pytest.mark.django_db


def test_a_draft_cannot_be_paused_and_the_host_reads_why(client):
    listing = published_listing(stations=[(station(), 300)], publish=False)
    client.force_login(listing.host)

    with pytest.raises(IllegalTransition, match="A Draft listing cannot become Paused"):
        listing_pause(listing=listing, by=listing.host)
    response = client.post(reverse("listings:host_action", args=[listing.pk, "pause"]), follow=True)

    assert "A Draft listing cannot become Paused." in response.text
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT


def test_a_listing_read_before_someone_else_paused_it_is_not_paused_twice():
    listing = published_listing(stations=[(station(), 300)])
    stale = Listing.objects.get(pk=listing.pk)
    listing_pause(listing=listing, by=listing.host)

    with pytest.raises(IllegalTransition):
        listing_transition(listing=stale, to=Listing.Status.PAUSED, by=listing.host)


def test_publishing_stamps_the_first_publication_and_keeps_it_on_a_second():
    listing = published_listing(stations=[(station(), 300)])
    first = listing.published_at
    listing_pause(listing=listing, by=listing.host)

    listing_transition(listing=listing, to=Listing.Status.PUBLISHED, by=listing.host)

    assert listing.published_at == first
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.PUBLISHED


def test_a_station_named_twice_is_refused_by_the_rule_the_form_uses_too():
    shibuya = station()

    with pytest.raises(ValidationError, match="Each station can be named only once"):
        stations_check(
            [StationDistance(shibuya, 300), StationDistance(station(group=shibuya.group_code), 500)]
        )
    with pytest.raises(ValidationError, match="at most 8,000 metres"):
        stations_check([StationDistance(shibuya, 8001)])


def test_a_listing_saved_by_the_service_with_a_station_too_far_is_refused():
    with pytest.raises(ValidationError, match="at most 8,000 metres"):
        listing_create(
            host=published_listing(stations=[(station(), 300)]).host,
            fields=listing_fields(),
            stations=[StationDistance(station(), 9000)],
            items={},
        )


def test_a_postal_code_of_several_towns_names_them_until_one_is_chosen():
    with pytest.raises(TownChoiceNeeded) as refused:
        address_check(postal_code="452-0961", prefecture="", city="", town="")

    assert "春日明河原" in [candidate["town"] for candidate in refused.value.candidates]
    assert "choose yours from the list" in refused.value.message_dict["town"][0]
    chosen = address_check(
        postal_code="452-0961", prefecture="愛知県", city="清須市", town="春日明河原"
    )
    assert chosen["town_romaji"] == "Haruhiakegawara"


def test_an_unknown_postal_code_is_refused_on_its_field():
    with pytest.raises(ValidationError) as refused:
        address_check(postal_code="000-0000", prefecture="", city="", town="")

    assert list(refused.value.message_dict) == ["postal_code"]
