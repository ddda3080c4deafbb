"""What the listings app holds about a person (see privacy/registry.py): a host's
listings, with the exact address, and the photos the host uploaded."""

from listings.models import Listing, ListingPhoto
from privacy.registry import Erase, PersonalData, register

register(
    PersonalData(
        model=Listing,
        person_field="host",
        export_fields=(
            "title",
            "title_ja",
            "description",
            "description_ja",
            "status",
            "postal_code",
            "prefecture",
            "city",
            "town",
            "street",
            "building",
            "room",
            "rent",
            "created_at",
            "published_at",
        ),
        # The row stays for the contracts that name it, withdrawn and without
        # the host's words or the exact address.
        erase=Erase.ANONYMISE,
        anonymise={
            "status": Listing.Status.DRAFT,
            "title": "Withdrawn listing",
            "title_ja": "",
            "description": "",
            "description_ja": "",
            "area_description": "",
            "street": "",
            "building": "",
            "room": "",
            "search_text": "",
            "place_keys": "",
        },
    )
)

register(
    PersonalData(
        model=ListingPhoto,
        person_field="listing__host",
        export_fields=("caption", "created_at"),
        file_fields=("image", "large", "thumbnail"),
        erase=Erase.DELETE,
    )
)
