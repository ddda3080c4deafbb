"""The tenant asks for more months; the host approves (the contract is amended) or declines."""

import calendar
import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from contracts.booking.services import contract_sign
from contracts.changes import services as changes
from contracts.changes.views import contract_section
from contracts.models import CommissionRate, ContractEvent, ExtensionRequest, Payment
from kaguaruoo.transitions import IllegalTransition
from listings.pricing import add_months, stay_cost
from tests.contracts.builders import code_for, listing_near_station, sent_contract, signed_contract
from tests.contracts.stays import first_of_month_after, stay_ended
from tests.races import race

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def commission(tenant_percent, host_percent):
    CommissionRate.objects.create(
        tenant_percent=tenant_percent,
        host_percent=host_percent,
        effective_from=timezone.now() - ONE_DAY,
    )


def days_in(day: datetime.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def ask(contract, months=1, message=""):
    return changes.extension_request(
        contract=contract, by=contract.tenant, months=months, message=message
    )


def test_approval_moves_the_move_out_day_and_bills_the_added_month_with_commission():
    commission(5, 10)
    move_in = first_of_month_after(20)
    contract = signed_contract(move_in=move_in, months=2)
    tenant_total = contract.tenant_total

    changes.extension_approve(extension=ask(contract), by=contract.host)

    contract.refresh_from_db()
    third_month = add_months(move_in, 2)
    assert contract.end_date == add_months(move_in, 3)
    assert contract.months == 3
    [added] = contract.payments.filter(kind=Payment.Kind.EXTENSION)
    assert (added.period_start, added.period_end) == (third_month, contract.end_date - ONE_DAY)
    assert added.due_date == third_month
    assert (added.rent, added.fees, added.base) == (100_000, 10_000, 110_000)
    assert (added.tenant_commission, added.amount) == (5_500, 115_500)
    assert (added.host_commission, added.host_payout) == (11_000, 99_000)
    assert added.status == Payment.Status.DUE
    assert contract.tenant_total == tenant_total + 115_500


def test_a_month_billed_partly_before_pays_only_the_difference():
    move_in = first_of_month_after(20) + datetime.timedelta(days=14)  # the 15th
    contract = signed_contract(move_in=move_in, months=2)
    last_old_month = add_months(move_in.replace(day=1), 2)
    new_month = add_months(move_in.replace(day=1), 3)

    changes.extension_approve(extension=ask(contract), by=contract.host)

    contract.refresh_from_db()
    difference, new = contract.payments.filter(kind=Payment.Kind.EXTENSION)
    # The old schedule billed the 1st to the 14th of that month; now it is whole.
    assert difference.period_start == last_old_month.replace(day=15)
    assert difference.rent == 100_000 - 100_000 * 14 // days_in(last_old_month)
    assert difference.fees == 10_000 - 10_000 * 14 // days_in(last_old_month)
    assert (new.period_start, new.period_end) == (new_month, new_month.replace(day=14))
    assert new.rent == 100_000 * 14 // days_in(new_month)
    # Old and new rows together bill exactly what a three-month stay costs.
    three_months = stay_cost(rent=100_000, monthly_fee=10_000, move_in=move_in, months=3)
    rows = contract.payments.all()
    assert sum(p.rent for p in rows) == three_months.rent_total
    assert sum(p.fees for p in rows) == three_months.fee_total


def test_both_parties_see_the_extension_history_on_the_contract(client):
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    old_end = contract.end_date
    extension = ask(contract, message="My project runs longer.")
    changes.extension_approve(extension=extension, by=contract.host)
    contract.refresh_from_db()

    for party in (contract.tenant, contract.host):
        section = contract_section(contract=contract, user=party)
        assert "1 more month" in section
        assert "Approved" in section
        assert f"move-out {date_format(old_end)} → {date_format(contract.end_date)}" in section
        assert "My project runs longer." in section
        client.force_login(party)
        page = client.get(f"/contracts/{contract.pk}/extensions/{extension.pk}/")
        assert page.status_code == 200
        assert date_format(contract.end_date) in page.content.decode()
    kinds = list(contract.events.values_list("kind", flat=True))
    assert kinds[-2:] == [
        ContractEvent.Kind.EXTENSION_REQUESTED,
        ContractEvent.Kind.EXTENSION_APPROVED,
    ]
    assert contract.events.last().detail["new_end"] == contract.end_date.isoformat()


def test_the_request_and_the_answer_reach_the_thread_and_the_other_party(
    django_capture_on_commit_callbacks,
):
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        extension = ask(contract, months=2)
    [to_host] = mail.outbox
    assert to_host.to == [contract.host.email]
    assert "2 more months" in to_host.body
    assert f"/contracts/{contract.pk}/extensions/{extension.pk}/" in to_host.body

    with django_capture_on_commit_callbacks(execute=True):
        changes.extension_approve(extension=extension, by=contract.host)
    to_tenant = mail.outbox[-1]
    assert to_tenant.to == [contract.tenant.email]
    assert date_format(extension.new_end_date) in to_tenant.body
    notices = list(contract.thread.messages.values_list("body", flat=True))
    assert any("asks to extend" in text for text in notices)
    assert any("approved the extension" in text for text in notices)


def test_the_host_shown_the_extension_sees_what_it_adds_before_approving(client):
    commission(5, 10)
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = ask(contract)
    client.force_login(contract.host)

    page = client.get(f"/contracts/{contract.pk}/extensions/{extension.pk}/").content.decode()

    assert "¥99,000" in page  # what the host receives for the added month
    assert "Approve the extension" in page


def test_declining_needs_a_reason_and_the_tenant_reads_it(client):
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = ask(contract)
    with pytest.raises(ValidationError):
        changes.extension_decline(extension=extension, by=contract.host, reason="  ")
    client.force_login(contract.host)
    url = f"/contracts/{contract.pk}/extensions/{extension.pk}/decline/"

    refused = client.post(url, {"reason": ""})

    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING

    client.post(url, {"reason": "The owner moves back in."})

    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.DECLINED
    section = contract_section(contract=contract, user=contract.tenant)
    assert "The owner moves back in." in section
    contract.refresh_from_db()
    assert contract.months == 2
    assert not contract.payments.filter(kind=Payment.Kind.EXTENSION).exists()


def test_another_signed_contract_after_the_move_out_refuses_the_extension_at_approval():
    listing = listing_near_station()
    contract = signed_contract(listing=listing, move_in=first_of_month_after(20), months=2)
    extension = ask(contract)
    # Meanwhile the host signs the nights after the move-out day to somebody else.
    signed_contract(listing=listing, move_in=contract.end_date + datetime.timedelta(days=10))

    with pytest.raises(ValidationError) as refused:
        changes.extension_approve(extension=extension, by=contract.host)

    assert refused.value.code == "dates_taken"
    contract.refresh_from_db()
    extension.refresh_from_db()
    assert contract.months == 2
    assert extension.status == ExtensionRequest.Status.PENDING
    assert not contract.payments.filter(kind=Payment.Kind.EXTENSION).exists()


def test_the_approve_button_explains_a_clash_instead_of_failing(client):
    listing = listing_near_station()
    contract = signed_contract(listing=listing, move_in=first_of_month_after(20), months=2)
    extension = ask(contract)
    signed_contract(listing=listing, move_in=contract.end_date)
    client.force_login(contract.host)

    response = client.post(
        f"/contracts/{contract.pk}/extensions/{extension.pk}/approve/", follow=True
    )

    assert response.status_code == 200
    assert "The apartment is booked after your move-out day" in response.content.decode()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_signature_racing_for_the_same_nights_let_exactly_one_win():
    listing = listing_near_station()
    contract = signed_contract(listing=listing, move_in=first_of_month_after(20), months=2)
    extension = ask(contract)
    rival = sent_contract(listing=listing, move_in=contract.end_date)
    code = code_for(rival)

    def outcome(action):
        try:
            action()
            return "done"
        except ValidationError as error:
            return error.code

    approved, signed = race(
        lambda: outcome(lambda: changes.extension_approve(extension=extension, by=contract.host)),
        lambda: outcome(lambda: contract_sign(contract=rival, user=rival.tenant, code=code)),
    )
    outcomes = {"approve": approved, "sign": signed}

    assert sorted(outcomes.values()) == ["dates_taken", "done"]
    contract.refresh_from_db()
    rival.refresh_from_db()
    extended = contract.end_date == extension.new_end_date
    assert extended != (rival.status == "signed")


def test_nights_already_taken_after_the_move_out_refuse_the_request():
    listing = listing_near_station()
    contract = signed_contract(listing=listing, move_in=first_of_month_after(20), months=2)
    signed_contract(listing=listing, move_in=contract.end_date + datetime.timedelta(days=40))

    with pytest.raises(ValidationError) as refused:
        ask(contract, months=2)

    assert refused.value.code == "dates_taken"
    assert ask(contract, months=1).status == ExtensionRequest.Status.PENDING


def test_the_listing_maximum_counts_the_whole_stay(client):
    contract = signed_contract(
        listing=listing_near_station(max_months=3), move_in=first_of_month_after(20), months=2
    )
    client.force_login(contract.tenant)

    response = client.post(f"/contracts/{contract.pk}/extensions/new/", {"months": 2})

    assert response.status_code == 400
    assert "at most 3 months" in response.content.decode()
    assert "at most 1 more" in response.content.decode()
    assert not contract.extensions.exists()
    client.post(f"/contracts/{contract.pk}/extensions/new/", {"months": 1})
    assert contract.extensions.get().months == 1


def test_the_stay_cannot_run_past_the_listing_available_until():
    move_in = first_of_month_after(20)
    listing = listing_near_station(available_until=add_months(move_in, 3))
    contract = signed_contract(listing=listing, move_in=move_in, months=2)

    with pytest.raises(ValidationError) as refused:
        ask(contract, months=2)

    assert refused.value.code == "available_until"
    assert ask(contract, months=1).new_end_date == add_months(move_in, 3)


def test_a_contract_has_one_pending_request_at_a_time():
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    ask(contract)

    with pytest.raises(ValidationError) as refused:
        ask(contract, months=2)

    assert refused.value.code == "duplicate"


def test_only_a_signed_contract_not_yet_ended_can_be_extended():
    unsigned = sent_contract()
    with pytest.raises(ValidationError):
        ask(unsigned)
    ended = stay_ended(signed_contract(), days_ago=1)
    with pytest.raises(ValidationError):
        ask(ended)


def test_the_tenant_withdraws_a_waiting_request_and_the_host_cannot():
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = ask(contract)
    with pytest.raises(IllegalTransition):
        changes.extension_withdraw(extension=extension, by=contract.host)

    changes.extension_withdraw(extension=extension, by=contract.tenant)

    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.WITHDRAWN
    assert contract.events.last().kind == ContractEvent.Kind.EXTENSION_WITHDRAWN
    ask(contract, months=2)  # a new request may follow


def test_only_the_host_approves():
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = ask(contract)

    with pytest.raises(IllegalTransition):
        changes.extension_approve(extension=extension, by=contract.tenant)


def test_an_extension_of_another_contract_is_not_found_through_this_one(client):
    mine = signed_contract(move_in=first_of_month_after(20), months=2)
    theirs = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = ask(theirs)
    client.force_login(mine.host)

    response = client.post(f"/contracts/{mine.pk}/extensions/{extension.pk}/approve/")

    assert response.status_code == 404
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING


def test_approval_is_refused_when_another_tenant_holds_the_nights_since_the_request():
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = ask(contract, months=1)
    sent_contract(listing=contract.listing, move_in=contract.end_date)

    with pytest.raises(ValidationError) as refused:
        changes.extension_approve(extension=extension, by=contract.host)

    contract.refresh_from_db()
    extension.refresh_from_db()
    assert refused.value.code == "dates_taken"
    assert extension.status == ExtensionRequest.Status.PENDING
    assert contract.months == 2


def test_the_contract_page_says_the_signed_terms_were_extended_since(client):
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    changes.extension_approve(extension=ask(contract, months=1), by=contract.host)
    contract.refresh_from_db()
    client.force_login(contract.tenant)

    page = client.get(contract.get_absolute_url()).content.decode()

    assert "Extended since signing: the stay now lasts 3 months" in page
    assert date_format(contract.end_date) in page


def test_the_extension_form_offers_only_the_months_the_listing_and_the_next_stay_leave(client):
    listing = listing_near_station(max_months=6)
    contract = signed_contract(listing=listing, move_in=first_of_month_after(20), months=2)
    signed_contract(listing=listing, move_in=contract.end_date + datetime.timedelta(days=70))
    client.force_login(contract.tenant)

    page = client.get(f"/contracts/{contract.pk}/extensions/new/").content.decode()

    offered = re.findall(r'<option value="(\d+)"', page)
    assert offered == ["1", "2"]


def test_a_stay_with_no_room_after_it_is_not_offered_an_extension(client):
    listing = listing_near_station()
    contract = signed_contract(listing=listing, move_in=first_of_month_after(20), months=2)
    signed_contract(listing=listing, move_in=contract.end_date)
    client.force_login(contract.tenant)

    page = client.get(contract.get_absolute_url()).content.decode()
    response = client.get(f"/contracts/{contract.pk}/extensions/new/", follow=True)

    assert "Ask to stay longer" not in page
    assert "This stay cannot be extended: the apartment is not free longer." in page
    assert "This stay cannot be extended" in response.content.decode()
    assert 'name="months"' not in response.content.decode()
