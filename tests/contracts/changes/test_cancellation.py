"""Cancelling a signed contract: the policy decides the charge, what was paid is set against it.

The stays here start on the 1st of a month, rent ¥100,000 + fee ¥10,000 a month,
cleaning ¥20,000 once and a deposit of ¥50,000: "one month" is ¥110,000.
"""

import calendar
import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.changes import services as changes
from contracts.changes.views import contract_section
from contracts.models import CommissionRate, Contract, ContractEvent, ExtensionRequest, Payment
from listings.pricing import add_months
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, sent_contract, signed_contract
from tests.contracts.stays import (
    first_of_month_after,
    mail_about,
    paid,
    stay_ended,
    stay_moved,
)
from tests.listings.builders import days

pytestmark = pytest.mark.django_db

ONE_MONTH = 110_000
FIRST_PAYMENT = ONE_MONTH + 20_000 + 50_000  # the first month, cleaning and the deposit


def contract_with(policy, *, months=3, move_in=None):
    listing = listing_near_station(cancellation_policy=policy, deposit=50_000)
    return signed_contract(
        listing=listing, move_in=move_in or first_of_month_after(70), months=months
    )


def quote(contract, *, days_before=None, on=None, by=None):
    on = on or contract.start_date - datetime.timedelta(days=days_before)
    return changes.cancellation_quote(contract=contract, by=by or contract.tenant, on=on)


@pytest.mark.parametrize(
    ("policy", "days_before", "charge"),
    [
        ("flexible", 60, 0),
        ("flexible", 14, 0),
        ("flexible", 13, ONE_MONTH),
        ("flexible", 1, ONE_MONTH),
        ("moderate", 60, 0),
        ("moderate", 30, 0),
        ("moderate", 29, ONE_MONTH),
        ("strict", 60, ONE_MONTH),
        ("strict", 1, ONE_MONTH),
    ],
)
def test_before_move_in_the_policy_decides_between_free_and_one_month(policy, days_before, charge):
    contract = contract_with(policy)

    result = quote(contract, days_before=days_before)

    assert result.charge == charge
    assert result.due == charge  # nothing paid yet
    assert result.refund == 0


def test_before_move_in_the_one_time_fees_and_the_deposit_come_back():
    contract = contract_with("moderate")
    paid(contract.payments.get(sequence=1))

    result = quote(contract, days_before=20)

    assert result.paid == FIRST_PAYMENT
    assert result.charge == ONE_MONTH
    assert result.refund == 20_000 + 50_000
    assert result.due == 0
    assert "deposit is refunded" in result.explanation


@pytest.mark.parametrize("policy", ["flexible", "moderate", "strict"])
def test_after_move_in_the_nights_until_thirty_days_after_cancelling_are_due(policy):
    contract = contract_with(policy)
    second_month = add_months(contract.start_date, 1)
    days_in_first = (second_month - contract.start_date).days
    days_in_second = calendar.monthrange(second_month.year, second_month.month)[1]

    result = quote(contract, on=contract.start_date + datetime.timedelta(days=10))

    # Nights from move-in until 40 days later: the first month whole, the rest by the day.
    nights_in_second = 40 - days_in_first
    nights = (
        ONE_MONTH
        + 100_000 * nights_in_second // days_in_second
        + 10_000 * nights_in_second // days_in_second
    )
    assert result.charge == nights + 20_000  # and the cleaning fee, spent at move-in
    assert "after move-in" in result.explanation


def test_after_move_in_at_least_one_month_is_due():
    contract = contract_with("flexible")

    # Cancelling on the move-in day charges 30 nights of notice, less than a 31-day month.
    result = quote(contract, on=contract.start_date)

    assert result.charge >= ONE_MONTH + 20_000


def test_the_charge_never_exceeds_the_stay_total():
    contract = contract_with("strict", months=1)

    result = quote(contract, on=contract.end_date - datetime.timedelta(days=2))

    assert result.charge == contract.total == ONE_MONTH + 20_000


