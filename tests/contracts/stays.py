"""Arrangements for tests of signed contracts: dates moved, payments marked paid."""

import datetime
import time

from django.utils import timezone

from contracts.models import Contract, Payment
from listings.pricing import stay_end
from tests.listings.builders import days


def first_of_month_after(n_days: int) -> datetime.date:
    """The first day of the first month that starts at least `n_days` from today."""
    day = days(n_days)
    if day.day == 1:
        return day
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def stay_moved(contract: Contract, *, move_in: datetime.date) -> Contract:
    """The same stay as if it had been signed for `move_in` (e.g. one already under way)."""
    move_out = stay_end(move_in, contract.months) + datetime.timedelta(days=1)
    Contract.objects.filter(pk=contract.pk).update(start_date=move_in, end_date=move_out)
    contract.refresh_from_db()
    return contract


def stay_ended(contract: Contract, *, days_ago: int) -> Contract:
    """The stay's move-out day was `days_ago` days ago."""
    move_out = days(-days_ago)
    Contract.objects.filter(pk=contract.pk).update(
        start_date=move_out - datetime.timedelta(days=30), end_date=move_out
    )
    contract.refresh_from_db()
    return contract


def paid(payment: Payment) -> Payment:
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.PAID, paid_at=timezone.now(), method=Payment.Method.BANK_TRANSFER
    )
    payment.refresh_from_db()
    return payment


def mail_about(sink, to: str, subject_words: str, *, timeout: float = 30.0):
    """The first mail to `to` whose subject holds `subject_words`, waiting for the worker."""
    deadline = time.monotonic() + timeout
    count = 1
    while True:
        found = sink.wait_for(to, count=count, timeout=max(deadline - time.monotonic(), 0.1))
        matching = [m for m in found if subject_words in m["Subject"]]
        if matching:
            return matching[0]
        count = len(found) + 1
