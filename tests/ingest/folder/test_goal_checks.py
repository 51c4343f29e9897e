"""The loader checks values, formulas and settings as the goals engine would (no database)."""

import dataclasses
import re
from decimal import Decimal

import pytest

from tertial.core.conventions import OTHER_PARTS_KEYS, Conventions
from tertial.ingest.folder import read_folder
from tests.helpers import REPO_ROOT

from .helpers import add_indicator, append, assert_error, copy_small, errors_of, replace

ORG = "organisation.yaml"
GOALS = "goals.yaml"
VALUES = "indicator_values.csv"
THRESHOLD = "  forecast_comment_threshold_kr: 500000\n"


# --- indicator values against their measure ------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        ("svarsservice;2021-08;actual;T;91,5", "svarsservice;2021-08;actual;T;130", "0 och 100"),
        ("arenden;2021-08;actual;T;7 812", "arenden;2021-08;actual;T;-3", "kan inte vara negativ"),
        ("arenden;2021-08;actual;T;7 812", "arenden;2021-08;actual;T;7 812,5", "heltal"),
        ("svarstid;2021-08;;;45", "svarstid;2021-08;;;-45", "kan inte vara negativ"),
    ],
    ids=["share of 130 %", "negative count", "count with decimals", "negative seconds"],
)
def test_value_impossible_for_its_measure(tmp_path, old, new, text):
    folder = copy_small(tmp_path)
    line = replace(folder, VALUES, old, new)
    assert_error(errors_of(folder), VALUES, line, "value", text)


def test_value_may_carry_the_unit_of_its_measure(tmp_path):
    folder = copy_small(tmp_path)
    replace(folder, VALUES, "T;91,5;", "T;91,5 %;")
    replace(folder, VALUES, "svarstid;2021-08;;;45", "svarstid;2021-08;;;45 s")
    values = {
        (v.indicator, v.year, v.through_month, v.gender): v.value
        for v in read_folder(folder).indicator_values
    }
    assert values[("svarsservice", 2021, 8, "T")] == Decimal("91.5")
    assert values[("svarstid", 2021, 8, "T")] == 45