def test_the_tenant_commission_follows_the_charge():
    CommissionRate.objects.create(
        tenant_percent=5, host_percent=10, effective_from=timezone.now() - datetime.timedelta(1)
    )
    contract = contract_with("strict")

    result = quote(contract, days_before=40)

    assert (result.charge_base, result.charge_commission, result.charge) == (
        ONE_MONTH,
        5_500,
        115_500,
    )


def test_the_host_cancelling_refunds_everything_the_tenant_paid(
    django_capture_on_commit_callbacks,
):
    contract = contract_with("strict")
    paid(contract.payments.get(sequence=1))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changes.contract_cancel(contract=contract, by=contract.host, reason="Water damage.")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    assert contract.cancelled_by == contract.host
    assert (contract.cancellation_charge, contract.cancellation_refund) == (0, FIRST_PAYMENT)
    assert not contract.payments.filter(status=Payment.Status.DUE).exists()
    assert not contract.payments.filter(kind=Payment.Kind.CANCELLATION).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [contract.tenant.email, contract.host.email]
    )
    assert all("¥180,000" in m.body for m in mail.outbox)


def test_the_tenant_cancelling_owes_the_rest_within_seven_days():
    CommissionRate.objects.create(
        tenant_percent=5, host_percent=10, effective_from=timezone.now() - datetime.timedelta(1)
    )
    contract = contract_with("strict")
    unpaid = list(contract.payments.values_list("pk", flat=True))

    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")

    contract.refresh_from_db()
    assert contract.cancellation_charge == 115_500
    assert Payment.objects.filter(pk__in=unpaid, status=Payment.Status.CANCELLED).count() == len(
        unpaid
    )
    owed = contract.payments.get(kind=Payment.Kind.CANCELLATION)
    assert owed.status == Payment.Status.DUE
    assert owed.due_date == timezone.localdate() + datetime.timedelta(days=7)
    assert (owed.base, owed.tenant_commission, owed.amount) == (ONE_MONTH, 5_500, 115_500)
    assert (owed.host_commission, owed.host_payout) == (11_000, 99_000)
    event = contract.events.last()
    assert event.kind == ContractEvent.Kind.CANCELLED
    assert (event.detail["charge"], event.detail["due"], event.detail["refund"]) == (
        115_500,
        115_500,
        0,
    )
    notice = contract.thread.messages.last().body
    assert "Visa refused." in notice and "¥115,500" in notice


@pytest.mark.integration
def test_the_worker_mails_both_parties_the_cancellation_and_its_amounts(live_worker, smtp_sink):
    contract = contract_with("strict")

    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")

    for party in (contract.tenant, contract.host):
        message = mail_about(smtp_sink, party.email, "is cancelled")
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "Visa refused." in text
        assert "¥110,000" in text
        assert f"/contracts/{contract.pk}/" in text


def test_cancelling_closes_a_waiting_extension_request():
    contract = contract_with("flexible")
    extension = changes.extension_request(contract=contract, by=contract.tenant, months=1)

    changes.contract_cancel(contract=contract, by=contract.host, reason="Sold the flat.")

    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.WITHDRAWN


def test_the_page_shows_the_amounts_before_the_tenant_confirms(client):
    contract = contract_with("strict")
    paid(contract.payments.get(sequence=1))
    client.force_login(contract.tenant)
    url = f"/contracts/{contract.pk}/cancel/"

    page = client.get(url)

    text = page.content.decode()
    assert page.status_code == 200
    assert "¥110,000" in text  # the charge
    assert "¥180,000" in text  # paid so far
    assert "¥70,000" in text  # refunded
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED

    unconfirmed = client.post(url, {"reason": "Plans changed.", "due": 0, "refund": 70_000})

    assert unconfirmed.status_code == 400
    assert "Plans changed." in unconfirmed.content.decode()  # the reason is kept
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED

    done = client.post(
        url, {"reason": "Plans changed.", "confirm": "on", "due": 0, "refund": 70_000}
    )

    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    assert contract.cancellation_refund == 70_000


