"""Stripe, the card payment provider: the one module that talks to it.

Card payments use Stripe Checkout: the site creates a Checkout Session for one
payment and sends the tenant to the page Stripe hosts; Stripe then reports the
result to the webhook, whose signature `event_verify` checks. Amounts are in
yen, which Stripe treats as a zero-decimal currency (¥1,000 is `1000`).

A session lives `CHECKOUT_LIFETIME` unless expired sooner: one that outlives the
payment's need (paid otherwise, cancelled, replaced by a newer session) could
still take the tenant's money.
"""

import datetime
import json
import secrets
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

CURRENCY = "jpy"
# Where Checkout's pages live: the checkout page's form-action must allow a redirect there.
CHECKOUT_ORIGIN = "https://checkout.stripe.com"
SIGNATURE_TOLERANCE = 300  # seconds; an older signed event is refused as a possible replay
# (connect, read) seconds: a tenant waits on this request, so a slow provider fails fast.
TIMEOUT = (5, 20)
# Stripe's shortest: 30 minutes from the session's creation. The extra minute covers the
# request's way there (and a retry) and a clock a little ahead of ours.
CHECKOUT_LIFETIME = datetime.timedelta(minutes=31)


class PaymentProviderError(Exception):
    """Stripe refused the request or could not be reached."""


class PaymentProviderUnreachable(PaymentProviderError):
    """Stripe could not be reached or was overloaded: worth trying again later."""


class WebhookRefused(Exception):
    """A webhook request that is not a correctly signed, well-formed Stripe event."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def test_mode() -> bool:
    """Development without a Stripe key: card payments are simulated on the site's own
    page and never reach Stripe or take money. Never with DEBUG off."""
    return settings.DEBUG and not settings.STRIPE_SECRET_KEY


def card_payments_available() -> bool:
    return bool(settings.STRIPE_SECRET_KEY) or test_mode()


TEST_SESSION_PREFIX = "cs_test_local_"


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=TIMEOUT),
    )


def checkout_session_create(
    *,
    payment_id: int,
    amount: int,
    description: str,
    reference: str,
    customer_email: str,
    success_url: str,
    cancel_url: str,
) -> CheckoutSession:
    """A Checkout Session for one payment, paid by card in yen."""
    if test_mode():
        session_id = TEST_SESSION_PREFIX + secrets.token_hex(12)
        url = reverse("contracts:payment_test_checkout", kwargs={"session_id": session_id})
        return CheckoutSession(id=session_id, url=url)
    metadata = {"payment_id": str(payment_id), "reference": reference}
    params = {
        "mode": "payment",
        "payment_method_types": ["card"],
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": amount,
                    "product_data": {"name": description},
                },
            }
        ],
        "client_reference_id": reference,
        "customer_email": customer_email,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata, "description": description},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int((timezone.now() + CHECKOUT_LIFETIME).timestamp()),
    }
    try:
        session = _client().v1.checkout.sessions.create(params=params).to_dict()
    except stripe.StripeError as error:
        raise _provider_error(error) from error
    if not session.get("id") or not session.get("url"):
        raise PaymentProviderError("Stripe answered without a session id or URL")
    return CheckoutSession(id=session["id"], url=session["url"])


def test_payment_event(*, payment) -> dict:
    """The `checkout.session.completed` event of a test-mode session paid in full."""
    token = secrets.token_hex(12)
    return {
        "id": f"evt_test_local_{token}",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": payment.checkout_session_id,
                "payment_status": "paid",
                "amount_total": payment.amount,
                "currency": CURRENCY,
                "payment_intent": f"pi_test_local_{token}",
                "metadata": {"payment_id": str(payment.pk)},
            }
        },
    }


def checkout_session_expire(*, session_id: str) -> bool:
    """Close a Checkout Session so that it can no longer be paid; False if it was not open.

    Stripe refuses to expire a session that is complete or expired already (or that
    it does not know): either way nobody can pay it any more. A test-mode session is
    payable only while its payment names it, so there is nothing to close.
    """
    if session_id.startswith(TEST_SESSION_PREFIX):
        return True
    try:
        _client().v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError:
        return False
    except stripe.StripeError as error:
        raise _provider_error(error) from error
    return True


def _provider_error(error: stripe.StripeError) -> PaymentProviderError:
    if (
        isinstance(error, stripe.APIConnectionError | stripe.RateLimitError)
        or (error.http_status or 0) >= 500
    ):
        return PaymentProviderUnreachable(str(error))
    return PaymentProviderError(str(error))


def event_verify(*, payload: bytes, signature: str | None) -> dict:
    """The event a webhook request carries, once its Stripe-Signature header is checked.

    Raises WebhookRefused for a missing or wrong signature, a stale timestamp,
    no webhook secret configured, or a body that is not a JSON event.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRefused("no webhook secret is configured")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=SIGNATURE_TOLERANCE
        )
    except stripe.SignatureVerificationError as error:
        raise WebhookRefused(str(error)) from error
    except UnicodeDecodeError as error:
        raise WebhookRefused("the body is not UTF-8") from error
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError) as error:
        raise WebhookRefused("the body is not JSON") from error
    if not (
        isinstance(event, dict)
        and _is_text(event.get("id"), max_length=100)
        and _is_text(event.get("type"), max_length=100)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise WebhookRefused("the body is not a Stripe event")
    if event["type"] == "checkout.session.completed":
        _checkout_session_shape_check(event["data"]["object"])
    return event


def _is_text(value, *, max_length: int, optional: bool = False) -> bool:
    """A string that fits its column; PostgreSQL refuses a NUL byte in any text."""
    if value is None:
        return optional
    return isinstance(value, str) and 0 < len(value) <= max_length and "\x00" not in value


def _checkout_session_shape_check(session: dict) -> None:
    """Raise WebhookRefused unless each field the payment service reads has Stripe's type.

    Stripe never sends another shape, so one is refused (400, and Stripe's dashboard
    shows the failure) rather than guessed at. A session that is merely not the site's
    (no `payment_id` in its metadata, or one naming no payment) has the right shape:
    the service acknowledges it as an unknown payment.
    """
    metadata = session.get("metadata")
    amount = session.get("amount_total")
    problems = [
        name
        for name, fits in (
            ("id", _is_text(session.get("id"), max_length=200)),
            ("payment_status", _is_text(session.get("payment_status"), max_length=50)),
            (
                "payment_intent",
                _is_text(session.get("payment_intent"), max_length=200, optional=True),
            ),
            ("currency", _is_text(session.get("currency"), max_length=10, optional=True)),
            ("amount_total", amount is None or (type(amount) is int and amount >= 0)),
            ("metadata", metadata is None or isinstance(metadata, dict)),
            (
                "metadata.payment_id",
                not isinstance(metadata, dict)
                or _is_text(metadata.get("payment_id"), max_length=100, optional=True),
            ),
        )
        if not fits
    ]
    if problems:
        raise WebhookRefused(
            f"the checkout session's {', '.join(problems)} is not as Stripe sends it"
        )
