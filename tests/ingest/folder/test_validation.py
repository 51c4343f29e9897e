"""Every broken input is refused with the file, line and field it concerns (no database)."""

import pytest
from django.utils import translation

from tertial.ingest.folder import read_folder

from .helpers import SMALL, append, assert_error, copy_small, errors_of, replace


def test_the_fixture_is_valid():
    with read_folder(SMALL) as data:
        assert data.slug == "provorg"
        assert data.counts()["ledger_rows"] == 12


# (file, old text, new text, field, part of the message); the line is where the new text is
CASES = {
    "unknown unit in the ledger": (
        "ledger/2021.csv",
        "2021;1;100;5010",
        "2021;1;999;5010",
        "unit",
        "ansvarskoden '999' finns inte",
    ),
    "unknown account": (
        "ledger/2021.csv",
        "2021;1;100;5010",
        "2021;1;100;9999",
        "account",
        "kontot '9999' finns inte och ligger inte i något kontointervall",
    ),
    "malformed number": ("ledger/2021.csv", "110 000,00", "12,3,4", "amount", "'12,3,4'"),
    "ledger month outside the fiscal years": (
        "ledger/2021.csv",
        "2021;1;100;5010",
        "2019;1;100;5010",
        "year",
        "år 2019 är inte ett av förvaltningens räkenskapsår",
    ),
    "month 13": ("ledger/2021.csv", "2021;1;100;5010", "2021;13;100;5010", "month", "1–12"),
    "budget of an unknown account class": (
        "budget/2021.csv",
        "2021;1;100;personnel",
        "2021;1;100;personel",
        "account_class",
        "kontoklassen 'personel' finns inte",
    ),
    "budget number with öre beyond two decimals": (
        "budget/2021.csv",
        "2021;1;100;personnel;105 000",
        "2021;1;100;personnel;105 000,125",
        "amount",
        "högst två decimaler",
    ),
    "unknown indicator in the values": (
        "indicator_values.csv",
        "svarstid;2021-08",
        "svartid;2021-08",
        "indicator",
        "okänd indikator",
    ),
    "indicator period before 1901": (
        "indicator_values.csv",
        "svarsservice;2019",
        "svarsservice;1899",
        "period",
        "1899",
    ),
    "indicator value that är inget tal": (
        "indicator_values.csv",
        "T;91,5;",
        "T;91,5,1;",
        "value",
        "91,5,1",
    ),
    "unknown gender": ("indicator_values.csv", "actual;K;5,1", "actual;X;5,1", "gender", "'X'"),
    "forecast net result not revenues minus costs": (
        "followups/2021-08/forecasts.csv",
        "100;-100 000",
        "100;-90 000",
        "net_result",
        "intäkter − kostnader",
    ),
    "forecast of an unknown unit": (
        "followups/2021-08/forecasts.csv",
        "300;0",
        "301;0",
        "unit",
        "okänd enhet",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_csv_errors_name_file_line_and_field(tmp_path, case):
    file, old, new, field, text = case
    folder = copy_small(tmp_path)
    line = replace(folder, file, old, new)
    assert_error(errors_of(folder), file, line, field, text)


YAML_CASES = {
    "duplicate unit": (
        "organisation.yaml",
        '  - code: "200"\n    name: Kundtjänst',
        '  - code: "100"\n    name: K',
        "units[1].code",
        "anges två gånger",
    ),
    "unit ends before it starts": (
        "organisation.yaml",
        "    ends_on: 2021-06-30",
        "    starts_on: 2021-07-01\n    ends_on: 2021-06-30",
        "units[3].ends_on",
        "innan den börjar",
    ),
    "slug with upper case or Swedish letters": (
        "organisation.yaml",
        "slug: provorg",
        "slug: Provörg",
        "slug",
        "gemena",
    ),
    "okänd nyckel": (
        "organisation.yaml",
        "    name: Lönecenter",
        "    name: Lönecenter\n    colour: red",
        "units[2].colour",
        "okänd nyckel",
    ),
    "unknown parent unit": (
        "organisation.yaml",
        '    parent: "100"',
        '    parent: "900"',
        "units[1].parent",
        "okänd enhet 900",
    ),
    "overlapping account ranges": (
        "organisation.yaml",
        'ranges: ["6000-6099"]',
        'ranges: ["5900-6099"]',
        "account_classes[2].ranges[0]",
        "överlappar",
    ),
    "period outside its fiscal year": (
        "organisation.yaml",
        "      - key: 2021-04",
        "      - key: 2022-04",
        "fiscal_years[1].periods[0].key",
        "utanför räkenskapsåret 2021",
    ),
    "unknown period kind": (
        "organisation.yaml",
        "kind: interim",
        "kind: delår",
        "fiscal_years[1].periods[1].kind",
        "inte något av",
    ),
    "duplicate indicator": (
        "goals.yaml",
        "  - code: arenden",
        "  - code: svarstid",
        "indicators[4].code",
        "indikatorn svarstid anges två gånger",
    ),
    "target that cannot be parsed": (
        "goals.yaml",
        'target: "<60"',
        'target: "ungefär 60"',
        "indicators[1].targets[0].target",
        "kan inte läsa målvärdet",
    ),
    "same_as an unknown indicator": (
        "goals.yaml",
        "same_as: svarsservice",
        "same_as: svarservice",
        "indicators[4].same_as",
        "okänd indikator",
    ),
    "council goal in a year that is not a fiscal year": (
        "goals.yaml",
        "year: 2020, perspective: medborgare",
        "year: 2019, perspective: medborgare",
        "council_goals[2].year",
        "inget räkenskapsår",
    ),
    "unknown responsible unit": (
        "goals.yaml",
        'responsible_units: ["200"]',
        'responsible_units: ["201"]',
        "board_goals[1].responsible_units[0]",
        "okänd enhet 201",
    ),
    "section written by an unknown unit": (
        "followups/2021-08/report.yaml",
        "    title: Sammanfattande bedömning",
        '    title: Sammanfattande bedömning\n    unit: "999"',
        "sections[1].unit",
        "okänd enhet 999",
    ),
    "assessment of an unknown goal": (
        "followups/2021-08/report.yaml",
        "  - goal: nollresultat",
        "  - goal: noll",
        "assessments[1].goal",
        "okänt mål noll",
    ),
    "assessment with an unknown value": (
        "followups/2021-08/report.yaml",
        "value: partly_met",
        "value: halvbra",
        "assessments[1].value",
        "inte något av",
    ),
    "investment outcome of an unknown period": (
        "investments.yaml",
        "- period: 2021-08",
        "- period: 2021-09",
        "projects[0].outcomes[0].period",
        "okänd period",
    ),
}


@pytest.mark.parametrize("case", YAML_CASES.values(), ids=YAML_CASES.keys())
def test_yaml_errors_name_file_line_and_field(tmp_path, case):
    file, old, new, field, text = case
    folder = copy_small(tmp_path)
    line = replace(folder, file, old, new)
    errors = errors_of(folder)
    lines = {e.line for e in errors if e.field == field and e.file == file}
    assert lines, [str(e) for e in errors]
    assert_error(errors, file, min(lines), field, text)
    assert line <= min(lines) <= line + new.count("\n")


def test_duplicate_indicator_value(tmp_path):
    folder = copy_small(tmp_path)
    line = append(folder, "indicator_values.csv", "svarsservice;2021-08;;T;92;;\n")
    assert_error(errors_of(folder), "indicator_values.csv", line, "indicator", "först på rad 4")


def test_whole_year_and_december_are_the_same_indicator_period(tmp_path):
    folder = copy_small(tmp_path)
    line = append(folder, "indicator_values.csv", "svarsservice;2019-12;actual;T;88;;\n")
    assert_error(errors_of(folder), "indicator_values.csv", line, "indicator", "ett andra värde")


def test_assessment_without_justification(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(
        folder,
        "followups/2021-08/report.yaml",
        "    justification: Prognosen visar ett litet underskott.\n",
        "    justification: ''\n",
    )
    assert_error(
        errors_of(folder),
        "followups/2021-08/report.yaml",
        line,
        "assessments[1].justification",
        "får inte vara tomt",
    )


def test_assessment_with_justification_left_out(tmp_path):
    folder = copy_small(tmp_path)
    replace(
        folder,
        "followups/2021-08/report.yaml",
        "    justification: Prognosen visar ett litet underskott.\n",
        "",
    )
    errors = errors_of(folder)
    assert any(
        e.field == "assessments[1].justification" and "saknas" in e.message for e in errors
    ), [str(e) for e in errors]


def test_unit_parent_cycle(tmp_path):
    folder = copy_small(tmp_path)
    replace(
        folder,
        "organisation.yaml",
        "    name: Stab och ledning\n",
        '    name: Stab och ledning\n    parent: "200"\n',
    )
    errors = errors_of(folder)
    assert {e.field for e in errors if "cirkel" in e.message} == {
        "units[0].parent",
        "units[1].parent",
    }


def test_indicator_parent_cycle(tmp_path):
    folder = copy_small(tmp_path)
    replace(
        folder,
        "goals.yaml",
        "    board_goals: [god-service]\n    measure: percent",
        "    board_goals: [god-service]\n    parent: svarstid\n    measure: percent",
    )
    errors = errors_of(folder)
    assert {e.field for e in errors if "cirkel" in e.message} == {
        "indicators[0].parent",
        "indicators[1].parent",
    }


def test_followup_folder_of_an_unknown_period(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "followups" / "2019-08").mkdir()
    assert_error(errors_of(folder), "followups/2019-08", None, "", "okänd period 2019-08")


def test_yaml_syntax_error_names_the_line(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(
        folder,
        "goals.yaml",
        "  - {code: ekonomi, name: Ekonomi}",
        "  - {code: ekonomi, name: Ekonomi",
    )
    errors = errors_of(folder)
    assert errors[0].file == "goals.yaml"
    assert errors[0].line in (line, line + 1)
    assert "YAML" in errors[0].message


def test_utf16_file_is_refused(tmp_path):
    folder = copy_small(tmp_path)
    path = folder / "ledger" / "2021.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    errors = errors_of(folder)
    assert [(e.file, e.line) for e in errors] == [("ledger/2021.csv", None)]
    assert "UTF-16" in errors[0].message


def test_windows_1252_undefined_byte_is_refused(tmp_path):
    folder = copy_small(tmp_path)
    path = folder / "organisation.yaml"
    path.write_bytes(path.read_bytes().replace("Lönecenter".encode(), b"L\x81necenter"))
    errors = errors_of(folder)
    assert errors[0].file == "organisation.yaml"
    assert "0x81" in errors[0].message


def test_every_error_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    unit_line = replace(folder, "ledger/2021.csv", "2021;1;100;5010", "2021;1;999;5010")
    number_line = replace(folder, "ledger/2020.csv", "100 000,00", "12,3,4")
    account_line = replace(folder, "ledger/2021.csv", "2021;3;300;5020", "2021;3;300;9999")
    target_line = replace(folder, "goals.yaml", 'target: "<60"', 'target: "snabbt"')
    value_line = append(folder, "indicator_values.csv", "svarstid;2021-08;;;46;;\n")
    errors = errors_of(folder)
    found = {(e.file, e.line, e.field) for e in errors}
    assert {
        ("ledger/2021.csv", unit_line, "unit"),
        ("ledger/2020.csv", number_line, "amount"),
        ("ledger/2021.csv", account_line, "account"),
        ("goals.yaml", target_line, "indicators[1].targets[0].target"),
        ("indicator_values.csv", value_line, "indicator"),
    } <= found
    assert len(errors) == 5, [str(e) for e in errors]


def test_required_key_missing_names_the_mapping(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(
        folder, "organisation.yaml", '  - code: "300"\n    name: Lönecenter\n', '  - code: "300"\n'
    )
    assert_error(errors_of(folder), "organisation.yaml", line, "units[2].name", "saknas")


def test_forecast_comment_given_twice(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(
        folder,
        "followups/2021-08/forecasts.csv",
        "100;-100 000;1 200 000;1 300 000;;",
        "100;-100 000;1 200 000;1 300 000;;Underskott.",
    )
    assert_error(
        errors_of(folder), "followups/2021-08/forecasts.csv", line, "comment", "forecast_comments"
    )


def test_forecast_comment_without_a_forecast(tmp_path):
    folder = copy_small(tmp_path)
    replace(folder, "followups/2021-08/forecasts.csv", "100;-100 000;1 200 000;1 300 000;;\n", "")
    errors = errors_of(folder)
    assert_error(
        errors, "followups/2021-08/report.yaml", 13, "forecast_comments.100", "ingen prognos"
    )


def test_unknown_csv_column(tmp_path):
    folder = copy_small(tmp_path)
    replace(folder, "ledger/2020.csv", "activity;project;amount", "activity;projekt;amount")
    assert_error(errors_of(folder), "ledger/2020.csv", 1, "projekt", "okänd kolumn")


def test_empty_organisation_yaml(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "organisation.yaml").write_text("# nothing yet\n", encoding="utf-8")
    errors = errors_of(folder)
    assert ("organisation.yaml", 1, "slug") in [(e.file, e.line, e.field) for e in errors]


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("organisation.yaml", "ends_on: 2021-06-30", "ends_on: 2021-02-30"),
        ("investments.yaml", "approved_on: 2021-03-01", "approved_on: 2021-13-45"),
    ],
)
def test_an_impossible_date_in_yaml_names_file_and_line(tmp_path, file, old, new):
    folder = copy_small(tmp_path)
    line = replace(folder, file, old, new)
    [error] = [e for e in errors_of(folder) if e.file == file]
    assert error.line == line and "är inget datum" in error.message


def test_an_encoding_error_does_not_hide_the_files_other_errors(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(folder, "indicator_values.csv", "T;91,5;", "T;91,5,1;")
    path = folder / "indicator_values.csv"
    data = path.read_bytes().replace(b"svarstid;2021-08", b"svarstid\x81;2021-08", 1)
    path.write_bytes(data)
    errors = [e for e in errors_of(folder) if e.file == "indicator_values.csv"]
    assert any("0x81" in e.message for e in errors), [str(e) for e in errors]
    assert_error(errors, "indicator_values.csv", line, "value", "91,5,1")


def test_an_error_reads_in_english_when_english_is_chosen(tmp_path):
    folder = copy_small(tmp_path)
    line = replace(folder, "organisation.yaml", '    parent: "100"', '    parent: "900"')
    assert_error(errors_of(folder), "organisation.yaml", line, "units[1].parent", "okänd enhet 900")
    with translation.override("en"):
        errors = errors_of(folder)
    assert_error(errors, "organisation.yaml", line, "units[1].parent", "unknown unit 900")
