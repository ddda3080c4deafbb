import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaguaruoo.actions import action_redirect
from kaguaruoo.db_router import replica_reads
from listings import photos as photo_services
from listings import selectors, services
from listings.cards import Stay, search_cards
from listings.forms import ListingForm, PhotoUploadForm, SearchForm, StayForm
from listings.listing_page import listing_page_body
from listings.models import Listing
from listings.pricing import PARTIAL_MONTH_RULE, listing_stay_cost
from listings.search_cache import search_cache_get, search_cache_key, search_cache_set
from listings.search_panel import filters_panel

RESULTS_PER_PAGE = 20
# A search counts its matches up to this many ("more than 100" beyond) and pages
# up to MAX_PAGES: what a search costs follows the results it shows, not how
# many listings there are.
COUNT_LIMIT = 100
MAX_PAGES = 50


class CappedPaginator(Paginator):
    """Pages of the ids a search found; `count` is what was fetched, one past the page shown."""

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_LIMIT


def _fetch_limit(page_number: int) -> int:
    """How many ids a page needs: enough to count up to COUNT_LIMIT and to know a next page."""
    return max(COUNT_LIMIT, page_number * RESULTS_PER_PAGE) + 1


def _result_page(filters: dict, page_number: int, key: str) -> Page:
    """One page of results, as (listing id, updated_at) pairs, and the stations searched for.

    From the shared cache when the same search ran recently; otherwise one query
    finds the first matches, which give both the count and the page.
    """
    cached = search_cache_get(key)
    if cached is None:
        searched = selectors.stations_matching(filters["station"]) if filters.get("station") else []
        found = selectors.listing_search_ids(
            filters=filters, limit=_fetch_limit(page_number), station_ids=searched
        )
        paginator = CappedPaginator(found, RESULTS_PER_PAGE)
        number = min(page_number, paginator.num_pages)
        offset = (number - 1) * RESULTS_PER_PAGE
        cached = {
            "listings": found[offset : offset + RESULTS_PER_PAGE],
            "count": len(found),
            "number": number,
            "searched": searched,
        }
        search_cache_set(key, cached)
    page = Page(
        cached["listings"],
        cached["number"],
        CappedPaginator(range(cached["count"]), RESULTS_PER_PAGE),
    )
    page.searched = set(cached["searched"])
    return page


