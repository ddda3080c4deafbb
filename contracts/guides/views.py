"""The host's House Guide page, the only ways a guide's file or URL is opened, and the
guide card shown on the contract page, in the thread and on the host's listing list."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from storages.backends.s3 import S3Storage

from contracts.booking.selectors import thread_contracts
from contracts.core.sections import contract_section_register
from contracts.guides import selectors
from contracts.guides import services as guides
from contracts.guides.forms import HouseGuideForm
from kaguaruoo.actions import form_submit
from kaguaruoo.net import client_ip
from kaguaruoo.slots import slot_register
from kaguaruoo.uploads import attachment_response

# An S3 link to a guide works for this long: enough to follow the redirect, too
# short to be worth passing on.
SIGNED_URL_SECONDS = 60
VIEWS_PER_PAGE = 50
# Which form field a refusal of the upload service belongs to.
ERROR_FIELDS = {"too_large": "file", "file_type": "file", "invalid": "url"}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def house_guide_manage(request, listing_pk):
    """Upload a new version; see every version and who opened the guide. The host's only."""
    listing = selectors.house_guide_listing_for_host(user=request.user, listing_pk=listing_pk)
    if request.method != "POST":
        return _manage_page(request, listing, HouseGuideForm())
    form = HouseGuideForm(request.POST, request.FILES)
    guide = form_submit(
        request,
        form,
        lambda data: guides.house_guide_upload(
            listing=listing, by=request.user, file=data["file"], url=data["url"]
        ),
        error_field=lambda error: ERROR_FIELDS.get(error.code),
    )
    if guide:
        messages.success(
            request,
            _("House Guide version %(version)s is now the current one.")
            % {"version": guide.version},
        )
        return redirect("contracts:house_guide_manage", listing_pk=listing.pk)
    return _manage_page(request, listing, form, status=400)


def _manage_page(request, listing, form, *, status=200):
    versions = list(selectors.house_guide_versions(listing=listing))
    views = Paginator(selectors.house_guide_view_log(listing=listing), VIEWS_PER_PAGE)
    return render(
        request,
        "contracts/house_guide_manage.html",
        {
            "listing": listing,
            "form": form,
            "versions": versions,
            "current": versions[0] if versions else None,
            "views": views.get_page(request.GET.get("page")),
        },
        status=status,
    )


def _download_name(guide) -> str:
    """The uploader's name with the extension the content was checked to have."""
    stem = PurePosixPath(guide.original_name).stem or "house-guide"
    return stem + PurePosixPath(guide.file.name).suffix


def _guide_response(guide):
    """The guide itself: its URL, a short-lived S3 link, or the file streamed from disk."""
    if guide.url:
        response = HttpResponseRedirect(guide.url)
    elif not isinstance(guide.file.storage, S3Storage):
        return attachment_response(
            file=guide.file,
            content_type=guide.content_type,
            filename=_download_name(guide),
            download=False,
        )
    else:
        response = HttpResponseRedirect(
            guide.file.storage.url(
                guide.file.name,
                expire=SIGNED_URL_SECONDS,
                parameters={
                    "ResponseContentDisposition": content_disposition_header(
                        False, _download_name(guide)
                    ),
                    "ResponseCacheControl": "private, no-store",
                },
            )
        )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def house_guide_open(request, contract_pk):
    """The current guide for the contract's tenant once signed (each look logged), or its host."""
    contract, guide = selectors.house_guide_get_for_party(
        user=request.user, contract_pk=contract_pk
    )
    guides.house_guide_view_record(
        guide=guide, contract=contract, viewer=request.user, ip=client_ip(request)
    )
    return _guide_response(guide)


@login_required
@require_safe
def house_guide_version(request, listing_pk, version):
    """Any version of the guide, for the listing's host only."""
    guide = selectors.house_guide_get_for_host(
        user=request.user, listing_pk=listing_pk, version=version
    )
    return _guide_response(guide)


# --- The guide card and the host's link to the guide -------------------------------------------


def house_guide_card_render(*, listing, user, contracts, request=None) -> str:
    """The guide card for `user`; `contracts` (a queryset is fine) are read for tenants only."""
    card = selectors.house_guide_card_for(listing=listing, user=user, contracts=contracts)
    return render_to_string(
        "contracts/partials/guides_section.html", {"card": card}, request=request
    )


def house_guide_thread_card(*, thread, user, request=None) -> str:
    """The listing's House Guide in a message thread: open to the tenant of a signed
    contract, locked before; the host sees the current guide and a link to manage it."""
    return house_guide_card_render(
        listing=thread.listing,
        user=user,
        contracts=thread_contracts(thread=thread),
        request=request,
    )


@contract_section_register(order=20)
def contract_section(*, contract, user, request=None) -> str:
    """The guide part of the contract page."""
    return house_guide_card_render(
        listing=contract.listing, user=user, contracts=[contract], request=request
    )


@slot_register("host_listing_actions")
def house_guide_button(*, request, listing) -> str:
    """The House Guide button among the actions on the host's list of their listings."""
    return render_to_string(
        "contracts/partials/house_guide_button.html", {"listing": listing}, request=request
    )
