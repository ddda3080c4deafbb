"""The host sends the contract; the tenant agrees with a mailed code; the terms are hashed."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.booking.services import (
    CODE_ATTEMPTS,
    IllegalTransition,
    contract_decline,
    contract_sign,
    contract_signing_code_send,
    contract_withdraw,
    contracts_expire,
)
from contracts.core.services import contract_mail_send
from contracts.models import CommissionRate, Contract, Payment, SigningCode
from messaging.services import message_post
from privacy.models import IdentityVerification
from tests.contracts.builders import (
    code_for,
    codes_age,
    listing_near_station,
    mailed_code,
    reservation,
    sent_contract,
    signed_contract,
)
from tests.listings.builders import days

pytestmark = pytest.mark.django_db


def test_host_previews_the_terms_then_sends_the_contract_into_the_thread(client):
    request = reservation(months=3)
    client.force_login(request.host)

    preview = client.get(f"/contracts/requests/{request.pk}/accept/")
    response = client.post(f"/contracts/requests/{request.pk}/accept/")

    contract = Contract.objects.get()
    assert "Accept and send the contract" in preview.content.decode()
    assert response["Location"] == contract.get_absolute_url()
    assert contract.status == "sent"
    assert contract.expires_at - contract.sent_at == datetime.timedelta(hours=72)
    client.force_login(request.tenant)
    thread_page = client.get(request.thread.get_absolute_url()).content.decode()
    assert f"sent contract {contract.number}" in thread_page
    assert "Read the contract and agree" in thread_page


def test_contract_snapshot_names_both_parties_and_the_exact_address(client):
    contract = sent_contract()
    client.force_login(contract.tenant)

    page = client.get(contract.get_absolute_url()).content.decode()

    assert contract.host.full_name in page
    assert contract.host.phone in page
    assert "Room 1203, Kagu Tower, 2-21-1 Shibuya, Shibuya-ku, Tokyo-to 150-0002" in page
    assert contract.terms_sha256 == hashlib.sha256(contract.terms_text.encode()).hexdigest()


def test_later_listing_edits_do_not_change_a_sent_contract():
    contract = sent_contract()
    listing = contract.listing
    listing.rent = 999_999
    listing.save()

    contract.refresh_from_db()
    assert contract.terms["money"]["rent"] == 100_000
    assert "¥999,999" not in contract.terms_text


def test_tenant_signs_with_the_code_from_the_mail(client, django_capture_on_commit_callbacks):
    contract = sent_contract()
    client.force_login(contract.tenant)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/contracts/{contract.pk}/agree/", HTTP_USER_AGENT="TenantBrowser/3")
    code = mailed_code(contract.tenant.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/contracts/{contract.pk}/sign/",
            {"code": code},
            HTTP_USER_AGENT="TenantBrowser/3",
            REMOTE_ADDR="203.0.113.50",
        )

    contract.refresh_from_db()
    assert response.status_code == 302
    assert contract.status == "signed"
    assert contract.signed_ip == "203.0.113.50"
    assert contract.signed_user_agent == "TenantBrowser/3"
    assert contract.signed_sha256 == hashlib.sha256(contract.terms_text.encode()).hexdigest()
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "203.0.113.50" in page and contract.signed_sha256 in page
    signed_mail = [m for m in mail.outbox if "is signed" in m.subject]
    assert {m.to[0] for m in signed_mail} == {contract.tenant.email, contract.host.email}


def test_signing_makes_the_payment_schedule():
    contract = signed_contract(months=3)

    payments = list(contract.payments.order_by("sequence"))
    assert [p.kind for p in payments][:2] == ["first", "monthly"]
    assert sum(p.amount for p in payments) == contract.tenant_total
    assert Payment.objects.filter(contract=contract, status="due").count() == len(payments)


def test_a_wrong_code_is_refused_and_counted(client):
    contract = sent_contract()
    code_for(contract)
    client.force_login(contract.tenant)

    response = client.post(f"/contracts/{contract.pk}/sign/", {"code": "000000"})

    contract.refresh_from_db()
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert contract.status == "sent"
    assert SigningCode.objects.get(contract=contract).attempts == 1


def test_after_too_many_wrong_codes_even_the_right_one_is_refused():
    contract = sent_contract()
    code = code_for(contract)
    for _attempt in range(CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            contract_sign(contract=contract, user=contract.tenant, code="999999")

    with pytest.raises(ValidationError) as refused:
        contract_sign(contract=contract, user=contract.tenant, code=code)

    assert "Too many wrong codes" in refused.value.messages[0]


def test_an_expired_code_is_refused():
    contract = sent_contract()
    code = code_for(contract)
    SigningCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(ValidationError) as refused:
        contract_sign(contract=contract, user=contract.tenant, code=code)

    assert refused.value.code == "no_code"


def test_a_new_code_replaces_the_earlier_one():
    contract = sent_contract()
    old = code_for(contract)
    codes_age(contract)
    contract_signing_code_send(contract=contract, user=contract.tenant)

    with pytest.raises(ValidationError):
        contract_sign(contract=contract, user=contract.tenant, code=old)


def test_the_host_cannot_sign_for_the_tenant():
    contract = sent_contract()

    with pytest.raises(IllegalTransition):
        contract_signing_code_send(contract=contract, user=contract.host)


def test_tampered_terms_are_not_signed():
    contract = sent_contract()
    code = code_for(contract)
    Contract.objects.filter(pk=contract.pk).update(terms_text=contract.terms_text + "Extra.\n")
    contract.refresh_from_db()

    with pytest.raises(ValidationError):
        contract_sign(contract=contract, user=contract.tenant, code=code)

    contract.refresh_from_db()
    assert contract.status == "sent"


def test_a_contract_past_its_hold_cannot_be_signed_and_expires(django_capture_on_commit_callbacks):
    contract = sent_contract()
    code = code_for(contract)
    Contract.objects.filter(pk=contract.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    contract.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        contract_sign(contract=contract, user=contract.tenant, code=code)
    with django_capture_on_commit_callbacks(execute=True):
        expired = contracts_expire()

    contract.refresh_from_db()
    assert refused.value.code == "expired"
    assert (expired, contract.status) == (1, "expired")
    assert contracts_expire() == 0
    expiry_mail = [m for m in mail.outbox if "expired" in m.subject]
    assert sorted(m.to[0] for m in expiry_mail) == sorted(
        [contract.tenant.email, contract.host.email]
    )


def test_an_expired_contract_frees_the_dates_for_another_tenant():
    contract = sent_contract()
    Contract.objects.filter(pk=contract.pk).update(expires_at=timezone.now())
    contracts_expire()

    other = reservation(listing=contract.listing, move_in=contract.start_date)

    assert other.status == "open"


def test_tenant_declines_with_a_reason_the_host_sees(client):
    contract = sent_contract()
    client.force_login(contract.tenant)

    client.post(f"/contracts/{contract.pk}/decline/", {"reason": "Found a place nearer work."})

    contract.refresh_from_db()
    assert contract.status == "declined"
    client.force_login(contract.host)
    assert "Found a place nearer work." in client.get(contract.get_absolute_url()).content.decode()


def test_host_withdraws_an_unsigned_contract_but_not_a_signed_one():
    sent = sent_contract()
    contract_withdraw(contract=sent, by=sent.host)
    signed = signed_contract()

    assert sent.status == "cancelled"
    with pytest.raises(IllegalTransition):
        contract_withdraw(contract=signed, by=signed.host)


def test_contact_details_in_messages_unmask_once_the_contract_is_signed(client):
    contract = sent_contract()
    message_post(
        thread=contract.thread, sender=contract.host, body="Call me on 090-1111-2222", notify=False
    )
    client.force_login(contract.tenant)

    before = client.get(contract.thread.get_absolute_url()).content.decode()
    contract_sign(contract=contract, user=contract.tenant, code=code_for(contract))
    after = client.get(contract.thread.get_absolute_url()).content.decode()

    assert "090-1111-2222" not in before
    assert "090-1111-2222" in after


def test_contract_list_shows_the_tenant_and_the_host_their_contracts(client):
    contract = signed_contract()

    for user in (contract.tenant, contract.host):
        client.force_login(user)
        assert contract.number in client.get("/contracts/").content.decode()


def test_a_tenant_whose_identity_is_not_checked_is_asked_to_verify_before_signing(client):
    contract = sent_contract()
    IdentityVerification.objects.filter(user=contract.tenant).delete()
    client.force_login(contract.tenant)

    page = client.get(contract.get_absolute_url()).content.decode()
    response = client.post(f"/contracts/{contract.pk}/agree/", follow=True)

    assert "/privacy/me/identity/" in page
    assert "checks your identity" in response.content.decode()
    assert not contract.signing_codes.exists()


def test_mail_subjects_show_titles_as_typed(django_capture_on_commit_callbacks):
    contract = sent_contract(listing=listing_near_station(title='Tom & Jerry\'s "loft"'))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        contract_mail_send(
            to=contract.tenant, template="guide_reminder", context={"contract": contract}
        )

    assert (
        mail.outbox[0].subject == 'Moving in tomorrow: the House Guide of "Tom & Jerry\'s "loft""'
    )


def test_each_party_sees_the_ip_of_their_own_signature_only(client):
    contract = signed_contract()

    client.force_login(contract.tenant)
    tenant_page = client.get(contract.get_absolute_url()).content.decode()
    client.force_login(contract.host)
    host_page = client.get(contract.get_absolute_url()).content.decode()

    assert "203.0.113.9" in tenant_page and "198.51.100.4" not in tenant_page
    assert "198.51.100.4" in host_page and "203.0.113.9" not in host_page
    assert contract.signed_sha256 in tenant_page and contract.signed_sha256 in host_page


def test_the_host_commission_is_not_in_what_the_tenant_reads(client):
    CommissionRate.objects.create(tenant_percent=5, host_percent=10, effective_from=timezone.now())
    contract = sent_contract()
    client.force_login(contract.tenant)

    page = client.get(contract.get_absolute_url()).content.decode()

    assert "commission on the tenant (5.00%)" in page
    assert "on the host" not in page and "on the host" not in contract.terms_text


def test_contact_details_in_a_decline_reason_are_masked_in_the_mail_too(
    django_capture_on_commit_callbacks,
):
    contract = sent_contract()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        contract_decline(
            contract=contract, by=contract.tenant, reason="Call me: 090-1111-2222, a@example.org"
        )

    [declined] = [m for m in mail.outbox if contract.host.email in m.to]
    assert "090-1111-2222" not in declined.body and "a@example.org" not in declined.body


def test_a_contract_cannot_be_signed_after_its_move_in_day():
    contract = sent_contract()
    code = code_for(contract)
    Contract.objects.filter(pk=contract.pk).update(start_date=days(-1))
    contract.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        contract_sign(contract=contract, user=contract.tenant, code=code)

    assert refused.value.code == "past"


def test_the_contract_page_read_before_signing_shows_the_signature_after(client):
    contract = sent_contract()
    for party in (contract.tenant, contract.host):
        client.force_login(party)
        before = client.get(contract.get_absolute_url()).content.decode()
        assert 'data-testid="signature">—' in before

    contract_sign(
        contract=contract, user=contract.tenant, code=code_for(contract), ip="203.0.113.9"
    )

    contract.refresh_from_db()
    for party in (contract.tenant, contract.host):
        client.force_login(party)
        after = client.get(contract.get_absolute_url()).content.decode()
        assert 'data-testid="signature">—' not in after
        assert ("203.0.113.9" in after) is (party == contract.tenant)
