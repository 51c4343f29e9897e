"""The report checks on hand-made reports (the example's findings: test_example.py)."""

from decimal import Decimal

from tertial.core.tables import Cell, Column, Row, Table
from tertial.reports.checks import (
    ERROR,
    WARNING,
    check_forecast_comments,
    check_goals,
    check_indicator_values,
    check_sums,
    check_text_figures,
    extract_figures,
)
from tertial.reports.tree import Section, TableBlock, TextBlock

from .sample import sample_report


def _with(blocks):
    report = sample_report()
    report.sections = [Section("s", "Avsnitt", 1, blocks)]
    return report


def test_sums_within_rounding_are_fine_and_a_wrong_sum_is_an_error():
    report = sample_report()
    assert check_sums(report) == []
    table = report.tables()[0]
    summa = table.row("Summa")
    summa.cells["actual"] = Cell("6 480", summa.cells["actual"].value + Decimal("400"))
    assert check_sums(report) == []  # 0,4 tkr: rounding can explain it
    summa.cells["budget"] = Cell("1 344", summa.cells["budget"].value + Decimal("501"))
    findings = check_sums(report)
    assert [(f.severity, f.code) for f in findings] == [(ERROR, "sum")]
    assert "Budget jan–aug 2020" in findings[0].message
    assert findings[0].where.endswith("Driftsammandrag, netto tkr / Summa")


def _forecast_table(deviation_kr: str) -> Table:
    return Table(
        "full_year_forecast",
        "Prognos resultat 2020",
        [Column("forecast", "Prognos helår"), Column("deviation", "Avvikelse")],
        [
            Row(
                "eLärandeCenter",
                {
                    "forecast": Cell("-700", Decimal(deviation_kr)),
                    "deviation": Cell("-700", Decimal(deviation_kr)),
                },
                ref="unit:1700",
            )
        ],
    )


def test_a_large_forecast_deviation_needs_a_comment():
    threshold = Decimal("500000")
    report = _with([TableBlock(_forecast_table("-700000"))])
    findings = check_forecast_comments(report, threshold)
    assert [(f.severity, f.code) for f in findings] == [(WARNING, "forecast_comment")]
    assert "eLärandeCenter" in findings[0].message
    commented = _with(
        [TableBlock(_forecast_table("-700000")), TextBlock("forecast_comment:1700", "Orsaken …")]
    )
    assert check_forecast_comments(commented, threshold) == []
    small = _with([TableBlock(_forecast_table("-400000"))])
    assert check_forecast_comments(small, threshold) == []


def test_goal_without_assessment_or_justification():
    report = sample_report()
    assert check_goals(report) == []
    goal = report.goals()[0]
    goal.value, goal.justification = "", " "
    codes = [f.code for f in check_goals(report)]
    assert codes == ["goal_assessment", "goal_justification"]


def test_indicator_without_value_for_the_period():
    report = sample_report()
    report.period_key = "current"
    table = report.tables()[1]
    table.key = "indicators-medarbetare"
    for row in table.rows:
        row.ref = f"indicator:{row.label}"
    table.row("Män").ref = "indicator:Total sjukfrånvaro:M"
    table.row("HME").cells["current"] = Cell("I.U.")
    findings = check_indicator_values(report)
    assert [(f.code, f.where.rsplit(" / ", 1)[1]) for f in findings] == [("indicator_value", "HME")]


def test_figures_are_read_with_their_units():
    figures = extract_figures(
        "Resultatet är −1 030 tkr. Svarsservice 90,9 % och 166 760 ärenden under 2020.", "x"
    )
    assert [(f.value, f.unit) for f in figures] == [
        (Decimal("-1030"), "tkr"),
        (Decimal("90.9"), "%"),
        (Decimal("166760"), ""),
    ]


def test_the_same_thing_counted_differently_in_two_texts_is_found():
    report = _with(
        [
            TextBlock("a", "Instagram följare på stadsarkivet är 320 stycken"),
            TextBlock(
                "b",
                "Stadsarkivet har startat upp ett instagramkonto som i dagsläget har "
                "ca 350 följare.",
            ),
        ]
    )
    findings = check_text_figures(report)
    assert [f.code for f in findings] == ["text_figures"]
    assert "320" in findings[0].message and "350" in findings[0].message


def test_different_things_in_similar_words_are_not_confused():
    report = _with(
        [
            TextBlock(
                "a",
                "Kontakt Linköping visar just nu i redovisningen ett överskott med 2 532 tkr "
                "jämfört med budget.",
            ),
            TextBlock(
                "b", "Kontakt Linköping beräknas generera ett överskott på 800 tkr detta år."
            ),
            TextBlock("c", "Svarsservice, genomsnitt över året 90,9 %."),
            TextBlock("d", "Kontakt Linköping har en svarsservice på 91 % inom 120 sekunder."),
        ]
    )
    assert check_text_figures(report) == []


def test_a_text_figure_against_the_table_row_it_names():
    report = sample_report()
    table = report.tables()[0]
    report.sections[1].blocks.append(
        TextBlock("ok", "LKDATA redovisar ett resultat på 7 190 tkr jämfört med budget 1 159 tkr.")
    )
    assert [f for f in check_text_figures(report) if f.code == "text_table_figures"] == []
    report.sections[1].blocks.append(
        TextBlock("wrong", "Ekonomiservice redovisat resultat är -450 tkr.")
    )
    findings = [f for f in check_text_figures(report) if f.code == "text_table_figures"]
    assert len(findings) == 1
    assert table.title in findings[0].message and "−401" in findings[0].message


def _units_table() -> Table:
    return Table(
        "operating_summary",
        "Driftsammandrag",
        [Column("actual", "Redovisat")],
        [
            Row("LKDATA", {"actual": Cell("2 600", Decimal("2600000"))}, ref="unit:1800"),
            Row("Kontakt Linköping", {"actual": Cell("900", Decimal("900000"))}, ref="unit:1500"),
        ],
    )


def test_two_units_figures_in_alike_words_are_no_contradiction():
    report = _with(
        [
            TableBlock(_units_table()),
            TextBlock("a", "LKDATA redovisar ett överskott mot budget på 2 600 tkr för perioden."),
            TextBlock(
                "b", "Kontakt Linköping redovisar ett överskott mot budget på 900 tkr för perioden."
            ),
            TextBlock("forecast_comment:1800", "Överskottet mot budget blir 2 600 tkr i år."),
            TextBlock("forecast_comment:1500", "Överskottet mot budget blir 900 tkr i år."),
        ]
    )
    assert [f for f in check_text_figures(report) if f.code == "text_figures"] == []


def test_one_units_figures_that_differ_are_still_found():
    report = _with(
        [
            TableBlock(_units_table()),
            TextBlock("a", "LKDATA redovisar ett överskott mot budget på 2 600 tkr för perioden."),
            TextBlock("b", "LKDATA redovisar ett överskott mot budget på 3 000 tkr för perioden."),
        ]
    )
    assert [f.code for f in check_text_figures(report)].count("text_figures") == 1
