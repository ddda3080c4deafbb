from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.booking import selectors, services
from contracts.booking.forms import ReasonForm, ReservationForm, SigningCodeForm
from contracts.booking.terms import terms_shown, terms_text_render
from contracts.core.sections import contract_sections
from contracts.models import Contract, ReservationRequest
from kaguaruoo.actions import action_redirect, form_submit
from kaguaruoo.net import client_ip
from kaguaruoo.ratelimit import form_limit_apply
from kaguaruoo.roles import Role
from kaguaruoo.slots import slot_register
from kaguaruoo.transitions import IllegalTransition
from listings import stays
from listings.pricing import listing_stay_cost
from messaging import selectors as messaging_selectors
from messaging import services as messaging
from messaging.fragments import fragments_render
from privacy.services import identity_is_verified

SUGGESTED_NOTICE_DAYS = 14
CONTRACTS_PER_PAGE = 30


def _client(request) -> dict:
    return {"ip": client_ip(request), "user_agent": request.headers.get("user-agent", "")}


@login_required
def contract_list(request):
    contracts = Paginator(
        selectors.contracts_for_user(user=request.user).defer("terms", "terms_text"),
        CONTRACTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": contracts,
            "reservations": selectors.reservations_open_sent(user=request.user),
            "incoming": selectors.reservations_open_received(user=request.user),
        },
    )


# --- Reservation requests -------------------------------------------------------------------


@login_required
def reservation_create(request, listing_pk):
    """Apply: the tenant asks for a stay ("Click to Inquire")."""
    listing = messaging_selectors.listing_get_for_inquiry(user=request.user, pk=listing_pk)
    thread = messaging_selectors.thread_of_tenant(listing=listing, tenant=request.user)
    earlier = messaging.sharing_agreement_with(tenant=request.user, host=listing.host)
    form = ReservationForm(
        request.POST or None,
        listing=listing,
        needs_consent=thread is None and earlier is None,
        initial=_reservation_initial(request, listing=listing, thread=thread),
    )
    reservation = _reservation_send(request, listing=listing, form=form)
    if reservation is not None:
        return redirect(reservation.thread)
    context = {
        "form": form,
        "listing": listing,
        "thread": thread,
        "earlier_fields": earlier["shared_fields"] if earlier else None,
        "cost": _form_stay_cost(form, listing=listing),
    }
    status = 400 if form.is_bound else 200
    response = render(request, "contracts/reservationrequest_form.html", context, status=status)
    return form_limit_apply(response, form)


def _reservation_initial(request, *, listing, thread) -> dict:
    """The stay of the tenant's inquiry, if any; the stay priced on the listing page wins."""
    suggested = max(
        listing.available_from,
        timezone.localdate() + timezone.timedelta(days=SUGGESTED_NOTICE_DAYS),
    )
    initial = {
        "move_in": thread.move_in if thread else suggested,
        "months": thread.months if thread else listing.min_months,
        "people": thread.people if thread else 1,
    }
    initial.update(stays.stay_from_query(request.GET))
    return initial


def _reservation_send(request, *, listing, form) -> ReservationRequest | None:
    """The request made from a valid bound form; None if unbound, invalid or refused (the
    refusal on the form)."""
    return form_submit(
        request,
        form,
        lambda data: services.reservation_request_create(
            tenant=request.user,
            listing=listing,
            stay=services.Stay(
                move_in=data["move_in"], months=data["months"], people=data["people"]
            ),
            message=data["message"],
            optional_fields=form.optional_fields(),
            agreed=bool(data.get("agree")),
            contract_sharing=data["contract_sharing"],
            ip=client_ip(request),
        ),
        done=_("Your reservation request was sent to the host."),
        limit="reservation",
    )


def _form_stay_cost(form, *, listing):
    if not (form.is_bound and form.is_valid()):
        return None
    data = form.cleaned_data
    return listing_stay_cost(listing=listing, move_in=data["move_in"], months=data["months"])


