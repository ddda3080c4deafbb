"""Reservation requests and contracts built through the services, as users make them."""

import datetime

from django.core import mail

from contracts.booking.services import (
    Stay,
    contract_send,
    contract_sign,
    reservation_request_create,
    signing_code_issue,
)
from contracts.models import SigningCode
from tests.accounts.factories import UserFactory
from tests.listings.builders import (
    days,
    identity_verified,
    listing_near_station,
)


def reservation(*, listing=None, tenant=None, move_in=None, months=3, people=1, message=""):
    """A request from a tenant whose identity staff checked, as signing needs."""
    listing = listing or listing_near_station()
    return reservation_request_create(
        tenant=identity_verified(tenant or UserFactory()),
        listing=listing,
        stay=Stay(move_in=move_in or days(30), months=months, people=people),
        message=message,
        agreed=True,
        contract_sharing=True,
        ip="203.0.113.7",
    )


def sent_contract(**kwargs):
    request = reservation(**kwargs)
    return contract_send(
        reservation=request, by=request.host, ip="198.51.100.4", user_agent="HostBrowser/1.0"
    )


def codes_age(contract, *, seconds: int = 61) -> None:
    """Time passes: the contract's codes were asked for `seconds` earlier (a new code
    waits a minute after the last, contracts/booking/services.py)."""
    earlier = datetime.timedelta(seconds=seconds)
    for code in SigningCode.objects.filter(contract=contract):
        SigningCode.objects.filter(pk=code.pk).update(
            created_at=code.created_at - earlier, expires_at=code.expires_at - earlier
        )


def code_for(contract) -> str:
    """A signing code for the tenant, as the mail would carry it."""
    return signing_code_issue(contract=contract, user=contract.tenant)


def signed_contract(**kwargs):
    contract = sent_contract(**kwargs)
    contract_sign(
        contract=contract,
        user=contract.tenant,
        code=code_for(contract),
        ip="203.0.113.9",
        user_agent="TenantBrowser/2.0",
    )
    contract.refresh_from_db()
    return contract


def mailed_code(to: str) -> str:
    """The signing code from the last mail to `to` in Django's test outbox."""
    body = next(m.body for m in reversed(mail.outbox) if to in m.to and "code" in m.subject.lower())
    return next(word for word in body.split() if word.isdigit() and len(word) == 6)
