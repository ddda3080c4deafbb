"""Pages of payments: card payment through Stripe Checkout, Stripe's webhook, a host's payouts;
and the payment schedule's section of the contract page."""

import logging
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.core.sections import contract_section_register
from contracts.models import Contract, Payment
from contracts.payments import selectors as payment_selectors
from contracts.payments import services as payments
from contracts.payments import stripe_gateway
from kaguaruoo.roles import Role, stay_role
from messaging.fragments import fragments_render

logger = logging.getLogger(__name__)

PAYOUTS_PER_PAGE = 50


def percent_text(value) -> str:
    """5.00 -> "5", 3.50 -> "3.5"."""
    return format(Decimal(value).normalize(), "f")


def _payments_anchor(payment: Payment) -> str:
    return payment.contract.get_absolute_url() + "#payments"


def _refused(request, payment: Payment, text: str, *, status: int):
    return render(
        request,
        "contracts/payment_refused.html",
        {"payment": payment, "contract": payment.contract, "text": text},
        status=status,
    )


def _form_may_go_to_stripe(view):
    """The checkout form is answered by a redirect to Stripe's page; form-action must allow it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        policy = dict(settings.SECURE_CSP)
        policy["form-action"] = [*policy.get("form-action", []), stripe_gateway.CHECKOUT_ORIGIN]
        return csp_override(policy)(view)(request, *args, **kwargs)

    return wrapped


@login_required
@require_http_methods(["GET", "POST"])
@_form_may_go_to_stripe
def payment_checkout(request, contract_pk, payment_pk):
    """GET: what the tenant is about to pay. POST: off to Stripe Checkout to pay it by card."""
    payment = payment_selectors.payment_get_for_tenant(
        user=request.user, contract_pk=contract_pk, pk=payment_pk
    )
    try:
        payments.payment_card_check(payment=payment, user=request.user)
    except payments.CardPaymentsUnavailable:
        return _refused(request, payment, _card_unavailable_text(), status=400)
    except ValidationError as error:
        return _refused(request, payment, " ".join(error.messages), status=400)
    if request.method == "GET":
        return render(
            request,
            "contracts/payment_checkout.html",
            {
                "payment": payment,
                "contract": payment.contract,
                "transfer_reference": payment_selectors.transfer_reference(payment),
                "percent": percent_text(payment.contract.tenant_commission_percent),
            },
        )
    return _checkout_start(request, payment)


def _checkout_start(request, payment: Payment):
    """Off to Stripe's page, or the reason it cannot be shown now."""
    return_path = reverse(
        "contracts:payment_checkout_return",
        kwargs={"contract_pk": payment.contract_id, "payment_pk": payment.pk},
    )
    try:
        url = payments.payment_checkout_start(
            payment=payment,
            user=request.user,
            success_url=f"{settings.SITE_URL}{return_path}?result=paid",
            cancel_url=f"{settings.SITE_URL}{return_path}?result=cancelled",
        )
    except ValidationError as error:  # the payment changed while the session was made
        return _refused(request, payment, " ".join(error.messages), status=400)
    except stripe_gateway.PaymentProviderError as error:
        logger.warning("Checkout for payment %s failed: %s", payment.pk, error)
        text = _("Card payment could not be started just now. Try again in a few minutes.")
        return _refused(request, payment, text, status=503)
    # 303: the browser follows with a GET, never re-posting the form to Stripe.
    return HttpResponseRedirect(url, status=303)


def _card_unavailable_text() -> str:
    return _("Card payments are not available at the moment. Please pay by bank transfer.")


@login_required
@require_GET
def payment_checkout_return(request, contract_pk, payment_pk):
    """Where Stripe sends the tenant back: say what happens next, then show the schedule."""
    payment = payment_selectors.payment_get_for_tenant(
        user=request.user, contract_pk=contract_pk, pk=payment_pk
    )
    if request.GET.get("result") == "paid":
        if payment.status == Payment.Status.PAID:
            messages.success(request, _("Thank you: your payment was received."))
        else:
            messages.success(
                request,
                _(
                    "Thank you. Stripe is confirming your card payment; "
                    "it shows as paid here within a few minutes."
                ),
            )
    else:
        messages.info(request, _("Card payment cancelled: nothing was charged."))
    return redirect(_payments_anchor(payment))


