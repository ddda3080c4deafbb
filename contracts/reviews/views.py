"""The page where a party of a finished stay writes their review, the contract page's review
section, and the published reviews shown on listing pages and public profiles."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.booking import selectors as contract_selectors
from contracts.core.sections import contract_section_register
from contracts.core.services import contract_other_party
from contracts.models import Contract
from contracts.reviews import selectors
from contracts.reviews import services as reviews
from contracts.reviews.forms import ReviewForm
from kaguaruoo.actions import form_submit
from kaguaruoo.slots import slot_register


@login_required
def review_write(request, pk):
    contract = contract_selectors.contract_get_for_party(user=request.user, pk=pk)
    try:
        reviews.review_check(contract=contract, author=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(contract.get_absolute_url() + "#reviews")
    form = ReviewForm(request.POST or None)
    saved = form_submit(
        request,
        form,
        lambda data: reviews.review_write(
            contract=contract, author=request.user, rating=data["rating"], body=data["body"]
        ),
        done=_("Thank you: your review is saved."),
    )
    if saved:
        return redirect(contract.get_absolute_url() + "#reviews")
    role = contract.role_of(request.user)
    return render(
        request,
        "contracts/review_form.html",
        {
            "contract": contract,
            "form": form,
            "subject": contract.host if role == "tenant" else contract.tenant,
            "role": role,
            "last_day": reviews.review_last_day(contract=contract),
        },
        status=400 if form.is_bound else 200,
    )


@contract_section_register(order=40)
def contract_section(*, contract: Contract, user: User, request=None) -> str:
    """After the stay: this party's review, the other's once published, or the link to write."""
    if contract.status != Contract.Status.SIGNED or contract.end_date > timezone.localdate():
        return ""
    by_author = selectors.reviews_of_contract(contract=contract)
    other = contract_other_party(contract, user)
    mine, theirs = by_author.get(user.pk), by_author.get(other.pk)
    published = theirs is not None and selectors.review_is_published(theirs)
    last_day = reviews.review_last_day(contract=contract)
    return render_to_string(
        "contracts/partials/reviews_section.html",
        {
            "contract": contract,
            "mine": mine,
            "other": other,
            "theirs": theirs if published else None,
            "theirs_hidden": theirs is not None and not published,
            "can_write": mine is None and timezone.localdate() <= last_day,
            "last_day": last_day,
        },
        request=request,
    )


# Listing pages and public profiles: listings/ and accounts/ may not import contracts
# (imports point the other way), so their templates name these slots. Each costs at most
# two queries.


@slot_register("listing_reviews")
def listing_reviews(*, request, listing) -> str:
    """Kept five minutes per listing, language and day (reviews are published by the
    day as well as by writing); a review written retires it at once."""
    key = selectors.listing_reviews_key(listing_id=listing.pk)
    today = timezone.localdate().isoformat()
    kept = _kept(key)
    if kept is not None and kept[0] == today:
        return kept[1]
    summary = selectors.reviews_summary(selectors.reviews_public_for_listing(listing=listing))
    html = _review_list(request, summary, show_listing=False)
    with contextlib.suppress(Exception):  # The cache is down: rendered each time.
        cache.set(key, (today, html), selectors.LISTING_REVIEWS_SECONDS)
    return html


def _kept(key: str):
    try:
        return cache.get(key)
    except Exception:
        return None


@slot_register("user_reviews")
def user_reviews(*, request, member) -> str:
    summary = selectors.reviews_summary(selectors.reviews_public_about(user=member))
    return _review_list(request, summary, show_listing=True)


def _review_list(request, summary: dict, *, show_listing: bool) -> str:
    return render_to_string(
        "contracts/partials/review_list.html",
        {"summary": summary, "show_listing": show_listing},
        request=request,
    )
