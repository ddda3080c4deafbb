"""What contracts shows in the pages of lower apps that belongs to no one sub-package.

The listing page's Apply button leads to a reservation request, with the stay the
visitor priced (`cost`) carried over.
"""

from django.template.loader import render_to_string

from kaguaruoo.slots import slot_register


@slot_register("listing_apply")
def apply_button(*, request, listing, cost=None) -> str:
    return render_to_string(
        "contracts/partials/apply_button.html", {"listing": listing, "cost": cost}, request=request
    )