@login_required
@require_http_methods(["GET", "POST"])
def payment_test_checkout(request, session_id):
    """Development only: the card page of test mode, where nothing is charged.

    Paying here hands the payment service the same completed-session event Stripe's
    webhook would, so the rest of the path (receipt, payouts) is the real one.
    """
    if not stripe_gateway.test_mode():
        raise Http404
    payment = payment_selectors.payment_get_by_test_session(
        user=request.user, session_id=session_id
    )
    return_path = reverse(
        "contracts:payment_checkout_return",
        kwargs={"contract_pk": payment.contract_id, "payment_pk": payment.pk},
    )
    if request.method == "POST":
        payments.stripe_event_handle(event=stripe_gateway.test_payment_event(payment=payment))
        return redirect(f"{return_path}?result=paid")
    context = {
        "payment": payment,
        "contract": payment.contract,
        "cancel_url": f"{return_path}?result=cancelled",
    }
    return render(request, "contracts/payment_test_checkout.html", context)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe reports events here; only correctly signed ones are acted on, each once."""
    try:
        event = stripe_gateway.event_verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except stripe_gateway.WebhookRefused as error:
        logger.warning("Stripe webhook refused: %s", error)
        return JsonResponse({"error": str(error)}, status=400)
    outcome = payments.stripe_event_handle(event=event)
    return JsonResponse({"received": True, "outcome": outcome})


def _payouts_page(payouts, *, count: int, number):
    paginator = Paginator(payouts, PAYOUTS_PER_PAGE)
    # Counted by the totals' query already: the page costs no COUNT query of its own.
    paginator.count = count
    return paginator.get_page(number)


def _payout_table(payments, *, received: bool) -> SafeString | None:
    """A page of payouts as a table, kept in the cache under what its rows show; None if empty."""
    payments = list(payments)
    if not payments:
        return None
    return fragments_render(
        [payments],
        template="contracts/partials/payout_table.html",
        shown=lambda rows: (received, *(_payout_row_shown(payment) for payment in rows)),
        context=lambda rows: {
            "payments": rows,
            "received": received,
            "testid": "past-payouts" if received else "upcoming-payouts",
        },
    )[0]


def _payout_row_shown(payment: Payment) -> tuple:
    """Every value a payout's row shows (payments_selectors.PAYOUT_ROW_FIELDS)."""
    return (
        payment.pk,
        payment.contract_id,
        payment.status,
        payment.kind,
        payment.due_date,
        payment.period_start,
        payment.period_end,
        payment.host_commission,
        payment.host_payout,
        payment.paid_at,
        payment.contract.listing.title,
    )


@login_required
@require_GET
def payouts(request):
    """A host's payouts: what each tenant payment brings them, to come and received; and
    what refunds to tenants after cancellations take back.

    Each list is paged (`upcoming`, `page` and `refunds` in the query string, each
    keeping the others' place).
    """
    user, today = request.user, timezone.localdate()
    totals = payment_selectors.payout_totals(user=user, today=today)
    refunds = _payouts_page(
        payment_selectors.refunds_for_host(user=user),
        count=totals["refund_count"],
        number=request.GET.get("refunds"),
    )
    upcoming = _payouts_page(
        payment_selectors.payouts_upcoming_for_host(user=user),
        count=totals["upcoming_count"],
        number=request.GET.get("upcoming"),
    )
    past = _payouts_page(
        payment_selectors.payouts_received_for_host(user=user),
        count=totals["received_count"],
        number=request.GET.get("page"),
    )
    context = {
        "upcoming": upcoming,
        "upcoming_table": _payout_table(upcoming.object_list, received=False),
        "past": past,
        "past_table": _payout_table(past.object_list, received=True),
        "refunds": refunds,
        "refund_rows": payment_selectors.refund_rows(refunds.object_list),
        "totals": totals,
        "today": today,
    }
    return render(request, "contracts/payment_payouts.html", context)


# --- The contract page's section ------------------------------------------------------------


@contract_section_register(order=10)
def contract_section(*, contract: Contract, user, request=None) -> str:
    """The payment schedule as this party sees it: their commission, their amounts."""
    role = stay_role(contract, user)
    if role not in (Role.TENANT, Role.HOST):
        return ""
    schedule = payment_selectors.party_schedule(contract=contract, role=role)
    if not schedule.rows:
        return ""
    is_tenant = role == Role.TENANT
    context = {
        "contract": contract,
        "is_tenant": is_tenant,
        "planned": schedule.planned,
        "rows": schedule.rows,
        "totals": schedule.totals,
        "refund": schedule.refund,
        "refund_from_payouts": schedule.refund_from_payouts,
        "refund_by_kaguaruoo": schedule.refund_by_kaguaruoo,
        "paid_out": schedule.paid_out,
        "percent": percent_text(schedule.commission_percent),
        "card_available": stripe_gateway.card_payments_available(),
        "show_payment_options": is_tenant and schedule.payable,
        "bank_account": settings.BANK_TRANSFER_ACCOUNT,
        "first_payment_rule": payment_selectors.first_payment_rule(),
    }
    return render_to_string("contracts/partials/payments_section.html", context, request=request)
