"""Signing codes and reservation requests past their limits.

A new code waits a minute after the last and a contract gets a few an hour and a day;
each code takes five tries, so a stolen session's guesses stay bounded. These are
counted from the codes' rows, so they hold with the cache down too.
"""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from contracts.booking.services import CODE_ATTEMPTS, contract_sign
from contracts.models import ReservationRequest, SigningCode
from kaguaruoo.ratelimit import RateLimited, limit_hit, limit_windows
from tests.accounts.factories import UserFactory
from tests.contracts.booking.test_reservations import apply
from tests.contracts.builders import code_for, codes_age, listing_near_station, sent_contract
from tests.kaguaruoo.test_ratelimit import limits_unreachable  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_second_code_within_a_minute_is_refused_with_the_429_page(client):
    contract = sent_contract()
    client.force_login(contract.tenant)
    assert client.post(f"/contracts/{contract.pk}/agree/").status_code == 302

    response = client.post(
        f"/contracts/{contract.pk}/agree/",
        HTTP_REFERER=f"http://testserver/contracts/{contract.pk}/",
    )

    page = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "We sent you a code less than a minute ago" in page
    assert f'href="http://testserver/contracts/{contract.pk}/"' in page
    assert SigningCode.objects.filter(contract=contract).count() == 1


def test_a_contract_gets_a_few_codes_an_hour(settings):
    contract = sent_contract()
    for _ in range(settings.SIGNING_CODES_PER_HOUR):
        code_for(contract)
        codes_age(contract, seconds=61)

    with pytest.raises(RateLimited) as refused:
        code_for(contract)

    assert refused.value.retry_after > 3600 - 6 * 61
    assert SigningCode.objects.filter(contract=contract).count() == settings.SIGNING_CODES_PER_HOUR


def test_a_stolen_session_gets_a_bounded_number_of_guesses_a_day():
    contract = sent_contract()
    guesses = 0
    with pytest.raises(RateLimited):
        for _ in range(100):
            code_for(contract)
            for _attempt in range(CODE_ATTEMPTS + 1):
                with pytest.raises(ValidationError):
                    contract_sign(contract=contract, user=contract.tenant, code="999999")
                guesses += 1
            codes_age(contract, seconds=3600 // settings.SIGNING_CODES_PER_HOUR + 1)

    tried = sum(SigningCode.objects.filter(contract=contract).values_list("attempts", flat=True))
    assert tried == settings.SIGNING_CODES_PER_DAY * CODE_ATTEMPTS
    assert contract.signing_codes.count() == settings.SIGNING_CODES_PER_DAY


def test_the_code_limit_holds_while_the_limits_cache_is_unreachable(limits_unreachable):  # noqa: F811
    contract = sent_contract()
    code_for(contract)

    with pytest.raises(RateLimited):
        code_for(contract)


def test_a_reservation_request_past_the_limit_keeps_its_message_with_429(client):
    tenant = UserFactory()
    listing = listing_near_station()
    client.force_login(tenant)
    for _ in range(limit_windows("reservation")[0].count):
        limit_hit(name="reservation", who=f"user:{tenant.pk}")

    response = apply(client, listing, message="We are two, moving for work.", agree="on")

    page = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "You did this too many times in a short while" in page
    assert "We are two, moving for work.</textarea>" in page
    assert not ReservationRequest.objects.exists()
