import factory

from listings.models import ListingPhoto
from tests.listings.builders import listing_near_station


def _next_position(photo) -> int:
    return photo.listing.photos.count()


class ListingPhotoFactory(factory.django.DjangoModelFactory):
    """A processed photo appended to its listing; the listing's first photo is its cover."""

    class Meta:
        model = ListingPhoto

    listing = factory.LazyFunction(listing_near_station)
    image = factory.django.ImageField(width=64, height=48, color="tan", format="JPEG")
    position = factory.LazyAttribute(_next_position)
    is_cover = factory.LazyAttribute(lambda o: not o.listing.photos.filter(is_cover=True).exists())
    state = ListingPhoto.State.READY
