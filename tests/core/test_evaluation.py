from decimal import Decimal as D

import pytest

from tertial.core.evaluation import (
    MET,
    NO_DATA,
    NOT_ASSESSABLE,
    NOT_MET,
    PARTLY_MET,
    AssessmentRule,
    SettingsError,
    Target,
    goal_settings,
    propose,
    split_unit,
    status,
    validate_value,
)
from tertial.core.targets import ABOVE, AT_LEAST, AT_MOST, BELOW, EQUAL, parse_target


def target(text, direction="higher"):
    parsed = parse_target(text, direction)
    return Target(parsed.comparator, parsed.value, parsed.tolerance, parsed.zero_result)


@pytest.mark.parametrize(
    ("value", "text", "direction", "expected"),
    [
        # the reference's indicators, August 2020
        ("91", "92 %", "higher", PARTLY_MET),  # Svarsservice
        ("5.2", "<5 %", "lower", PARTLY_MET),  # tappade samtal
        ("100", "90 %", "higher", MET),  # Svarsservice HR direkt
        ("24", "90", "higher", NOT_MET),  # Studiebesök
        ("4.3", "3,5", "lower", PARTLY_MET),  # Total sjukfrånvaro: 3,5 / 0,8 = 4,375
        ("6.4", "2,0", "lower", NOT_MET),  # Chefers sjukfrånvaro
        ("0", "100 %", "higher", NOT_MET),
        # the edges of the bands
        ("92", "92 %", "higher", MET),
        ("73.6", "92", "higher", PARTLY_MET),  # exactly 0,8 × 92
        ("73.5", "92", "higher", NOT_MET),
        ("5", "<5 %", "lower", PARTLY_MET),  # below is strict
        ("4.99", "<5 %", "lower", MET),
        ("6.25", "<5 %", "lower", PARTLY_MET),  # exactly 5 / 0,8
        ("6.26", "<5 %", "lower", NOT_MET),
        ("3", "> 3", "higher", PARTLY_MET),
        ("3.01", "> 3", "higher", MET),
        ("3.5", "3,5", "lower", MET),
    ],
)
def test_status(value, text, direction, expected):
    assert status(D(value), target(text, direction)) == expected


def test_missing_value_is_no_data_never_zero():
    assert status(None, target("<5 %", "lower")) == NO_DATA
    assert status(None, target("Nollresultat")) == NO_DATA
    # 0 would be met for a lower-is-better target; a missing value is not.
    assert status(D(0), target("<5 %", "lower")) == MET


def test_no_target_no_status():
    assert status(D(5), None) is None


def test_threshold_is_per_call():
    assert status(D(80), target("100"), threshold=D("0.9")) == NOT_MET
    assert status(D(90), target("100"), threshold=D("0.9")) == PARTLY_MET
    with pytest.raises(SettingsError):
        status(D(90), target("100"), threshold=D("1.5"))


def test_negative_targets_keep_the_band_on_the_right_side():
    at_least = Target(AT_LEAST, D(-100))
    assert status(D(-100), at_least) == MET
    assert status(D(-120), at_least) == PARTLY_MET
    assert status(D(-121), at_least) == NOT_MET
    at_most = Target(AT_MOST, D(-100))
    assert status(D(-100), at_most) == MET
    assert status(D(-75), at_most) == PARTLY_MET
    assert status(D(-74), at_most) == NOT_MET
    assert status(D(1), Target(ABOVE, D(0))) == MET
    assert status(D(0), Target(ABOVE, D(0))) == PARTLY_MET
    assert status(D(-1), Target(BELOW, D(0))) == MET
    assert status(D(1), Target(BELOW, D(0))) == NOT_MET


def test_zero_result_is_met_by_a_surplus_and_not_by_a_deficit():
    zero = target("Nollresultat")
    assert status(D(8486), zero) == MET  # Förvaltningens resultat, 8 486 tkr
    assert status(D(0), zero) == MET
    assert status(D(-38), zero) == NOT_MET


def test_zero_result_tolerance_setting():
    zero = target("Noll-resultat")
    assert status(D(-100), zero, zero_result_tolerance=D(100)) == MET
    assert status(D(-125), zero, zero_result_tolerance=D(100)) == PARTLY_MET  # 100 / 0,8
    assert status(D(-126), zero, zero_result_tolerance=D(100)) == NOT_MET


