from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.money import ONE_THOUSAND, exact_sum, round_half_up, to_decimal, to_tkr


@pytest.mark.parametrize(
    ("kronor", "tkr"),
    [
        ("8486300", 8486),
        ("499.99", 0),
        ("500", 1),
        ("-500", -1),  # half away from zero, also below zero
        ("-499.99", 0),
        ("-1030400", -1030),
        ("1612700", 1613),
    ],
)
def test_to_tkr_rounds_half_away_from_zero(kronor, tkr):
    assert to_tkr(Decimal(kronor)) == tkr


def test_sum_is_rounded_from_exact_amounts_not_from_rounded_rows():
    # The reference's Avvikelse column: rows print as they round, the sum is rounded from the
    # exact sum, so the printed Summa (6 874) differs by one from the printed rows (6 873).
    rows = [
        Decimal("-272100"),
        Decimal("-38200"),
        Decimal("-585250"),
        Decimal("108400"),
        Decimal("2532300"),
        Decimal("127300"),
        Decimal("-1030200"),
        Decimal("6031450"),
    ]
    assert sum(to_tkr(r) for r in rows) == 6873
    assert to_tkr(exact_sum(rows)) == 6874


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_decimal(0.1)


def test_exact_sum_skips_missing_values():
    assert exact_sum([Decimal("1.10"), None, Decimal("2.20")]) == Decimal("3.30")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_round_trip_of_whole_tkr(amount):
    rounded = to_tkr(amount)
    assert abs(rounded * ONE_THOUSAND - amount) <= Decimal("500")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3))
def test_round_half_up_is_symmetric(value):
    assert round_half_up(-value, 2) == -round_half_up(value, 2)
