from decimal import Decimal

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.formatting import (
    MINUS,
    NBSP,
    decimals_of,
    format_exact_tkr,
    format_number,
    format_tkr,
    normalise_spaces,
)
from tertial.core.money import round_half_up


def test_tkr_uses_no_break_space_and_real_minus():
    assert format_tkr(Decimal("8486300")) == f"8{NBSP}486"
    assert format_tkr(Decimal("-1030400")) == f"{MINUS}1{NBSP}030"
    assert format_tkr(Decimal("0")) == "0"


def test_not_existing_amount_is_a_dash_and_missing_value_is_iu():
    assert format_tkr(None) == "-"
    assert format_number(None) == "I.U."


def test_percent_and_decimals():
    assert format_number(Decimal("0.91"), 2) == "0,91"
    assert format_number(Decimal("166760")) == f"166{NBSP}760"


def test_decimals_as_written():
    assert decimals_of(Decimal("0.91")) == 2
    assert decimals_of(Decimal("99")) == 0
    assert decimals_of(Decimal("6.0")) == 1


def test_normalise_spaces_for_comparison_with_typed_text():
    assert normalise_spaces(format_tkr(Decimal("-1030400"))) == "-1 030"


def babel_sv(value: Decimal, decimals: int) -> str:
    """The sv_SE format as Babel writes it from CLDR, with our separators and minus sign."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(round_half_up(value, decimals), format=pattern, locale="sv_SE")
    return text.replace("-", MINUS).replace("\u202f", NBSP)


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_format_equals_babel_sv_se(value, decimals):
    if round_half_up(value, decimals) == 0:
        value = abs(value)  # Babel writes "−0" for a small negative amount; we write "0"
    assert format_number(value, decimals) == babel_sv(value, decimals)


def test_small_negative_amount_is_zero_without_sign():
    assert format_tkr(Decimal("-400")) == "0"


def test_an_exact_amount_reads_back_as_typed_in_tkr():
    assert format_exact_tkr(Decimal("-1030500")) == "\u22121\u00a0030,5 tkr"
    assert format_exact_tkr(Decimal("2600000.00")) == "2\u00a0600 tkr"
    assert format_exact_tkr(Decimal("1")) == "0,001 tkr"
