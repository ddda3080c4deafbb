"""Reads of the House Guide, and who may open it.

The host sees every version; a tenant sees only the current version, and only
while a signed contract of theirs on the listing runs (to its move-out day,
when keys go back). Everybody else gets a 404.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from contracts.booking.selectors import contract_get_for_party
from contracts.models import Contract, HouseGuide, HouseGuideView
from listings.models import Listing
from listings.selectors import listing_get_for_host


def house_guide_current(*, listing: Listing) -> HouseGuide | None:
    return listing.house_guides.order_by("-version").first()


def house_guide_versions(*, listing: Listing) -> QuerySet[HouseGuide]:
    return listing.house_guides.select_related("uploaded_by").order_by("-version")


def house_guide_view_log(*, listing: Listing) -> QuerySet[HouseGuideView]:
    return HouseGuideView.objects.filter(guide__listing=listing).select_related(
        "guide", "contract", "viewer"
    )


def contract_unlocks_guide(contract: Contract) -> bool:
    """A signed contract shows its tenant the guide from signing to the move-out day."""
    return contract.status == Contract.Status.SIGNED and timezone.localdate() <= contract.end_date


def contracts_unlocking_guide(*, listing_id: int) -> list[Contract]:
    """The listing's signed contracts whose tenants see the guide today, with their threads."""
    signed = Contract.objects.filter(
        listing_id=listing_id, status=Contract.Status.SIGNED
    ).select_related("thread")
    return list(filter(contract_unlocks_guide, signed))


def contracts_due_guide_reminder(*, moving_in: datetime.date) -> QuerySet[Contract]:
    """Signed contracts moving in on `moving_in` whose tenant has not been reminded yet."""
    return Contract.objects.filter(
        status=Contract.Status.SIGNED,
        start_date=moving_in,
        guide_reminder_sent_at__isnull=True,
    ).select_related("tenant", "listing", "thread")


def house_guide_visible_to(*, guide_or_listing: HouseGuide | Listing, user) -> bool:
    """Whether `user` may open this guide version (or the listing's current guide).

    The host sees every version; a tenant only the current one, while a signed
    contract of theirs runs.
    """
    if isinstance(guide_or_listing, HouseGuide):
        guide, listing = guide_or_listing, guide_or_listing.listing
    else:
        guide, listing = None, guide_or_listing
    if not user.is_authenticated:
        return False
    if user.pk == listing.host_id:
        return True
    current = house_guide_current(listing=listing)
    if current is None or (guide is not None and guide.pk != current.pk):
        return False
    signed = Contract.objects.filter(listing=listing, tenant=user, status=Contract.Status.SIGNED)
    return any(contract_unlocks_guide(contract) for contract in signed)


def house_guide_get_for_party(*, user, contract_pk: int) -> tuple[Contract, HouseGuide]:
    """The current guide of a contract's listing for its host, or for its tenant once signed.

    Anyone else, a tenant whose contract is not (or no longer) signed, and any
    contract whose listing has no guide: Http404.
    """
    contract = contract_get_for_party(user=user, pk=contract_pk)
    if contract.role_of(user) == "tenant" and not contract_unlocks_guide(contract):
        raise Http404
    guide = house_guide_current(listing=contract.listing)
    if guide is None:
        raise Http404
    return contract, guide


def house_guide_listing_for_host(*, user, listing_pk: int) -> Listing:
    """The host's own listing, whose guides they manage; Http404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    return listing_get_for_host(user=user, pk=listing_pk)


def house_guide_get_for_host(*, user, listing_pk: int, version: int) -> HouseGuide:
    """Any version of the guide of the host's own listing; Http404 for anyone else."""
    listing = house_guide_listing_for_host(user=user, listing_pk=listing_pk)
    guide = listing.house_guides.filter(version=version).first()
    if guide is None:
        raise Http404
    return guide


# --- What the thread and the contract page show ----------------------------------------------


@dataclass(frozen=True)
class GuideCard:
    """What one party sees of a listing's guide."""

    state: str  # "host", "open" (tenant, unlocked), "locked" or "ended"
    listing: Listing
    guide: HouseGuide | None
    contract: Contract | None = None


def house_guide_card_for(*, listing: Listing, user, contracts: Iterable[Contract]) -> GuideCard:
    """`contracts`: the tenant's on this listing, newest first (read for tenants only)."""
    if user.pk == listing.host_id:
        return GuideCard("host", listing, house_guide_current(listing=listing))
    contracts = list(contracts)
    unlocking = next((c for c in contracts if contract_unlocks_guide(c)), None)
    if unlocking is not None:
        return GuideCard("open", listing, house_guide_current(listing=listing), unlocking)
    if contracts and contracts[0].status == Contract.Status.SIGNED:
        return GuideCard("ended", listing, None)
    return GuideCard("locked", listing, None)
