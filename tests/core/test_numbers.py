from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.numbers import NumberFormatError, parse_decimal


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
