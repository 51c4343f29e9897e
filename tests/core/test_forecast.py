from decimal import Decimal as D

from tertial.core.forecast import (
    LAST_YEAR_PROFILE,
    LAST_YEAR_ZERO,
    NO_ROWS_LAST_YEAR,
    REMAINING_BUDGET,
    SHARE_NEAR_ZERO,
    Accuracy,
    last_year_profile,
    remaining_budget,
)


def test_remaining_budget_adds_budget_of_later_months():
    budget = {m: D("100") for m in range(1, 13)}
    p = remaining_budget(D("7190000"), budget, 8)
    assert p.method == REMAINING_BUDGET
    assert p.net_result == D("7190400")


def test_last_year_profile_scales_by_share_of_same_months():
    # LKDATA: 12 976 tkr of 15 362 tkr came in January–August 2019
    last_year = {m: D("1622000") for m in range(1, 9)} | {m: D("596500") for m in range(9, 13)}
    p = last_year_profile(D("7190000"), last_year, 8)
    assert p.method == LAST_YEAR_PROFILE
    assert p.share == D("12976000") / D("15362000")
    assert p.net_result == D("8512082.31")  # 7 190 000 × 15 362 / 12 976, to the öre


def test_last_year_profile_undefined_with_reason():
    assert last_year_profile(D("1"), {}, 8).reason == NO_ROWS_LAST_YEAR
    assert last_year_profile(D("1"), {1: D("5"), 2: D("-5")}, 8).reason == LAST_YEAR_ZERO
    crossing = last_year_profile(D("1"), {1: D("-100"), 9: D("200")}, 8)
    assert crossing.net_result is None and crossing.reason == SHARE_NEAR_ZERO
    tiny = last_year_profile(D("1"), {1: D("1"), 9: D("199")}, 8)
    assert tiny.reason == SHARE_NEAR_ZERO and tiny.share == D("0.005")


def test_accuracy_difference_and_percent():
    a = Accuracy(forecast=D("2600000"), closed=D("2000000"))
    assert a.difference == D("600000")
    assert a.percent == D("30")
    assert Accuracy(D("5"), D("0")).percent is None
    assert Accuracy(D("-90"), D("-100")).percent == D("10")
