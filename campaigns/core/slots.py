"""What campaigns show on lower apps' pages (kaguaruoo/slots.py)."""

from django.template.loader import render_to_string

from kaguaruoo.slots import slot_register


@slot_register("account_links")
def account_links(*, request, user) -> str:
    """On the account page: the person's gifts and the feedback form."""
    return render_to_string("campaigns/partials/account_links.html", {"user": user}, request)
