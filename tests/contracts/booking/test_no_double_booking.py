"""Two signed contracts for one listing never cover the same night: the database refuses it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from contracts.booking.services import contract_sign
from contracts.models import Contract
from tests.contracts.builders import code_for, sent_contract, signed_contract
from tests.races import race


def overlapping_sent_pair():
    """Two tenants holding sent contracts for overlapping dates on one listing.

    The service refuses to send the second while the first holds the dates, so the
    first's hold is lifted for a moment, as if a host re-sent after an expiry race.
    """
    first = sent_contract(months=3)
    Contract.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    second = sent_contract(
        listing=first.listing, move_in=first.start_date + datetime.timedelta(days=20)
    )
    Contract.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    first.refresh_from_db()
    return first, second


@pytest.mark.django_db
def test_the_database_refuses_a_second_signed_contract_over_the_same_nights():
    first, second = overlapping_sent_pair()
    contract_sign(contract=first, user=first.tenant, code=code_for(first))

    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=second.pk).update(
            status="signed", signed_at=timezone.now(), signed_sha256="x" * 64
        )


@pytest.mark.django_db
def test_signing_over_taken_dates_gives_a_clear_message_and_leaves_the_contract_unsigned():
    first, second = overlapping_sent_pair()
    contract_sign(contract=first, user=first.tenant, code=code_for(first))

    with pytest.raises(ValidationError) as refused:
        contract_sign(contract=second, user=second.tenant, code=code_for(second))

    second.refresh_from_db()
    assert refused.value.code == "dates_taken"
    assert second.status == "sent"
    assert not second.payments.exists()


@pytest.mark.django_db
def test_a_stay_may_begin_on_the_day_the_previous_one_moves_out():
    first = signed_contract(months=2)

    following = signed_contract(listing=first.listing, move_in=first.end_date)

    assert following.status == "signed"


@pytest.mark.django_db
def test_cancelled_contracts_do_not_hold_dates_in_the_database():
    first, second = overlapping_sent_pair()
    contract_sign(contract=first, user=first.tenant, code=code_for(first))
    Contract.objects.filter(pk=first.pk).update(status="cancelled")

    contract_sign(contract=second, user=second.tenant, code=code_for(second))

    second.refresh_from_db()
    assert second.status == "signed"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_contracts_signed_at_the_same_moment_give_one_signature():
    assert connection.vendor == "postgresql"
    first, second = overlapping_sent_pair()
    codes = {first.pk: code_for(first), second.pk: code_for(second)}

    def sign(contract):
        try:
            contract_sign(contract=contract, user=contract.tenant, code=codes[contract.pk])
            return "signed"
        except ValidationError as error:
            return error.code

    outcomes = dict(zip(codes, race(lambda: sign(first), lambda: sign(second)), strict=True))

    assert sorted(outcomes.values()) == ["dates_taken", "signed"]
    assert Contract.objects.filter(listing=first.listing, status="signed").count() == 1
