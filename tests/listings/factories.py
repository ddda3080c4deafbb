from decimal import Decimal

import factory
from django.utils import timezone

from listings.models import Listing, ListingPhoto
from tests.accounts.factories import UserFactory


class ListingFactory(factory.django.DjangoModelFactory):
    """A published 1K in Shibuya; override what a test is about."""

    class Meta:
        model = Listing

    host = factory.SubFactory(UserFactory, is_host=True)
    status = Listing.Status.PUBLISHED
    title = factory.Sequence(lambda n: f"Furnished 1K near Shibuya station {n}")
    description = "A quiet furnished room, five minutes from the station. Wi-Fi included."
    property_type = Listing.PropertyType.APARTMENT
    layout = Listing.Layout.K1
    floor_area_m2 = Decimal("25")
    floor = 3
    floors_total = 10
    year_built = 2015
    max_occupants = 2
    rent = 150000
    utilities_included = False
    utilities_fee = 10000
    min_months = 1
    max_months = 12
    available_from = factory.LazyFunction(lambda: timezone.localdate())
    viewing_possible = True
    postal_code = "1500002"
    prefecture = "東京都"
    city = "渋谷区"
    town = "渋谷"
    street = "2-21-1"
    building = "Kagu Tower"
    room = "1203"
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Listing.Status.PUBLISHED else None
    )


def _next_position(photo) -> int:
    return photo.listing.photos.count()


class ListingPhotoFactory(factory.django.DjangoModelFactory):
    """A processed photo appended to its listing; the listing's first photo is its cover."""

    class Meta:
        model = ListingPhoto

    listing = factory.SubFactory(ListingFactory)
    image = factory.django.ImageField(width=64, height=48, color="tan", format="JPEG")
    position = factory.LazyAttribute(_next_position)
    is_cover = factory.LazyAttribute(lambda o: not o.listing.photos.filter(is_cover=True).exists())
    state = ListingPhoto.State.READY
