from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.conventions import (
    Conventions,
    ConventionsError,
    DeviationFormula,
    conventions_from_settings,
)
from tertial.core.economy import (
    Gross,
    deviation,
    gross_from_sums,
    gross_of,
    net_result,
    percent_of,
)
from tertial.core.formatting import format_tkr
from tertial.core.money import exact_sum, to_tkr

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
kinds = st.sampled_from(["revenue", "cost", "financial"])


def test_net_result_is_revenues_minus_costs():
    # costs debit (+), revenues credit (−): 1 000 of costs, 1 200 of revenues → surplus 200
    assert net_result([D("1000.00"), D("-1200.00")]) == D("200.00")
    assert net_result(D("-5")) == D("5")
    assert net_result([]) == 0


def test_gross_places_each_kind():
    assert gross_of("revenue", D("-300")) == Gross(revenues=D("300"))
    assert gross_of("revenue", D("20")) == Gross(revenues=D("-20"))  # a debit reduces revenue
    assert gross_of("cost", D("500")) == Gross(costs=D("500"))
    assert gross_of("financial", D("7")) == Gross(costs=D("7"))
    assert gross_of("financial", D("-7")) == Gross(revenues=D("7"))
    with pytest.raises(ValueError, match="unknown account class kind"):
        gross_of("other", D("1"))


def test_financial_items_split_by_each_amounts_sign():
    assert gross_from_sums("financial", D("10"), D("-4")) == Gross(revenues=D("4"), costs=D("10"))
    assert gross_from_sums("cost", D("10"), D("-4")) == Gross(costs=D("6"))


@given(st.lists(st.tuples(kinds, amounts), max_size=30))
def test_gross_amounts_net_to_net_result(pairs):
    split = sum((gross_of(kind, amount) for kind, amount in pairs), Gross())
    assert split.net == net_result([a for _, a in pairs])


def test_deviation_and_percent():
    assert deviation(D("8486"), D("1613")) == D("6873")
    assert deviation(None, D("5")) == D("-5")
    assert deviation(None, None) is None
    assert percent_of(D("5"), D("-50")) == D("10")
    assert percent_of(D("5"), D("0")) is None


def test_sum_rounded_from_exact_amounts_not_from_rounded_rows():
    # the reference: deviations whose printed rows add to 6 873 but whose Summa prints 6 874
    rows = [
        D("-272000"),
        D("-38000"),
        D("-585400"),
        D("108450"),
        D("2532000"),
        D("127000"),
        D("-1030000"),
        D("6031450"),
    ]
    assert sum(to_tkr(r) for r in rows) == 6873
    assert format_tkr(exact_sum(rows)) == "6\u00a0874"


@given(st.lists(amounts, min_size=1, max_size=40))
def test_rounded_sum_is_within_half_a_tkr_per_row(rows):
    printed_rows = sum(to_tkr(r) for r in rows)
    printed_sum = to_tkr(exact_sum(rows))
    assert abs(printed_sum - printed_rows) <= (len(rows) + 1) / 2
    assert abs(D(printed_sum) * 1000 - exact_sum(rows)) <= 500


def test_default_conventions_are_the_references():
    c = conventions_from_settings({})
    assert c == Conventions()
    assert c.operating_deviation.note() == "Avvikelse = redovisat \u2212 budget"
    assert c.forecast_deviation.note() == "Avvikelse = prognos \u2212 budget"
    assert c.of_which_deviation.apply({"forecast": D("297560"), "budget": D("294028")}) == D("3532")
    assert c.investment_deviation.note() == "Avvikelse = prognos \u2212 investeringsram"
    assert c.investment_deviation.apply({"forecast": D("60000"), "frame": D("45000")}) == D("15000")
    assert c.forecast_comment_threshold_kr == D("500000")


def test_settings_override_formulas_and_thresholds():
    c = conventions_from_settings(
        {
            "operating_deviation": "budget − actual",
            "forecast_comment_threshold_kr": 250000,
            "partly_met_threshold": 0.75,
            "report": {"sections": []},
        }
    )
    assert c.operating_deviation == DeviationFormula("budget", "actual")
    assert c.operating_deviation.apply({"actual": D("10"), "budget": D("4")}) == D("-6")
    assert c.operating_deviation.note({"budget": "budget", "actual": "utfall"}) == (
        "Avvikelse = budget \u2212 utfall"
    )
    assert c.forecast_comment_threshold_kr == D("250000")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"forecast_threshold": 1}, "okända inställningar forecast_threshold"),
        ({"operating_deviation": "actual - forecast"}, "är ingen formel här"),
        ({"operating_deviation": "actual + budget"}, "är ingen formel här"),
        ({"investment_deviation": 3}, "skriv formeln som text"),
        ({"forecast_comment_threshold_kr": "much"}, "är inget tal"),
        ({"forecast_comment_threshold_kr": "NaN"}, "är inget tal"),
        ({"forecast_comment_threshold_kr": True}, "är inget tal"),
        ({"forecast_comment_threshold_kr": -1}, "får inte vara negativ"),
        ({"forecast_comment_threshold_kr": 10, 3: "x"}, "okända inställningar 3;"),
    ],
)
def test_bad_settings_are_refused_clearly(settings, message):
    with pytest.raises(ConventionsError) as info:
        conventions_from_settings(settings)
    assert message in str(info.value)
