from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.numbers import (
    LARGEST_AMOUNT,
    VALUE_DIGITS,
    NumberFormatError,
    parse_decimal,
    storage_problem,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("\u22121 030", "-1030"),
        ("1030-", "-1030"),
        ("1 234,50-", "-1234.50"),
        ("(1 030)", "-1030"),
        ("0,91", "0.91"),
        ("1.234.567", "1234567"),
        ("+5", "5"),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["12,3,4", "1.2.3,4", "1,23,4", "abc", "", "  ", "1 2a", "--5", "5e3"]
)
def test_malformed_numbers_are_refused(text):
    with pytest.raises(NumberFormatError):
        parse_decimal(text)


def test_forced_decimal_separator():
    assert parse_decimal("1,234", decimal_separator=".") == Decimal("1234")
    assert parse_decimal("1.234", decimal_separator=",") == Decimal("1234")


def _swedish(value: Decimal, grouped: bool) -> str:
    sign = "-" if value < 0 else ""
    integer, _, fraction = f"{abs(value):.2f}".partition(".")
    if grouped:
        integer = f"{int(integer):,}".replace(",", " ")
    return f"{sign}{integer},{fraction}"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2), st.booleans())
def test_swedish_round_trip(value, grouped):
    assert parse_decimal(_swedish(value, grouped)) == value


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_trailing_minus_round_trip(value):
    text = f"{abs(value):.2f}".replace(".", ",") + ("-" if value < 0 else "")
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["1 23,00", "1234 567", "12 34", "1 2345,00", "1\u00a023"])
def test_spaces_group_thousands_only_in_threes(text):
    with pytest.raises(NumberFormatError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,50", "1234.50"),
        ("- 1 030", "-1030"),
        ("(1 234 567)", "-1234567"),
        ("12 345-", "-12345"),
    ],
)
def test_spaces_grouping_in_threes_still_read(text, value):
    assert parse_decimal(text) == Decimal(value)


def test_the_largest_amount_both_databases_keep_is_to_the_ore_below_ten_trillion():
    assert storage_problem(LARGEST_AMOUNT) is None
    assert storage_problem(-LARGEST_AMOUNT) is None
    assert storage_problem(LARGEST_AMOUNT + Decimal("0.01")) == "large"
    assert storage_problem(Decimal("1.005")) == "decimals"
    assert storage_problem(Decimal("2.50")) is None


def test_indicator_values_keep_fifteen_significant_digits():
    assert storage_problem(Decimal("5000000000.5"), VALUE_DIGITS) is None
    assert storage_problem(Decimal("123456789.123456"), VALUE_DIGITS) is None
    assert storage_problem(Decimal("1234567890.123456"), VALUE_DIGITS) == "large"
    assert storage_problem(Decimal("1E+14"), VALUE_DIGITS) == "large"
    assert storage_problem(Decimal("0.0000001"), VALUE_DIGITS) == "decimals"