def test_equal_with_tolerance_is_a_band_on_both_sides():
    band = target("0 ± 500")
    assert status(D(500), band) == MET
    assert status(D(-500), band) == MET
    assert status(D(625), band) == PARTLY_MET
    assert status(D(-626), band) == NOT_MET
    assert status(D(4), Target(EQUAL, D(4))) == MET
    assert status(D("4.1"), Target(EQUAL, D(4))) == NOT_MET


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([MET, MET, MET, PARTLY_MET], MET),  # 3/4 = met_share
        ([MET, MET, PARTLY_MET], PARTLY_MET),
        ([MET, NOT_MET], NOT_MET),  # 1/2 = not_met_share
        ([MET, PARTLY_MET, NOT_MET], PARTLY_MET),
        ([MET, NO_DATA, NO_DATA, None], MET),
        ([NO_DATA, NO_DATA], NOT_ASSESSABLE),
        ([], NOT_ASSESSABLE),
    ],
)
def test_proposal(statuses, expected):
    assert propose(statuses) == expected


def test_proposal_rule_is_configurable():
    rule = goal_settings({"assessment_rule": {"met_share": 0.5, "not_met_share": 0.9}})
    assert rule.assessment_rule == AssessmentRule(D("0.5"), D("0.9"))
    assert propose([MET, NOT_MET], rule.assessment_rule) == MET
    assert propose([PARTLY_MET, NOT_MET], rule.assessment_rule) == PARTLY_MET


def test_goal_settings_defaults_and_errors():
    settings = goal_settings({"forecast_comment_threshold_kr": 1})  # others' keys pass
    assert settings.partly_met_threshold == D("0.8")
    assert settings.zero_result_tolerance == 0
    assert goal_settings({"partly_met_threshold": 0.9}).partly_met_threshold == D("0.9")
    for bad in (
        {"partly_met_threshold": 80},
        {"partly_met_threshold": "åtta"},
        {"zero_result_tolerance": -1},
        {"assessment_rule": {"met_share": 0.5, "not_met_share": 0.5}},
        {"assessment_rule": {"met": 0.5}},
        {"assessment_rule": [0.75]},
        {"assessment_rule": {"met_share": 0}},
    ):
        with pytest.raises(SettingsError, match="settings"):
            goal_settings(bad)


@pytest.mark.parametrize(
    ("measure", "value", "message"),
    [
        ("percent", "130", "mellan 0 och 100"),
        ("percent", "-1", "mellan 0 och 100"),
        ("count", "-3", "negativ"),
        ("count", "2.5", "heltal"),
        ("seconds", "-1", "negativ"),
        ("score", "-0.1", "negativ"),
        ("litres", "1", "okänd måttenhet"),
    ],
)
def test_validate_value_refuses(measure, value, message):
    assert message in validate_value(measure, D(value))


@pytest.mark.parametrize(
    ("measure", "value"),
    [
        ("percent", "100"),
        ("percent", "0"),
        ("count", "166760"),
        ("ksek", "-1030"),
        ("ratio", "0.82"),
    ],
)
def test_validate_value_accepts(measure, value):
    assert validate_value(measure, D(value)) is None


def test_missing_value_is_always_valid():
    assert validate_value("percent", None) is None


def test_split_unit():
    assert split_unit("percent", "91 %") == ("91", None)
    assert split_unit("ksek", "8 486 tkr") == ("8 486", None)
    assert split_unit("count", "42") == ("42", None)
    assert split_unit("seconds", "45 s") == ("45", None)
    number, error = split_unit("count", "91 %")
    assert number == "91" and "mäts i count" in error
    number, error = split_unit("percent", "8 486 tkr")
    assert "'tkr'" in error


def test_pro_rated_target_for_a_growing_count():
    from tertial.core.evaluation import pro_rated

    visits = target("700")
    august = pro_rated(visits, 8)
    assert august.comparator == visits.comparator
    assert august.value.quantize(D("0.01")) == D("466.67")
    assert status(D(463), visits) == NOT_MET  # against the full year
    assert status(D(463), august) == PARTLY_MET
    assert pro_rated(visits, 12) is visits
    zero = target("Nollresultat")
    assert pro_rated(zero, 8) is zero  # a result in balance is not pro-rated
    with pytest.raises(ValueError):
        pro_rated(visits, 13)