def test_amounts_that_changed_since_the_page_was_shown_are_not_confirmed(client):
    contract = contract_with("strict")
    client.force_login(contract.tenant)
    shown = {"reason": "Too far from work.", "confirm": "on", "due": ONE_MONTH, "refund": 0}
    paid(contract.payments.get(sequence=1))  # the first payment arrives meanwhile

    response = client.post(f"/contracts/{contract.pk}/cancel/", shown)

    assert response.status_code == 400
    text = response.content.decode()
    assert "The amounts changed" in text
    assert "¥70,000" in text  # the refund now due
    assert "Too far from work." in text
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED


def test_the_contract_page_section_shows_the_quote_to_each_party():
    contract = contract_with("strict")

    tenant_view = contract_section(contract=contract, user=contract.tenant)
    host_view = contract_section(contract=contract, user=contract.host)

    assert "¥110,000" in tenant_view
    assert "Strict" in tenant_view
    assert "the tenant owes nothing" in host_view
    assert f"/contracts/{contract.pk}/cancel/" in tenant_view


def test_after_cancelling_both_parties_see_who_cancelled_and_the_amounts():
    contract = contract_with("strict")
    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")
    contract.refresh_from_db()

    for party in (contract.tenant, contract.host):
        section = contract_section(contract=contract, user=party)
        assert "Visa refused." in section
        assert "¥110,000" in section
        assert f"/contracts/{contract.pk}/cancel/" not in section


def test_a_reason_is_needed():
    contract = contract_with("flexible")

    with pytest.raises(ValidationError):
        changes.contract_cancel(contract=contract, by=contract.tenant, reason=" ")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED


def test_an_unsigned_or_ended_contract_is_not_cancelled_here(client):
    unsigned = sent_contract()
    with pytest.raises(ValidationError):
        changes.contract_cancel(contract=unsigned, by=unsigned.host, reason="No.")
    ended = stay_ended(contract_with("flexible"), days_ago=1)
    with pytest.raises(ValidationError):
        changes.contract_cancel(contract=ended, by=ended.tenant, reason="Late.")
    client.force_login(ended.tenant)

    response = client.get(f"/contracts/{ended.pk}/cancel/")

    assert response["Location"] == f"/contracts/{ended.pk}/"
    [message] = get_messages(response.wsgi_request)
    assert "This stay has ended" in str(message)


def test_a_stay_under_way_is_cancelled_with_thirty_days_notice():
    contract = stay_moved(contract_with("moderate"), move_in=days(-5))

    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Moving in with Yui.")

    contract.refresh_from_db()
    # 35 nights from move-in, more than a month, and the cleaning fee; nothing was paid.
    assert contract.cancellation_charge > ONE_MONTH + 20_000
    owed = contract.payments.get(kind=Payment.Kind.CANCELLATION)
    assert owed.amount == contract.cancellation_charge


# --- Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"), [("stranger", 404), ("anonymous", "login"), ("tenant", 200)]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_cancel_page_answers_only_the_parties(client, who, expected, method):
    contract = contract_with("flexible")
    user = {"tenant": contract.tenant, "stranger": UserFactory()}.get(who)
    if user:
        client.force_login(user)

    response = getattr(client, method)(f"/contracts/{contract.pk}/cancel/")

    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif method == "post" and expected == 200:
        assert response.status_code == 400  # an empty form cancels nothing
    else:
        assert response.status_code == expected
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED


def test_the_signed_text_states_the_cancellation_rules_the_quote_applies():
    contract = signed_contract(listing=listing_near_station(cancellation_policy="strict"))

    assert "Cancelled before move-in: one month's rent and monthly fee is due." in (
        contract.terms_text
    )
    assert "until 30 days after the cancellation day" in contract.terms_text
