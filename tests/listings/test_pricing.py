import datetime

import pytest

from listings.pricing import add_months, stay_cost, stay_end

D = datetime.date


def test_a_stay_from_the_first_of_a_month_is_charged_in_whole_months():
    cost = stay_cost(rent=100_000, monthly_fee=10_000, move_in=D(2027, 4, 1), months=3)

    assert cost.move_out == D(2027, 7, 1)
    assert [m.days for m in cost.monthly] == [30, 31, 30]
    assert not cost.has_partial_month
    assert cost.rent_total == 300_000
    assert cost.fee_total == 30_000


def test_a_mid_month_move_in_charges_the_partial_calendar_months_by_the_day():
    cost = stay_cost(rent=93_000, monthly_fee=0, move_in=D(2027, 1, 15), months=2)

    # 15 Jan - 14 Mar: 17/31 of January, all of February, 14/31 of March.
    assert [(m.month, m.days, m.days_in_month) for m in cost.monthly] == [
        (1, 17, 31),
        (2, 28, 28),
        (3, 14, 31),
    ]
    assert [m.rent for m in cost.monthly] == [93_000 * 17 // 31, 93_000, 93_000 * 14 // 31]
    assert cost.has_partial_month


def test_one_time_fees_are_in_the_total_and_the_deposit_is_not():
    cost = stay_cost(
        rent=100_000,
        monthly_fee=0,
        move_in=D(2027, 4, 1),
        months=1,
        cleaning_fee=20_000,
        linen_fee=5_000,
        key_money=30_000,
        deposit=100_000,
    )

    assert cost.total == 155_000
    assert cost.deposit == 100_000


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 27)),
        (D(2027, 1, 15), 1, D(2027, 2, 14)),
        (D(2027, 11, 10), 3, D(2028, 2, 9)),
        (D(2028, 2, 29), 12, D(2029, 2, 27)),
    ],
)
def test_a_stay_ends_the_day_before_the_same_day_comes_round(start, months, end):
    assert stay_end(start, months) == end


def test_adding_months_keeps_the_day_or_moves_to_the_months_last_day():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 12, 5), 1) == D(2028, 1, 5)
