from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contracts.booking import selectors, services
from contracts.booking.forms import ReservationForm, SigningCodeForm
from contracts.core.sections import contract_sections
from contracts.models import Contract, ReservationRequest
from listings.pricing import listing_stay_cost
from listings.selectors import listing_get_public
from messaging import services as messaging
from privacy.services import identity_is_verified

SUGGESTED_NOTICE_DAYS = 14
CONTRACTS_PER_PAGE = 30


def _client(request) -> dict:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("user-agent", ""),
    }


@login_required
def contract_list(request):
    contracts = Paginator(
        selectors.contracts_for_user(user=request.user).defer("terms", "terms_text"),
        CONTRACTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    reservations = ReservationRequest.objects.filter(
        tenant=request.user, status=ReservationRequest.Status.OPEN
    ).select_related("listing", "thread")
    incoming = ReservationRequest.objects.filter(
        host=request.user, status=ReservationRequest.Status.OPEN
    ).select_related("listing", "tenant", "thread")
    return render(
        request,
        "contracts/contract_list.html",
        {"page": contracts, "reservations": reservations, "incoming": incoming},
    )


@login_required
def reservation_create(request, listing_pk):
    """Apply: the tenant asks for a stay ("Click to Inquire")."""
    listing = listing_get_public(pk=listing_pk)
    if listing.host_id == request.user.pk:
        raise Http404
    thread = listing.threads.filter(tenant=request.user).first()
    earlier = messaging.sharing_agreement_with(tenant=request.user, host=listing.host)
    suggested = max(
        listing.available_from,
        timezone.localdate() + timezone.timedelta(days=SUGGESTED_NOTICE_DAYS),
    )
    initial = {
        "move_in": thread.move_in if thread else suggested,
        "months": thread.months if thread else listing.min_months,
        "people": thread.people if thread else 1,
    }
    # The stay priced on the listing page comes along in the link.
    initial.update({key: request.GET[key] for key in ("move_in", "months") if request.GET.get(key)})
    form = ReservationForm(
        request.POST or None,
        listing=listing,
        needs_consent=thread is None and earlier is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reservation = services.reservation_request_create(
                tenant=request.user,
                listing=listing,
                stay=services.Stay(
                    move_in=data["move_in"], months=data["months"], people=data["people"]
                ),
                message=data["message"],
                optional_fields=form.optional_fields(),
                agreed=bool(data.get("agree")),
                contract_sharing=data["contract_sharing"],
                ip=request.META.get("REMOTE_ADDR"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reservation request was sent to the host."))
            return redirect(reservation.thread)
    cost = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        cost = listing_stay_cost(listing=listing, move_in=data["move_in"], months=data["months"])
    return render(
        request,
        "contracts/reservationrequest_form.html",
        {
            "form": form,
            "listing": listing,
            "thread": thread,
            "earlier_fields": earlier["shared_fields"] if earlier else None,
            "cost": cost,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def reservation_accept(request, pk):
    """The host reads what the contract will say, then sends it."""
    reservation = selectors.reservation_get_for_party(user=request.user, pk=pk)
    if reservation.host_id != request.user.pk:
        raise Http404
    if reservation.status != ReservationRequest.Status.OPEN:
        messages.info(request, _("This reservation request has already been answered."))
        return redirect(reservation.thread)
    if request.method == "POST":
        try:
            contract = services.contract_send(
                reservation=reservation, by=request.user, **_client(request)
            )
        except (ValidationError, services.IllegalTransition, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else ""
            messages.error(request, text or _("This request can no longer be accepted."))
            return redirect(reservation.thread)
        messages.success(request, _("The contract was sent. The dates are held for 72 hours."))
        return redirect(contract)
    listing = reservation.listing
    stay = services.reservation_stay(reservation)
    offer = services.contract_offer(listing=listing, stay=stay)
    problem = None
    try:
        services.stay_check(listing=listing, stay=stay)
    except ValidationError as error:
        problem = " ".join(error.messages)
    return render(
        request,
        "contracts/reservation_accept.html",
        {
            "reservation": reservation,
            "listing": listing,
            "plan": offer.plan,
            "totals": offer.totals,
            "tenant_percent": offer.tenant_percent,
            "host_percent": offer.host_percent,
            "problem": problem,
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


@login_required
@require_POST
def reservation_decline(request, pk):
    reservation = selectors.reservation_get_for_party(user=request.user, pk=pk)
    if reservation.host_id != request.user.pk:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Tell the tenant why you decline."))
        services.reservation_decline(
            reservation=reservation, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.IllegalTransition:
        messages.error(request, _("This reservation request has already been answered."))
    else:
        messages.success(request, _("You declined the reservation request."))
    return redirect(reservation.thread)


@login_required
@require_POST
def reservation_withdraw(request, pk):
    reservation = selectors.reservation_get_for_party(user=request.user, pk=pk)
    if reservation.tenant_id != request.user.pk:
        raise Http404
    try:
        services.reservation_withdraw(reservation=reservation, by=request.user)
    except services.IllegalTransition:
        messages.error(request, _("This reservation request has already been answered."))
    else:
        messages.success(request, _("You withdrew your reservation request."))
    return redirect(reservation.thread)


def _contract_page(request, contract, *, code_form=None, status=200):
    user = request.user
    role = contract.role_of(user)
    context = {
        "contract": contract,
        "terms": contract.terms,
        "role": role,
        "is_tenant": role == "tenant",
        "is_host": role == "host",
        "events": contract.events.select_related("actor"),
        "code_form": code_form or SigningCodeForm(),
        "code_sent": contract.signing_codes.filter(
            user=user, used_at__isnull=True, expires_at__gt=timezone.now()
        ).exists(),
        "decline_form": ReasonForm(),
        "identity_verified": role != "tenant" or identity_is_verified(user=user),
        "signable": contract.status == Contract.Status.SENT
        and contract.expires_at > timezone.now(),
        "sections": contract_sections(contract=contract, user=user, request=request),
    }
    return render(request, "contracts/contract_detail.html", context, status=status)


@login_required
def contract_detail(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    return _contract_page(request, contract)


@login_required
@require_POST
def contract_agree(request, pk):
    """The tenant clicks "Agree": a one-time code is mailed to confirm it."""
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    if contract.tenant_id != request.user.pk:
        raise Http404
    try:
        services.contract_signing_code_send(contract=contract, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.IllegalTransition:
        messages.error(request, _("This contract can no longer be signed."))
    else:
        messages.success(
            request,
            _("We emailed you a one-time code to %(email)s. Enter it below to sign.")
            % {"email": request.user.email},
        )
    return redirect(contract.get_absolute_url() + "#sign")


@login_required
@require_POST
def contract_sign(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    if contract.tenant_id != request.user.pk:
        raise Http404
    form = SigningCodeForm(request.POST)
    if form.is_valid():
        try:
            services.contract_sign(
                contract=contract,
                user=request.user,
                code=form.cleaned_data["code"],
                **_client(request),
            )
        except ValidationError as error:
            form.add_error("code", error)
        except services.IllegalTransition:
            form.add_error("code", _("This contract can no longer be signed."))
        else:
            messages.success(request, _("You signed the contract."))
            return redirect(contract)
    contract.refresh_from_db()
    return _contract_page(request, contract, code_form=form, status=400)


@login_required
@require_POST
def contract_decline(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    if contract.tenant_id != request.user.pk:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Tell the host why you decline."))
        services.contract_decline(
            contract=contract, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.IllegalTransition:
        messages.error(request, _("This contract can no longer be declined."))
    else:
        messages.success(request, _("You declined the contract."))
    return redirect(contract)


@login_required
@require_POST
def contract_withdraw(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    if contract.host_id != request.user.pk:
        raise Http404
    try:
        services.contract_withdraw(contract=contract, by=request.user)
    except services.IllegalTransition:
        messages.error(request, _("Only a contract not signed yet can be withdrawn."))
    else:
        messages.success(request, _("You withdrew the contract."))
    return redirect(contract)
