"""Payments as users and Stripe make them: staff rates, signed webhooks, a fake Stripe API."""

import datetime
import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Permission
from django.utils import timezone

from contracts.models import CommissionRate, Payment
from tests.accounts.factories import UserFactory
from tests.contracts.builders import contract_listing, signed_contract
from tests.privacy.helpers import OFFICER_TOTP_SECRET

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
    return signed_contract(listing=contract_listing(rent=rent, **listing))


def stripe_signature(payload: str, *, secret=WEBHOOK_SECRET, timestamp=None) -> str:
    """The Stripe-Signature header: HMAC-SHA256 of "<timestamp>.<payload>" with the secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def checkout_completed_event(
    payment, *, event_id="evt_1", amount=None, currency="jpy", payment_status="paid"
) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_test_123",
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
    user = UserFactory(is_staff=True)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(OFFICER_TOTP_SECRET)}
    )
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="contracts", codename__in=codenames)
    )
    return user


class FakeStripe:
    """Stripe's API for Checkout Sessions on 127.0.0.1: records each POST, answers as told."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.answer = {
            "id": "cs_test_fake_1",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_fake_1",
        }
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
                answer = json.dumps(fake.answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


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