def test_value_with_the_unit_of_another_measure(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(folder, VALUES, "T;7 812;", "T;7 812 %;")
    assert_error(errors_of(folder), VALUES, line, "value", "mäts i count")


def test_no_data_is_allowed_for_every_measure(tmp_path):
    folder = copy_small(tmp_path)
    append(folder, VALUES, "arenden;2020;actual;T;I.U.;;\n")
    values = [v for v in read_folder(folder).indicator_values if v.year == 2020]
    assert [(v.indicator, v.value) for v in values] == [("arenden", None)]


def test_value_of_a_computed_indicator_is_refused(tmp_path):
    folder = copy_small(tmp_path)
    add_indicator(folder, "per-arende", "ratio", '"svarstid / arenden"')
    line = append(folder, VALUES, "per-arende;2021-08;actual;T;0,5;;\n")
    assert_error(errors_of(folder), VALUES, line, "value", "beräknas med sin formel")


# --- formulas --------------------------------------------------------------------------------


def test_formula_is_read(tmp_path):
    folder = copy_small(tmp_path)
    add_indicator(folder, "per-arende", "ratio", '"svarstid / arenden * 100"')
    indicator = next(i for i in read_folder(folder).indicators if i.code == "per-arende")
    assert indicator.formula == "svarstid / arenden * 100"


@pytest.mark.parametrize(
    ("formula", "text"),
    [
        ('"svarstid / (arenden"', "missing ')' at position 20"),
        ('"svarstid // arenden"', "unexpected '/' at position 11"),
        ('"svarstid ? 2"', "unexpected character '?' at position 10"),
        ('"svarstid / arende"', "unknown indicator 'arende' at position 12"),
        ('"sqrt(svarstid)"', "unknown function 'sqrt'"),
        ('"svarstid-arenden"', "put spaces around the minus: svarstid - arenden"),
    ],
    ids=["unclosed bracket", "two operators", "bad character", "unknown name", "function", "minus"],
)
def test_formula_error_names_the_formula_line(tmp_path, formula, text):
    folder = copy_small(tmp_path)
    line = add_indicator(folder, "per-arende", "ratio", formula)
    assert_error(errors_of(folder), GOALS, line, "indicators[5].formula", text)


def test_formula_cycle(tmp_path):
    folder = copy_small(tmp_path)
    first = add_indicator(folder, "a", "count", '"b + svarstid"')
    add_indicator(folder, "b", "count", '"c * 2"')
    add_indicator(folder, "c", "count", '"a - 1"')
    errors = errors_of(folder)
    assert_error(errors, GOALS, first, "indicators[5].formula", "a → b → c → a")
    assert len(errors) == 1


def test_formula_referring_to_itself(tmp_path):
    folder = copy_small(tmp_path)
    line = add_indicator(folder, "a", "count", '"a + 1"')
    assert_error(errors_of(folder), GOALS, line, "indicators[5].formula", "a → a")


def test_computed_indicators_may_build_on_each_other(tmp_path):
    folder = copy_small(tmp_path)
    add_indicator(folder, "a", "count", '"arenden * 2"')
    add_indicator(folder, "b", "count", '"a + [svarstid]"')
    assert {i.code: i.formula for i in read_folder(folder).indicators if i.formula} == {
        "a": "arenden * 2",
        "b": "a + [svarstid]",
    }


# --- accumulates and the indicator's threshold ------------------------------------------------


def test_accumulates_is_read(tmp_path):
    folder = copy_small(tmp_path)
    append(folder, GOALS, "    accumulates: true\n")  # on arenden, the last indicator
    accumulating = {i.code for i in read_folder(folder).indicators if i.accumulates}
    assert accumulating == {"arenden"}


def test_accumulates_must_be_true_or_false(tmp_path):
    folder = copy_small(tmp_path)
    line = append(folder, GOALS, "    accumulates: ja\n")
    assert_error(errors_of(folder), GOALS, line, "indicators[4].accumulates", "true eller false")


def test_indicator_threshold_outside_zero_to_one(tmp_path):
    folder = copy_small(tmp_path)
    line = append(folder, GOALS, "    partly_met_threshold: 1.2\n")
    assert_error(
        errors_of(folder), GOALS, line, "indicators[4].partly_met_threshold", "mellan 0 och 1"
    )


# --- settings ----------------------------------------------------------------------------------

BAD_SETTINGS = {
    "threshold above 1": ("partly_met_threshold: 1.5", "partly_met_threshold", "mellan 0 och 1"),
    "threshold not a number": ("partly_met_threshold: hög", "partly_met_threshold", "är inget tal"),
    "negative zero-result tolerance": (
        "zero_result_tolerance: -5",
        "zero_result_tolerance",
        "får inte vara negativ",
    ),
    "assessment rule shares too small": (
        "assessment_rule: {met_share: 0.4, not_met_share: 0.5}",
        "assessment_rule",
        "mer än 1",
    ),
    "assessment rule unknown key": (
        "assessment_rule: {met: 0.8}",
        "assessment_rule",
        "okända nycklar met",
    ),
    "assessment rule not a mapping": ("assessment_rule: 0.75", "assessment_rule", "met_share"),
    "deviation formula": (
        "operating_deviation: budget + actual",
        "operating_deviation",
        "är ingen formel här",
    ),
    "deviation formula of other terms": (
        "investment_deviation: actual - budget",
        "investment_deviation",
        '"forecast - frame", "frame - forecast"',
    ),
    "comment threshold not a number": (
        "forecast_comment_threshold_kr: mycket",
        "forecast_comment_threshold_kr",
        "är inget tal",
    ),
    "negative comment threshold": (
        "forecast_comment_threshold_kr: -1",
        "forecast_comment_threshold_kr",
        "får inte vara negativ",
    ),
    "misspelt setting": ("partly_met_treshold: 0.8", "partly_met_treshold", "okända inställningar"),
    "unquoted kolada municipality": (
        "kolada_municipality: 0114",
        "kolada_municipality",
        "citattecken",
    ),
    "kolada municipality of five digits": (
        'kolada_municipality: "05800"',
        "kolada_municipality",
        "inget Kolada-id",
    ),
    "kolada unit with a space": ('kolada_ou: "V15 E0580"', "kolada_ou", "inget Kolada-id"),
    "kolada comparison of an unquoted id": (
        'kolada_compare: ["0180", 1480]',
        "kolada_compare",
        "1480 är inget kommun-id i Kolada",
    ),
    "kolada comparison not a list": ("kolada_compare: 0180", "kolada_compare", "lista av id"),
    "report without sections": ("report: {sections: []}", "report", "report.sections"),
    "report of unknown table": (
        "report: {sections: [{id: x, title: X, content: [{table: nope}]}]}",
        "report",
        "nope",
    ),
    "missing word template": ("word_template: mall.docx", "word_template", "ingen .docx-fil"),
    "word template not a path": (
        "word_template: [a, b]",
        "word_template",
        "sökvägen till en .docx-fil",
    ),
    "browser language not yes or no": (
        "browser_language: ja",
        "browser_language",
        "true eller false",
    ),
}


@pytest.mark.parametrize("case", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_bad_setting_names_key_and_line(tmp_path, case):
    setting, key, text = case
    folder = copy_small(tmp_path)
    line = replace(folder, ORG, THRESHOLD, f"  {setting}\n")
    assert_error(errors_of(folder), ORG, line, f"settings.{key}", text)


def test_every_documented_setting_is_accepted(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "mallar").mkdir()
    (folder / "mallar" / "vss.docx").write_bytes(b"stands in for a template")
    settings = {
        "forecast_comment_threshold_kr": "500000",
        "operating_deviation": "budget - actual",
        "forecast_deviation": "forecast - budget",
        "of_which_deviation": "budget - forecast",
        "investment_deviation": "frame - forecast",
        "partly_met_threshold": "0.85",
        "zero_result_tolerance": "500",
        "assessment_rule": "{met_share: 0.8, not_met_share: 0.5}",
        "kolada_municipality": '"0580"',
        "kolada_ou": '"V15E058000301"',
        "kolada_compare": '{"0180": Stockholm, "1480": Göteborg}',
        "report": "{name: kort, toc: false, sections: [{use: mission}, {use: economy}]}",
        "word_template": "mallar/vss.docx",
        "browser_language": "true",
        "record_retention_months": "24",
    }
    assert set(settings) == documented_settings()
    replace(folder, ORG, THRESHOLD, "".join(f"  {k}: {v}\n" for k, v in settings.items()))
    data = read_folder(folder)
    assert set(data.settings) == set(settings)
    # the web app renders from elsewhere: the template's path is stored absolute
    assert data.settings["word_template"] == str((folder / "mallar" / "vss.docx").resolve())
    assert data.settings["assessment_rule"] == {"met_share": 0.8, "not_met_share": 0.5}


def documented_settings() -> set[str]:
    text = (REPO_ROOT / "docs" / "input-format.md").read_text(encoding="utf-8")
    section = text.split("### Settings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))


def test_documented_settings_are_the_known_ones():
    known = {f.name for f in dataclasses.fields(Conventions)} | set(OTHER_PARTS_KEYS)
    assert documented_settings() == known
