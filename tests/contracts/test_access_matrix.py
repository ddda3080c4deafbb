"""Who may open which private URL of a stay: one table, walked by one test.

The world: Hana (host) and Alex (tenant) have a signed contract on a listing,
with a House Guide, payments, an extension request, a support request and a
thread with a file and a delivery request; a finished stay on another of
Hana's listings (reviews in progress); an open reservation request on a third.
Around them: two other tenants of the same listing, one whose contract is only
sent and one whose contract expired unsigned; an unrelated tenant; an unrelated
host; and an anonymous visitor.
Non-parties get 404; the anonymous visitor is sent to log in, exactly as for
an address that does not exist, so nothing is confirmed to anyone.
"""

import datetime

import pytest
from django.utils import timezone

from contracts.booking.services import contracts_expire
from contracts.changes import services as changes
from contracts.guides.services import house_guide_upload
from contracts.models import Contract
from contracts.support.services import support_request_open
from messaging.services import delivery_request_create, message_post
from tests.accounts.factories import UserFactory
from tests.contracts.builders import (
    listing_near_station,
    reservation,
    sent_contract,
    signed_contract,
)
from tests.contracts.stays import first_of_month_after, stay_ended
from tests.listings.builders import days
from tests.messaging.builders import pdf_upload

pytestmark = pytest.mark.django_db

LOGIN = "login"
# Staff read what they must in admin, where every view is audited; the parties'
# pages are not theirs either.
NON_PARTIES = ("unrelated_tenant", "unrelated_host", "rival_tenant", "expired_tenant", "staff")

# Messages of the stay's thread.
THREAD = ("GET", "/messages/{thread}/")
MESSAGE = ("POST", "/messages/{thread}/post/")
FILE = ("GET", "/messages/{thread}/attachments/{attachment}/")
DELIVERY = ("POST", "/messages/{thread}/deliveries/{delivery}/accept/")
# Reservation requests.
RES_ACCEPT = ("GET", "/contracts/requests/{reservation}/accept/")
RES_SEND = ("POST", "/contracts/requests/{reservation}/accept/")
RES_DECLINE = ("POST", "/contracts/requests/{reservation}/decline/")
RES_WITHDRAW = ("POST", "/contracts/requests/{reservation}/withdraw/")
# The contract and its signature.
CONTRACT = ("GET", "/contracts/{contract}/")
AGREE = ("POST", "/contracts/{contract}/agree/")
SIGN = ("POST", "/contracts/{contract}/sign/")
DECLINE = ("POST", "/contracts/{contract}/decline/")
WITHDRAW = ("POST", "/contracts/{contract}/withdraw/")
# The House Guide.
GUIDE = ("GET", "/contracts/{contract}/house-guide/")
GUIDE_MANAGE = ("GET", "/contracts/house-guides/{listing}/")
GUIDE_VERSION = ("GET", "/contracts/house-guides/{listing}/1/")
# Extensions and cancellation.
EXTEND = ("GET", "/contracts/{contract}/extensions/new/")
EXTENSION = ("GET", "/contracts/{contract}/extensions/{extension}/")
EXT_APPROVE = ("POST", "/contracts/{contract}/extensions/{extension}/approve/")
EXT_DECLINE = ("POST", "/contracts/{contract}/extensions/{extension}/decline/")
EXT_WITHDRAW = ("POST", "/contracts/{contract}/extensions/{extension}/withdraw/")
CANCEL = ("GET", "/contracts/{contract}/cancel/")
# Payments.
CHECKOUT = ("GET", "/contracts/{contract}/payments/{payment}/checkout/")
PAY = ("POST", "/contracts/{contract}/payments/{payment}/checkout/")
PAID_RETURN = ("GET", "/contracts/{contract}/payments/{payment}/checkout/return/")
# After-sale support: a request the tenant opened is between the tenant and staff.
SUPPORT_NEW = ("GET", "/contracts/{contract}/support/new/")
SUPPORT = ("GET", "/contracts/support/{support}/")
SUPPORT_FILE = ("GET", "/contracts/support/{support}/files/{support_message}/")
SUPPORT_WRITE = ("POST", "/contracts/support/{support}/messages/")
SUPPORT_CLOSE = ("POST", "/contracts/support/{support}/close/")
# Reviews of the finished stay, not yet published.
REVIEW = ("GET", "/contracts/{ended}/review/")
ENDED = ("GET", "/contracts/{ended}/")

