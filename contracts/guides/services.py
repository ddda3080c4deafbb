"""The House Guide: a file or a URL per listing, for the tenant of a signed contract.

Each upload adds a version and the newest is current. The host sees every
version and who opened the guide; a tenant sees only the current version, and
only while a signed contract of theirs on the listing runs (to its move-out
day, when keys go back). Everybody else gets a 404. Files have no public
address: a view checks who asks, then streams the file (local disk) or
redirects to an S3 link that dies within a minute.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.booking.selectors import contract_get_for_party
from contracts.core.sections import contract_section_register
from contracts.core.services import contract_mail_send
from contracts.models import Contract, HouseGuide, HouseGuideView
from kaguaruoo.uploads import attachment_check
from listings.models import Listing
from listings.selectors import listing_get_for_host
from messaging import services as messaging

URL_SCHEMES = ["http", "https"]

# --- Reads -----------------------------------------------------------------------------------


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


def house_guide_get_for_contract(*, user, contract_pk: int) -> tuple[Contract, HouseGuide]:
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
    listing = house_guide_listing_for_host(user=user, listing_pk=listing_pk)
    guide = listing.house_guides.filter(version=version).first()
    if guide is None:
        raise Http404
    return guide


# --- Writes ----------------------------------------------------------------------------------


def _url_check(url: str) -> None:
    URLValidator(
        schemes=URL_SCHEMES,
        message=_("Enter a web address that starts with https:// or http://."),
    )(url)
    if len(url) > HouseGuide._meta.get_field("url").max_length:
        raise ValidationError(_("The address is longer than 500 characters."), code="invalid")


def house_guide_upload(
    *, listing: Listing, by: User, file: UploadedFile | None = None, url: str = ""
) -> HouseGuide:
    """A new version of the listing's guide: a PDF or image file, or a URL. It becomes current.

    Earlier versions stay, for the host only. Tenants whose signed contract runs
    are told in their thread that the guide changed.
    """
    if by.pk != listing.host_id:
        raise PermissionDenied
    url = url.strip()
    if file is None and not url:
        raise ValidationError(_("Choose a file or enter a URL."), code="file_or_url")
    if file is not None and url:
        raise ValidationError(_("Give a file or a URL, not both."), code="file_or_url")
    guide = HouseGuide(listing=listing, uploaded_by=by)
    if file is not None:
        checked = attachment_check(file)
        guide.original_name = (file.name or "house-guide")[-200:]
        guide.content_type = checked.content_type
        guide.size = file.size
        # The stored name takes the extension of the content, never the one the
        # uploader chose: S3 serves the object with the type its name suggests.
        guide.file.save(f"house-guide{checked.extension}", file, save=False)
    else:
        _url_check(url)
        guide.url = url
    try:
        with transaction.atomic():
            # Concurrent uploads take turns on the listing's row for the next number.
            Listing.objects.select_for_update().only("pk").get(pk=listing.pk)
            latest = listing.house_guides.aggregate(latest=Max("version"))["latest"]
            guide.version = (latest or 0) + 1
            guide.save()
            _tenants_tell(guide=guide, by=by)
    except Exception:
        if guide.file:
            guide.file.delete(save=False)
        raise
    return guide


def _tenants_tell(*, guide: HouseGuide, by: User) -> None:
    """A notice in each running signed contract's thread: the key procedure may have changed."""
    signed = Contract.objects.filter(
        listing_id=guide.listing_id, status=Contract.Status.SIGNED
    ).select_related("thread")
    for contract in filter(contract_unlocks_guide, signed):
        messaging.notice_post(
            thread=contract.thread,
            actor=by,
            text=_("The host uploaded a new House Guide."),
            link=contract.thread.get_absolute_url() + "#house-guide",
        )


def house_guide_view_record(
    *, guide: HouseGuide, contract: Contract | None, viewer: User, ip: str | None
) -> HouseGuideView | None:
    """Log that someone opened the guide, for the host to see. The host's own looks are not."""
    if viewer.pk == guide.listing.host_id:
        return None
    return HouseGuideView.objects.create(guide=guide, contract=contract, viewer=viewer, ip=ip)


# --- The day-before reminder -----------------------------------------------------------------


def guide_reminder_send(*, contract: Contract) -> bool:
    """Mail the tenant, the day before move-in, where the House Guide is. At most once.

    The conditional UPDATE claims the contract: of two workers running at once,
    one sees a row to change and mails; the other sees none and does not.
    """
    with transaction.atomic():
        claimed = Contract.objects.filter(
            pk=contract.pk,
            status=Contract.Status.SIGNED,
            guide_reminder_sent_at__isnull=True,
        ).update(guide_reminder_sent_at=timezone.now())
        if not claimed:
            return False
        contract_mail_send(
            to=contract.tenant,
            template="guide_reminder",
            context={
                "contract": contract,
                "has_guide": house_guide_current(listing=contract.listing) is not None,
                "thread_path": contract.thread.get_absolute_url() + "#house-guide",
            },
        )
    return True


def guide_reminders_send() -> int:
    """Remind the tenant of every signed contract that moves in tomorrow; how many were mailed."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    due = Contract.objects.filter(
        status=Contract.Status.SIGNED,
        start_date=tomorrow,
        guide_reminder_sent_at__isnull=True,
    ).select_related("tenant", "listing", "thread")
    return sum(guide_reminder_send(contract=contract) for contract in due)


# --- What the thread and the contract page show ----------------------------------------------


@dataclass(frozen=True)
class GuideCard:
    """What one party sees of a listing's guide."""

    state: str  # "host", "open" (tenant, unlocked), "locked" or "ended"
    listing: Listing
    guide: HouseGuide | None
    contract: Contract | None = None


def _card_for(*, listing: Listing, user, contracts: Iterable[Contract]) -> GuideCard:
    """`contracts`: the tenant's on this listing, newest first."""
    if user.pk == listing.host_id:
        return GuideCard("host", listing, house_guide_current(listing=listing))
    contracts = list(contracts)
    unlocking = next((c for c in contracts if contract_unlocks_guide(c)), None)
    if unlocking is not None:
        return GuideCard("open", listing, house_guide_current(listing=listing), unlocking)
    if contracts and contracts[0].status == Contract.Status.SIGNED:
        return GuideCard("ended", listing, None)
    return GuideCard("locked", listing, None)


def house_guide_card_render(
    *, listing: Listing, user, contracts: Iterable[Contract], request=None
) -> str:
    """The guide card for `user`; `contracts` (a queryset is fine) are read for tenants only."""
    card = _card_for(listing=listing, user=user, contracts=contracts)
    return render_to_string(
        "contracts/partials/guides_section.html", {"card": card}, request=request
    )


@contract_section_register(order=20)
def contract_section(*, contract, user, request=None) -> str:
    """The guide part of the contract page."""
    return house_guide_card_render(
        listing=contract.listing, user=user, contracts=[contract], request=request
    )