def _page_number(raw) -> int:
    """1 to the last page a capped count allows; anything else is page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGES)


def _result_cards(page: Page, filters: dict) -> list:
    """Each result's card, with the station searched for and the stay's cost."""
    stay = Stay(move_in=filters.get("move_in"), months=filters.get("months"))
    return search_cards(listings=page.object_list, searched=page.searched, stay=stay)


@replica_reads
def search(request):
    form = SearchForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    page_number = _page_number(request.GET.get("page"))
    results_key = search_cache_key(filters=filters, page=str(page_number))
    # Evaluated only when the rendered page is not in the cache.
    page = SimpleLazyObject(lambda: _result_page(filters, page_number, results_key))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "listings/listing_list.html",
        {
            "form": form,
            "page": page,
            "cards": SimpleLazyObject(lambda: _result_cards(page, filters)),
            "query_without_page": query.urlencode(),
            "results_key": results_key,
            "raw_query": request.GET.urlencode(),
            "has_errors": form.is_bound and bool(form.errors),
            "filters_panel": SimpleLazyObject(lambda: filters_panel(request.GET)),
        },
    )


@replica_reads
def detail(request, pk, slug=None):
    listing = selectors.listing_get_for_viewer(user=request.user, pk=pk)
    canonical = listing.get_absolute_url()
    if request.path != canonical:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(canonical + query, permanent=True)
    move_in = max(listing.available_from, timezone.localdate() + datetime.timedelta(days=14))
    months = listing.min_months
    stay_form = StayForm(
        request.GET or None, listing=listing, initial={"move_in": move_in, "months": months}
    )
    if stay_form.is_bound and stay_form.is_valid():
        move_in, months = stay_form.cleaned_data["move_in"], stay_form.cleaned_data["months"]
    cost = listing_stay_cost(listing=listing, move_in=move_in, months=months)
    aside = {
        "listing": listing,
        "stay_form": stay_form,
        # Booked dates are neither priced nor offered: the form says when is free.
        "cost": None if stay_form.taken else cost,
        "taken": stay_form.taken,
        # The stay the visitor chose, carried to the inquiry (None: the page's default).
        "chosen_cost": cost if stay_form.is_bound and stay_form.is_valid() else None,
        "partial_month_rule": PARTIAL_MONTH_RULE,
        "is_owner": request.user.is_authenticated and listing.host_id == request.user.pk,
    }
    body = listing_page_body(request=request, listing=listing, aside=aside)
    return render(request, "listings/listing_detail.html", {"listing": listing, "body": body})


@login_required
def host_listings(request):
    return render(
        request,
        "listings/host_listing_list.html",
        {"listings": selectors.listings_of_host(user=request.user)},
    )


def _listing_save(form: ListingForm, service: Callable[..., Listing], **who) -> Listing | None:
    """Save the form's listing through `service`; a refusal becomes the form's error."""
    try:
        return service(
            fields=form.fields_for_service(), stations=form.stations, items=form.items, **who
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def host_listing_create(request):
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        listing = _listing_save(form, services.listing_create, host=request.user)
        if listing is not None:
            messages.success(request, _("Listing saved as a draft. Add photos, then publish."))
            return redirect("listings:host_photos", pk=listing.pk)
    return render(request, "listings/listing_form.html", {"form": form, "creating": True})


@login_required
def host_listing_edit(request, pk):
    listing = selectors.listing_get_for_host(user=request.user, pk=pk)
    form = ListingForm(request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        saved = _listing_save(form, services.listing_update, listing=listing, by=request.user)
        if saved is not None:
            messages.success(request, _("Listing saved."))
            return redirect("listings:host_list")
    return render(
        request, "listings/listing_form.html", {"form": form, "listing": listing, "creating": False}
    )


HOST_ACTIONS = {
    "publish": (Listing.Status.PUBLISHED, gettext_lazy("Listing published.")),
    "pause": (Listing.Status.PAUSED, gettext_lazy("Listing paused: it no longer shows in search.")),
    "unpublish": (Listing.Status.DRAFT, gettext_lazy("Listing moved back to drafts.")),
}


@login_required
@require_POST
def host_listing_action(request, pk, action):
    listing = selectors.listing_get_for_host(user=request.user, pk=pk)
    if action == "duplicate":
        copy = services.listing_duplicate(listing=listing, by=request.user)
        messages.success(request, _("A draft copy was made."))
        return redirect("listings:host_edit", pk=copy.pk)
    if action not in HOST_ACTIONS:
        raise Http404
    status, done = HOST_ACTIONS[action]
    return action_redirect(
        request,
        lambda: services.listing_transition(listing=listing, to=status, by=request.user),
        done=done,
        to="listings:host_list",
    )


@login_required
def host_photos(request, pk):
    listing = selectors.listing_get_for_host(user=request.user, pk=pk)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        added = 0
        for upload in form.cleaned_data["photos"]:
            try:
                photo_services.photo_add(
                    listing=listing,
                    upload=upload,
                    caption=form.cleaned_data["caption"],
                    by=request.user,
                )
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, f"{upload.name}: {text}")
            else:
                added += 1
        if added:
            messages.success(request, _("%(n)s photo(s) added.") % {"n": added})
        return redirect("listings:host_photos", pk=listing.pk)
    return render(
        request,
        "listings/listing_photos.html",
        {"listing": listing, "form": form, "photos": selectors.listing_photos(listing=listing)},
    )


@login_required
@require_POST
def host_photo_action(request, pk, photo_pk, action):
    listing = selectors.listing_get_for_host(user=request.user, pk=pk)
    photo = selectors.listing_photo_get(listing=listing, pk=photo_pk)
    if action == "cover":
        photo_services.photo_set_cover(photo=photo, by=request.user)
    elif action in ("up", "down"):
        position = photo.position + (-1 if action == "up" else 1)
        photo_services.photo_move(photo=photo, position=max(0, position), by=request.user)
    elif action == "delete":
        photo_services.photo_delete(photo=photo, by=request.user)
        messages.success(request, _("Photo deleted."))
    else:
        raise Http404
    return redirect("listings:host_photos", pk=listing.pk)


def home(request):
    """The home page: a search box, new and popular listings, the main cities."""

    def cards(listings):
        return [
            {"listing": listing, "cover": (listing.cover_photos or [None])[0]}
            for listing in listings
        ]

    context = {
        "newest": cards(selectors.listings_newest()),
        "popular": cards(selectors.listings_popular()),
        "cities": selectors.main_cities(),
    }
    return render(request, "home.html", context)