PARTIES = {
    THREAD: {"tenant": 200, "host": 200},
    MESSAGE: {"tenant": 302, "host": 302},
    FILE: {"tenant": 200, "host": 200},
    DELIVERY: {"tenant": 302, "host": 302},  # the tenant is told it is not theirs to accept
    RES_ACCEPT: {"tenant": 404, "host": 200},
    RES_SEND: {"tenant": 404, "host": 302},
    RES_DECLINE: {"tenant": 404, "host": 302},
    RES_WITHDRAW: {"tenant": 302, "host": 404},
    CONTRACT: {"tenant": 200, "host": 200},
    AGREE: {"tenant": 302, "host": 404},
    SIGN: {"tenant": 400, "host": 404},
    DECLINE: {"tenant": 302, "host": 404},
    WITHDRAW: {"tenant": 404, "host": 302},
    GUIDE: {"tenant": 200, "host": 200},
    GUIDE_MANAGE: {"tenant": 404, "host": 200},
    GUIDE_VERSION: {"tenant": 404, "host": 200},
    EXTEND: {"tenant": 200, "host": 404},
    EXTENSION: {"tenant": 200, "host": 200},
    EXT_APPROVE: {"tenant": 404, "host": 302},
    EXT_DECLINE: {"tenant": 404, "host": 400},
    EXT_WITHDRAW: {"tenant": 302, "host": 404},
    CANCEL: {"tenant": 200, "host": 200},
    # No Stripe key in the tests: the tenant is told to pay by transfer.
    CHECKOUT: {"tenant": 400, "host": 404},
    PAY: {"tenant": 400, "host": 404},
    PAID_RETURN: {"tenant": 302, "host": 404},
    SUPPORT_NEW: {"tenant": 200, "host": 200},
    SUPPORT: {"tenant": 200, "host": 404},
    SUPPORT_FILE: {"tenant": 200, "host": 404},
    SUPPORT_WRITE: {"tenant": 302, "host": 404},
    SUPPORT_CLOSE: {"tenant": 302, "host": 404},
    REVIEW: {"tenant": 200, "host": 200},
    ENDED: {"tenant": 200, "host": 200},
}

MATRIX = [
    (method, url, who, expected)
    for (method, url), by_party in PARTIES.items()
    for who, expected in [
        ("anonymous", LOGIN),
        *((who, 404) for who in NON_PARTIES),
        *by_party.items(),
    ]
]

# What a form would send, so that a party's request is a real one.
POST_DATA = {
    MESSAGE: {"body": "Hello"},
    RES_DECLINE: {"reason": "Taken"},
    SIGN: {"code": "000000"},
    DECLINE: {"reason": "Changed my mind"},
    SUPPORT_WRITE: {"body": "The heater still does not work."},
}


@pytest.fixture
def world():
    host = UserFactory(is_host=True)
    tenant = UserFactory()
    listing = listing_near_station(host=host)
    contract = signed_contract(
        listing=listing, tenant=tenant, move_in=first_of_month_after(20), months=2
    )
    house_guide_upload(listing=listing, by=host, file=pdf_upload("keys.pdf"))
    thread = contract.thread
    message = message_post(
        thread=thread, sender=host, body="The plan", attachment=pdf_upload(), notify=False
    )
    delivery = delivery_request_create(
        thread=thread, by=tenant, delivery_date=days(40), item="A desk", notify=False
    )
    extension = changes.extension_request(contract=contract, by=tenant, months=1, message="")
    support_request = support_request_open(
        contract=contract,
        by=tenant,
        category="apartment",
        subject="Heater",
        body="The heater does not start.",
        attachment=pdf_upload("heater.pdf"),
    )
    rival = sent_contract(listing=listing, move_in=contract.end_date + datetime.timedelta(days=90))
    expired = sent_contract(
        listing=listing, move_in=contract.end_date + datetime.timedelta(days=200)
    )
    Contract.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    contracts_expire()
    ended = stay_ended(
        signed_contract(listing=listing_near_station(host=host), tenant=tenant), days_ago=2
    )
    open_request = reservation(listing=listing_near_station(host=host), tenant=tenant)
    return {
        "urls": {
            "thread": thread.pk,
            "attachment": message.attachments.get().pk,
            "delivery": delivery.pk,
            "reservation": open_request.pk,
            "contract": contract.pk,
            "listing": listing.pk,
            "extension": extension.pk,
            "payment": contract.payments.get(sequence=1).pk,
            "support": support_request.pk,
            "support_message": support_request.messages.get().pk,
            "ended": ended.pk,
        },
        "users": {
            "anonymous": None,
            "tenant": tenant,
            "host": host,
            "rival_tenant": rival.tenant,
            "expired_tenant": expired.tenant,
            "unrelated_tenant": reservation().tenant,
            "unrelated_host": listing_near_station().host,
            "staff": UserFactory(is_staff=True),
        },
    }


@pytest.mark.parametrize(("method", "url", "who", "expected"), MATRIX)
def test_private_urls_of_a_stay_answer_each_visitor_as_the_table_says(
    client, world, method, url, who, expected
):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    path = url.format(**world["urls"])

    if method == "POST":
        response = client.post(path, POST_DATA.get((method, url), {}))
    else:
        response = client.get(path)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content[:300]


def test_the_other_tenants_hold_a_sent_and_an_expired_contract_on_the_same_listing(world):
    rival = world["users"]["rival_tenant"].contracts_as_tenant.get()
    expired = world["users"]["expired_tenant"].contracts_as_tenant.get()

    assert (rival.listing_id, rival.status) == (world["urls"]["listing"], "sent")
    assert (expired.listing_id, expired.status) == (world["urls"]["listing"], "expired")


def test_an_anonymous_visitor_cannot_tell_a_real_contract_from_a_missing_one(client, world):
    real = client.get(f"/contracts/{world['urls']['contract']}/")
    missing = client.get("/contracts/999999/")

    assert (real.status_code, missing.status_code) == (302, 302)
    assert real["Location"].split("?")[0] == missing["Location"].split("?")[0]
