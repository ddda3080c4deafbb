"""Pages of applications and gifts: a campaign's public page, a person's own gifts, and the
confirmation link of a gift's mail. Someone else's gift is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.gifts import selectors
from campaigns.gifts import services as gifts
from campaigns.gifts.forms import GiftAddressForm
from kaguaruoo.actions import error_text, form_submit
from kaguaruoo.net import client_ip
from kaguaruoo.transitions import IllegalTransition


def _campaign_page(request, campaign, *, status=200):
    return render(
        request,
        "campaigns/gifts/campaign_detail.html",
        {
            "campaign": campaign,
            "text": selectors.campaign_text(campaign=campaign),
            "is_open": gifts.applications_are_open(campaign=campaign),
            "application": selectors.gift_application_of(campaign=campaign, user=request.user),
        },
        status=status,
    )


def campaign_detail(request, pk):
    return _campaign_page(request, selectors.gift_campaign_get(pk=pk))


@login_required
@require_POST
def campaign_apply(request, pk):
    campaign = selectors.gift_campaign_get(pk=pk)
    try:
        _application, created = gifts.gift_apply(campaign=campaign, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _campaign_page(request, campaign, status=400)
    if created:
        messages.success(request, _("You applied. If you are chosen, we will mail you."))
    else:
        messages.info(request, _("You have already applied to this campaign."))
    return redirect("campaigns:gift_campaign", pk=campaign.pk)


@login_required
def gift_list(request):
    return render(
        request,
        "campaigns/gifts/gift_list.html",
        {
            "applications": selectors.gift_applications_of(user=request.user),
            "shipments": selectors.gift_shipments_of(user=request.user),
        },
    )


@login_required
def gift_shipment_detail(request, pk):
    shipment = selectors.gift_shipment_get_for_recipient(user=request.user, pk=pk)
    preparing = shipment.status == shipment.Status.PREPARING
    form = None
    if preparing:
        initial = {name: getattr(shipment, name) for name in gifts.ADDRESS_FIELDS}
        form = GiftAddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form is None:
        messages.error(
            request, _("The gift was already shipped: the address can no longer be changed.")
        )
    elif request.method == "POST":
        given = form_submit(
            request,
            form,
            lambda _data: gifts.gift_address_give(
                shipment=shipment, user=request.user, address=form.address(), ip=client_ip(request)
            ),
            done=_("Thank you: we will send your gift to this address."),
        )
        if given:
            return redirect(shipment)
    return render(
        request,
        "campaigns/gifts/giftshipment_detail.html",
        {"shipment": shipment, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _confirm(request, shipment, *, by):
    try:
        gifts.gift_shipment_confirm(shipment=shipment, by=by)
    except ValidationError as error:
        messages.info(request, error_text(error))
    except IllegalTransition as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Thank you for confirming that your gift arrived."))


@login_required
@require_POST
def gift_shipment_confirm(request, pk):
    shipment = selectors.gift_shipment_get_for_recipient(user=request.user, pk=pk)
    _confirm(request, shipment, by=request.user)
    return redirect(shipment)


def gift_confirm_link(request, token):
    """GET shows one button and changes nothing (mail scanners fetch links); POST confirms."""
    shipment = selectors.gift_shipment_get_by_token(token=token, user=request.user)
    if request.method == "POST":
        _confirm(request, shipment, by=None)
        return redirect("campaigns:gift_confirm_link", token=token)
    return render(request, "campaigns/gifts/gift_confirm.html", {"shipment": shipment})
