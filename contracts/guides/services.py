"""The House Guide: a file or a URL per listing, for the tenant of a signed contract.

Each upload adds a version and the newest is current; earlier versions stay, for
the host only. Who may open which version is in guides/selectors.py. Files have
no public address: a view checks who asks, then streams the file (local disk) or
redirects to an S3 link that dies within a minute.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.core.services import contract_mail_send
from contracts.guides.selectors import (
    contracts_due_guide_reminder,
    contracts_unlocking_guide,
    house_guide_current,
)
from contracts.models import Contract, HouseGuide, HouseGuideView
from kaguaruoo.uploads import attachment_check, attachment_store
from listings.models import Listing
from messaging import services as messaging

URL_SCHEMES = ["http", "https"]

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
        attachment_store(
            obj=guide, file=file, checked=checked, stem="house-guide", fallback="house-guide"
        )
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
    for contract in contracts_unlocking_guide(listing_id=guide.listing_id):
        messaging.notice_post(
            thread=contract.thread,
            actor=by,
            text=lambda: _("The host uploaded a new House Guide."),
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
    due = contracts_due_guide_reminder(moving_in=tomorrow)
    return sum(guide_reminder_send(contract=contract) for contract in due)
