"""Payments as users and Stripe make them: staff rates, signed webhooks, a fake Stripe API."""

import datetime
import hashlib
import hmac
import json
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from django.contrib.auth.models import Permission
from django.utils import timezone

from contracts.models import CommissionRate, Payment
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, signed_contract
from tests.privacy.helpers import staff_with_authenticator

WEBHOOK_SECRET = "whsec_test_secret_for_the_suite"
WEBHOOK_URL = "/contracts/stripe/webhook/"


def commission_rates(tenant: str, host: str) -> CommissionRate:
    """Rates in force from an hour ago, as staff would have set them."""
    return CommissionRate.objects.create(
        tenant_percent=Decimal(tenant),
        host_percent=Decimal(host),
        effective_from=timezone.now() - datetime.timedelta(hours=1),
        set_by=UserFactory(is_staff=True),
    )


def signed_contract_at(*, rent=100_000, tenant_percent="5", host_percent="3", **listing):
    """A signed contract for a listing at `rent`, with the commission rates given."""
    commission_rates(tenant_percent, host_percent)
    return signed_contract(listing=listing_near_station(rent=rent, **listing))


def stripe_signature(payload: str, *, secret=WEBHOOK_SECRET, timestamp=None) -> str:
    """The Stripe-Signature header: HMAC-SHA256 of "<timestamp>.<payload>" with the secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def checkout_completed_event(
    payment,
    *,
    event_id="evt_1",
    session_id="cs_test_123",
    amount=None,
    currency="jpy",
    payment_status="paid",
) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "amount_total": payment.amount if amount is None else amount,
                "currency": currency,
                "payment_status": payment_status,
                "payment_intent": "pi_test_456",
                "metadata": {"payment_id": str(payment.pk)},
            }
        },
    }


def post_webhook(client, event, *, secret=WEBHOOK_SECRET, signature=None):
    payload = event if isinstance(event, str) else json.dumps(event)
    header = stripe_signature(payload, secret=secret) if signature is None else signature
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": header},
    )


def staff_create(*codenames):
    """A staff member with an authenticator app and the contracts permissions named."""
    user = staff_with_authenticator()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="contracts", codename__in=codenames)
    )
    return user


class FakeStripe:
    """Stripe's API for Checkout Sessions on 127.0.0.1: records each POST, answers as told.

    Each new session gets the next id (cs_test_fake_1, cs_test_fake_2, ...) unless
    `answer` says otherwise. Expiring a session succeeds, unless `expire_statuses`
    queues other HTTP statuses for the next expire requests: 400 is Stripe's answer
    for a session that is complete or expired already, 5xx an outage.
    """

    def __init__(self):
        self.requests = []
        self.status = 200
        self.answer = None
        self.expire_statuses = []
        self.sessions = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                fake.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "form": dict(parse_qsl(body)),
                    }
                )
                status, answer = fake.respond(self.path)
                answer = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def respond(self, path: str) -> tuple[int, dict]:
        if path.endswith("/expire"):
            return self._expire(session_id=path.split("/")[-2])
        if self.answer is not None:
            return self.status, self.answer
        self.sessions += 1
        session_id = f"cs_test_fake_{self.sessions}"
        return self.status, {
            "id": session_id,
            "object": "checkout.session",
            "status": "open",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }

    def _expire(self, *, session_id: str) -> tuple[int, dict]:
        status = self.expire_statuses.pop(0) if self.expire_statuses else 200
        if status == 200:
            return 200, {"id": session_id, "object": "checkout.session", "status": "expired"}
        if status == 400:
            message = (
                'Only Checkout Sessions with a status in ["open"] can be expired. '
                "This Checkout Session has a status of `complete`."
            )
            return 400, {"error": {"type": "invalid_request_error", "message": message}}
        return status, {"error": {"type": "api_error", "message": "Stripe is having a moment."}}

    def expired(self) -> list[str]:
        """The ids of the sessions the site asked Stripe to expire, in order."""
        return [
            request["path"].split("/")[-2]
            for request in self.requests
            if request["path"].endswith("/expire")
        ]

    def start(self):
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def stripe_faked(settings):
    """The site talks to a FakeStripe for as long as the block runs."""
    fake = FakeStripe()
    fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_suite"
    settings.STRIPE_API_BASE = fake.url
    try:
        yield fake
    finally:
        fake.stop()


class _TableReader(HTMLParser):
    def __init__(self, table_class: str):
        super().__init__()
        self.table_class = table_class
        self.depth = 0  # >0 inside the wanted table
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        wanted = self.table_class in (attrs.get("class") or "").split() or (
            attrs.get("data-testid") == self.table_class
        )
        if tag == "table" and (self.depth or (wanted and not self.rows)):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.row = []
        elif self.depth and tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif self.depth and tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_class: str) -> list[list[str]]:
    """The text of each cell, row by row, of the first table with this class or test id."""
    reader = _TableReader(table_class)
    reader.feed(html)
    return reader.rows


def yen(amount: int) -> str:
    return f"¥{amount:,}"


def cancellation_charge(contract, *, amount=30_000, due_date=None):
    """What the cancellation leaves the tenant owing: a payment of its own, without a period."""
    sequence = contract.payments.count() + 1
    return Payment.objects.create(
        contract=contract,
        sequence=sequence,
        kind=Payment.Kind.CANCELLATION,
        due_date=due_date or timezone.localdate() + datetime.timedelta(days=7),
        base=amount,
        tenant_commission=0,
        host_commission=0,
        amount=amount,
        host_payout=amount,
    )
