"""`load_demo` runs again after the demo users used the site (issue 11, item 1).

Each test starts from the demo loaded on an empty database (the `demo` fixture),
makes one change through the site's services as a person would, loads the demo
again, and checks that the README's promises hold: Alex has a signed contract on
the Shibuya listing with its House Guide, Mei a contract waiting for her Agree
and an open reservation request, and every demo login works with the printed
password.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from contracts.booking import services as booking
from contracts.changes import services as changes
from contracts.guides import services as guides
from contracts.models import Contract, ReservationRequest
from listings import services as listing_services
from listings.demo import shibuya_listing
from listings.models import Listing
from privacy import services as privacy
from privacy.models import PrivacyRequest
from tests.kaguaruoo.test_load_demo import DEMO_EMAILS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def user(email):
    return User.objects.get(email=email)


def alex():
    return user("alex.tenant@example.com")


def mei():
    return user("mei.tenant@example.com")


def waiting_contract():
    return Contract.objects.get(
        listing=shibuya_listing(), tenant=mei(), status=Contract.Status.SENT
    )


def signed_contract_of_alex():
    return Contract.objects.get(
        listing=shibuya_listing(), tenant=alex(), status=Contract.Status.SIGNED
    )


def sign(contract, tenant):
    code = booking.signing_code_issue(contract=contract, user=tenant)
    booking.contract_sign(contract=contract, user=tenant, code=code)


def load_again_and_check(client):
    with override_settings(DEBUG=True):
        call_command("load_demo", quiet_logins=True)
    listing = shibuya_listing()
    assert listing.status == Listing.Status.PUBLISHED
    assert guides.house_guide_current(listing=listing)
    assert Contract.objects.filter(
        listing=listing, tenant=alex(), status=Contract.Status.SIGNED
    ).exists()
    assert Contract.objects.filter(listing=listing, tenant=mei(), status=Contract.Status.SENT)
    assert ReservationRequest.objects.filter(
        tenant=mei(), status=ReservationRequest.Status.OPEN
    ).exists()
    for email in DEMO_EMAILS:
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()
        assert EmailAddress.objects.get(email=email).verified


def test_mei_signed_her_waiting_contract(client):
    signed = waiting_contract()
    sign(signed, mei())

    load_again_and_check(client)

    signed.refresh_from_db()
    assert signed.status == Contract.Status.SIGNED
    fresh = waiting_contract()
    assert fresh.start_date >= signed.end_date


def test_mei_signed_twice_in_a_row(client):
    sign(waiting_contract(), mei())
    load_again_and_check(client)
    sign(waiting_contract(), mei())

    load_again_and_check(client)


def test_mei_declined_her_contract(client):
    booking.contract_decline(contract=waiting_contract(), by=mei(), reason="Too expensive.")

    load_again_and_check(client)


def test_hana_withdrew_the_contract_sent_to_mei(client):
    contract = waiting_contract()
    booking.contract_withdraw(contract=contract, by=contract.host)

    load_again_and_check(client)


def test_alex_cancelled_his_signed_contract(client):
    contract = signed_contract_of_alex()
    quote = changes.cancellation_quote(contract=contract, by=alex())
    changes.contract_cancel(
        contract=contract,
        by=alex(),
        reason="My job moved.",
        confirmed_due=quote.due,
        confirmed_refund=quote.refund,
    )

    load_again_and_check(client)


def test_alex_extended_his_stay(client):
    contract = signed_contract_of_alex()
    waiting = waiting_contract()
    booking.contract_withdraw(contract=waiting, by=waiting.host)  # the months after are free
    extension = changes.extension_request(contract=contract, by=alex(), months=1)
    changes.extension_approve(extension=extension, by=contract.host)

    load_again_and_check(client)


def test_mei_withdrew_and_sakura_declined_her_requests(client):
    request = ReservationRequest.objects.get(tenant=mei(), status=ReservationRequest.Status.OPEN)
    booking.reservation_withdraw(reservation=request, by=mei())
    load_again_and_check(client)
    request = ReservationRequest.objects.get(tenant=mei(), status=ReservationRequest.Status.OPEN)
    booking.reservation_decline(reservation=request, by=request.listing.host, reason="Let.")

    load_again_and_check(client)


def test_sakura_sent_a_contract_for_meis_request_and_mei_signed_it(client):
    request = ReservationRequest.objects.get(tenant=mei(), status=ReservationRequest.Status.OPEN)
    contract = booking.contract_send(reservation=request, by=request.listing.host)
    sign(contract, mei())

    load_again_and_check(client)


def test_hosts_paused_their_listings(client):
    listing = shibuya_listing()
    listing_services.listing_pause(listing=listing, by=listing.host)
    sakura = user("sakura.host@example.com")
    for listing in Listing.objects.filter(host=sakura):
        listing_services.listing_pause(listing=listing, by=sakura)

    load_again_and_check(client)


def test_staff_hid_the_shibuya_listing(client):
    listing = shibuya_listing()
    listing_services.listing_hide(
        listing=listing, by=user("staff@example.com"), reason="Checking the photos."
    )

    load_again_and_check(client)

    assert shibuya_listing().status == Listing.Status.PUBLISHED


def test_hana_renamed_her_shibuya_listing(client):
    listing = shibuya_listing()
    listing.title = "Renamed flat"
    listing.save(update_fields=["title"])

    load_again_and_check(client)


def test_users_changed_their_passwords(client):
    for email in DEMO_EMAILS:
        person = user(email)
        person.set_password("a-new-password-2026")
        person.save(update_fields=["password"])

    load_again_and_check(client)


def change_email(person, new):
    address = EmailAddress.objects.add_email(None, person, new)
    address.verified = True
    address.save(update_fields=["verified"])
    old = person.email
    address.set_as_primary()
    EmailAddress.objects.filter(user=person, email=old).delete()


def test_users_changed_their_emails(client):
    """Each demo address gets a new account; the old ones keep their new address."""
    before = {email: user(email).pk for email in DEMO_EMAILS}
    for email, pk in before.items():
        change_email(User.objects.get(pk=pk), "changed-" + email)

    load_again_and_check(client)
    for email, pk in before.items():
        assert User.objects.get(pk=pk).email == "changed-" + email
        assert user(email).pk != pk


def test_mei_filed_a_deletion_request_and_staff_fulfilled_it(client):
    staff = user("staff@example.com")
    request = privacy.privacy_request_file(
        user=mei(),
        kind=PrivacyRequest.Kind.DELETION,
        identity_check=PrivacyRequest.IdentityCheck.REAUTHENTICATION,
    )
    load_again_and_check(client)
    privacy.privacy_request_decide(
        privacy_request=request, decision=PrivacyRequest.Decision.FULFILLED, by=staff
    )

    load_again_and_check(client)


def test_users_withdrew_their_consents(client):
    for email in DEMO_EMAILS:
        privacy.consents_update(
            user=user(email),
            choices=dict.fromkeys(privacy.STOPPABLE_PURPOSES, False),
            ip=None,
            source="settings",
        )

    load_again_and_check(client)