@login_required
def reservation_accept(request, pk):
    """The host reads what the contract will say, then sends it."""
    reservation = selectors.reservation_get_for_host(user=request.user, pk=pk)
    if reservation.status != ReservationRequest.Status.OPEN:
        messages.info(request, _("This reservation request has already been answered."))
        return redirect(reservation.thread)
    if request.method == "POST":
        return _contract_send(request, reservation=reservation)
    return render(request, "contracts/reservation_accept.html", _accept_preview(reservation))


def _contract_send(request, *, reservation):
    try:
        contract = services.contract_send(
            reservation=reservation, by=request.user, **_client(request)
        )
    except (ValidationError, IllegalTransition, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else ""
        messages.error(request, text or _("This request can no longer be accepted."))
        return redirect(reservation.thread)
    messages.success(request, _("The contract was sent. The dates are held for 72 hours."))
    return redirect(contract)


def _accept_preview(reservation) -> dict:
    """What the contract would say if sent now, and why it could not be, if so."""
    listing = reservation.listing
    stay = services.reservation_stay(reservation)
    offer = services.contract_offer(listing=listing, stay=stay)
    problem = None
    try:
        services.stay_check(listing=listing, stay=stay)
    except ValidationError as error:
        problem = " ".join(error.messages)
    return {
        "reservation": reservation,
        "listing": listing,
        "plan": offer.plan,
        "totals": offer.totals,
        "tenant_percent": offer.tenant_percent,
        "host_percent": offer.host_percent,
        "problem": problem,
    }


@login_required
@require_POST
def reservation_decline(request, pk):
    reservation = selectors.reservation_get_for_host(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    return action_redirect(
        request,
        lambda: services.reservation_decline(
            reservation=reservation,
            by=request.user,
            reason=form.reason_given(missing=_("Tell the tenant why you decline.")),
        ),
        done=_("You declined the reservation request."),
        to=reservation.thread,
        illegal=_("This reservation request has already been answered."),
    )


@login_required
@require_POST
def reservation_withdraw(request, pk):
    reservation = selectors.reservation_get_for_tenant(user=request.user, pk=pk)
    return action_redirect(
        request,
        lambda: services.reservation_withdraw(reservation=reservation, by=request.user),
        done=_("You withdrew your reservation request."),
        to=reservation.thread,
        illegal=_("This reservation request has already been answered."),
    )


# --- Contracts ------------------------------------------------------------------------------


def _contract_page(request, contract, *, code_form=None, status=200):
    user = request.user
    role = contract.role_of(user)
    context = {
        "contract": contract,
        "contract_text": _contract_text(contract, role=role),
        "role": role,
        "is_tenant": role == Role.TENANT,
        "is_host": role == Role.HOST,
        "events": selectors.contract_events(contract=contract),
        "code_form": code_form or SigningCodeForm(),
        "code_sent": selectors.signing_code_waiting(contract=contract, user=user),
        "decline_form": ReasonForm(),
        "identity_verified": role != Role.TENANT or identity_is_verified(user=user),
        "signable": contract.status == Contract.Status.SENT
        and contract.expires_at > timezone.now(),
        "sections": contract_sections(contract=contract, user=user, request=request),
    }
    return render(request, "contracts/contract_detail.html", context, status=status)


def _contract_text(contract, *, role) -> SafeString:
    """The terms and the signatures as `role` reads them, kept in the cache.

    The snapshot (`terms`) never changes once the contract is written, and the signed
    text changes only with its SHA-256; the rest of what the part shows is in the key.
    """
    return fragments_render(
        [contract],
        template="contracts/partials/contract_text.html",
        shown=lambda contract: (
            contract.pk,
            role,
            contract.terms_sha256,
            contract.language,
            contract.status,
            contract.months,
            contract.end_date,
            contract.tenant_total,
            contract.sent_at,
            contract.host_ip,
            contract.signed_at,
            contract.signed_ip,
            contract.signed_user_agent,
            contract.decline_reason,
        ),
        context=lambda contract: {
            "contract": contract,
            "terms": contract.terms,
            "shown": terms_shown(contract.terms),
            "terms_translation": _terms_translation(contract),
            "is_tenant": role == Role.TENANT,
            "is_host": role == Role.HOST,
        },
    )[0]


def _terms_translation(contract) -> dict | None:
    """The contract's text in the reader's language when the signed one is in another."""
    language = translation.get_language()
    if language == contract.language or language not in dict(settings.LANGUAGES):
        return None
    text = terms_text_render(contract.terms, language=language, governing=contract.language)
    return {"language": language, "text": text}


@login_required
def contract_detail(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    return _contract_page(request, contract)


@login_required
@require_POST
def contract_agree(request, pk):
    """The tenant clicks "Agree": a one-time code is mailed to confirm it."""
    contract = selectors.contract_get_for_tenant(user=request.user, pk=pk)
    return action_redirect(
        request,
        lambda: services.contract_signing_code_send(
            contract=contract, user=request.user, language=translation.get_language()
        ),
        done=_("We emailed you a one-time code to %(email)s. Enter it below to sign.")
        % {"email": request.user.email},
        to=contract.get_absolute_url() + "#sign",
        illegal=_("This contract can no longer be signed."),
    )


@login_required
@require_POST
def contract_sign(request, pk):
    contract = selectors.contract_get_for_tenant(user=request.user, pk=pk)
    form = SigningCodeForm(request.POST)
    if form.is_valid() and _contract_sign(request, contract=contract, form=form):
        messages.success(request, _("You signed the contract."))
        return redirect(contract)
    contract.refresh_from_db()
    return _contract_page(request, contract, code_form=form, status=400)


def _contract_sign(request, *, contract, form) -> bool:
    """Whether the code signed the contract; why not is added to the form."""
    try:
        services.contract_sign(
            contract=contract, user=request.user, code=form.cleaned_data["code"], **_client(request)
        )
    except ValidationError as error:
        form.add_error("code", error)
    except IllegalTransition:
        form.add_error("code", _("This contract can no longer be signed."))
    else:
        return True
    return False


@login_required
@require_POST
def contract_decline(request, pk):
    contract = selectors.contract_get_for_tenant(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    return action_redirect(
        request,
        lambda: services.contract_decline(
            contract=contract,
            by=request.user,
            reason=form.reason_given(missing=_("Tell the host why you decline.")),
        ),
        done=_("You declined the contract."),
        to=contract,
        illegal=_("This contract can no longer be declined."),
    )


@login_required
@require_POST
def contract_withdraw(request, pk):
    contract = selectors.contract_get_for_host(user=request.user, pk=pk)
    return action_redirect(
        request,
        lambda: services.contract_withdraw(contract=contract, by=request.user),
        done=_("You withdrew the contract."),
        to=contract,
        illegal=_("Only a contract not signed yet can be withdrawn."),
    )


# --- The thread's card ----------------------------------------------------------------------


def contract_card(*, thread, user, request=None) -> str:
    """Reservation requests and contracts of the thread, with what this party can do next."""
    reservations = list(selectors.thread_reservations(thread=thread))
    open_reservations = [r for r in reservations if r.status == ReservationRequest.Status.OPEN]
    contracts = list(selectors.thread_contracts(thread=thread))
    if not reservations and not contracts:
        return ""
    return render_to_string(
        "contracts/partials/thread_contract_card.html",
        {
            "thread": thread,
            "is_host": user.pk == thread.host_id,
            "open_reservations": open_reservations,
            "contracts": contracts,
            "SENT": Contract.Status.SENT,
        },
        request=request,
    )


@slot_register("listing_apply")
def apply_button(*, request, listing, cost=None) -> str:
    """The listing page's Apply button, carrying the stay the visitor priced (`cost`)."""
    return render_to_string(
        "contracts/partials/apply_button.html", {"listing": listing, "cost": cost}, request=request
    )
