from decimal import Decimal

import pytest

from tertial.core.targets import (
    ABOVE,
    AT_LEAST,
    AT_MOST,
    BELOW,
    EQUAL,
    TargetFormatError,
    is_zero_result,
    parse_target,
)


@pytest.mark.parametrize(
    ("text", "direction", "comparator", "value", "is_percent"),
    [
        ("90 %", "higher", AT_LEAST, "90", True),
        ("90 %", "lower", AT_MOST, "90", True),
        ("<5 %", "lower", BELOW, "5", True),
        ("> 3", "higher", ABOVE, "3", False),
        ("≥ 3,5", "higher", AT_LEAST, "3.5", False),
        ("≤3,5", "higher", AT_MOST, "3.5", False),
        ("3,5", "lower", AT_MOST, "3.5", False),
        ("65 000", "higher", AT_LEAST, "65000", False),
        ("minst 80", "lower", AT_LEAST, "80", False),
        ("högst 2,0", "higher", AT_MOST, "2.0", False),
        ("= 4", "higher", EQUAL, "4", False),
        ("4", "band", EQUAL, "4", False),
    ],
)
def test_parse_target(text, direction, comparator, value, is_percent):
    target = parse_target(text, direction)
    assert target.comparator == comparator
    assert target.value == Decimal(value)
    assert target.is_percent is is_percent
    assert target.text == text
    assert not target.zero_result


@pytest.mark.parametrize(
    "text", ["Nollresultat", "Noll-resultat", "noll resultat", " Noll -\nresultat "]
)
def test_zero_result(text):
    target = parse_target(text)
    assert (target.comparator, target.value, target.zero_result) == (EQUAL, 0, True)
    assert target.tolerance is None
    assert is_zero_result(text)


def test_band_with_tolerance_is_not_the_zero_result_rule():
    target = parse_target("0 ± 500")
    assert (target.comparator, target.value, target.tolerance) == (EQUAL, 0, 500)
    assert not target.zero_result


@pytest.mark.parametrize("text", ["", "-", "–", "  "])
def test_no_target(text):
    assert parse_target(text) is None


@pytest.mark.parametrize("text", ["bra", "90 procent", "< fem", "1,2,3 %", "5 ± x"])
def test_unreadable_target_is_refused_with_the_text(text):
    with pytest.raises(TargetFormatError, match="målvärdet"):
        parse_target(text)


def test_unknown_direction():
    with pytest.raises(TargetFormatError, match="riktning"):
        parse_target("5", "sideways")
