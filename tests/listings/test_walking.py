import pytest

from listings.walking import max_distance_for, walk_minutes


@pytest.mark.parametrize(
    ("metres", "minutes"),
    [(1, 1), (79, 1), (80, 1), (81, 2), (160, 2), (161, 3), (799, 10), (800, 10), (801, 11),
     (8000, 100)],
)  # fmt: skip
def test_walk_minutes_rounds_up_every_started_80_metres(metres, minutes):
    assert walk_minutes(metres) == minutes


@pytest.mark.parametrize("metres", [0, -1, -800])
def test_walk_minutes_refuses_distances_of_zero_or_less(metres):
    with pytest.raises(ValueError, match="more than 0 metres"):
        walk_minutes(metres)


def test_walk_minutes_refuses_distances_over_8000_metres():
    with pytest.raises(ValueError, match="at most 8,000 metres"):
        walk_minutes(8001)


@pytest.mark.parametrize("minutes", [1, 5, 10, 11, 30])
def test_max_distance_is_the_longest_walk_that_still_counts_as_those_minutes(minutes):
    limit = max_distance_for(minutes)

    assert walk_minutes(limit) == minutes
    assert walk_minutes(limit + 1) == minutes + 1
