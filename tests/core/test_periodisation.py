from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.periodisation import (
    PeriodisationError,
    custom_key,
    periodise,
    previous_year_key,
    twelfths,
)

amounts = st.decimals(min_value=-(10**10), max_value=10**10, places=2, allow_nan=False)
weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False), min_size=12, max_size=12
).filter(lambda ws: sum(ws) > 0)


def test_twelfths_spread_remainders_to_the_earliest_months():
    parts = periodise(D("100.00"), twelfths())
    assert parts == [D("8.34")] * 4 + [D("8.33")] * 8
    assert sum(parts) == D("100.00")


def test_negative_year_figure_mirrors_positive():
    assert periodise(D("-100.00"), twelfths()) == [-p for p in periodise(D("100.00"), twelfths())]


def test_custom_key_follows_weights_and_zero_months_stay_zero():
    key = custom_key([1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1])  # nothing budgeted in July
    parts = periodise(D("1100000"), key)
    assert parts[6] == 0
    assert parts[0] == D("100000.00")
    assert sum(parts) == D("1100000")


def test_previous_year_profile_in_either_sign():
    revenues_2019 = [D("-100")] * 6 + [D("-50")] + [D("-100")] * 5  # credits, July low
    parts = periodise(D("-230000.00"), previous_year_key(revenues_2019))
    assert parts[6] == D("-10000.00") and parts[0] == D("-20000.00")
    assert sum(parts) == D("-230000.00")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: custom_key([1] * 11), "needs 12 monthly weights"),
        (lambda: custom_key([1] * 11 + [-1]), "must not be negative (month 12)"),
        (lambda: custom_key([0] * 12), "add up to zero"),
        (lambda: custom_key(["x"] * 12), "not a number"),
        (lambda: previous_year_key([None] * 12), "has no amounts"),
        (lambda: previous_year_key([D("10")] * 11 + [D("-5")]), "month 12 has the opposite sign"),
        (lambda: previous_year_key([D("1")] * 8), "needs 12 months"),
    ],
)
def test_bad_keys_are_refused(make, message):
    with pytest.raises(PeriodisationError) as info:
        make()
    assert message in str(info.value)


def test_more_decimals_than_the_ore_are_refused():
    with pytest.raises(PeriodisationError, match="more decimals"):
        periodise(D("1.005"), twelfths())


@given(amounts, weights)
def test_parts_always_sum_exactly_and_follow_the_key(amount, ws):
    key = custom_key(ws)
    parts = periodise(amount, key)
    assert len(parts) == 12
    assert sum(parts) == amount
    total = sum(ws)
    for part, w in zip(parts, ws, strict=True):
        exact = amount * w / total
        assert abs(part - exact) < D("0.01")  # each month within one öre of its exact share
        assert part == part.quantize(D("0.01"))
        if w == 0:
            assert part == 0


@given(amounts, weights)
def test_deterministic(amount, ws):
    assert periodise(amount, custom_key(ws)) == periodise(amount, custom_key(list(ws)))
