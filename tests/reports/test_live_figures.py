"""Live figures: a placeholder in a text shows a table's figure as the report prints it now,
and follows the data when they change."""

from decimal import Decimal

from tertial.economy.models import Forecast
from tertial.economy.services import save_forecast
from tertial.narrative.models import NarrativeSection
from tertial.narrative.services import save_section
from tertial.reports.build import build_report
from tertial.reports.figures import current_values, live_text, report_figures

TOTAL_FORECAST = "{siffra:full_year_forecast/summa/forecast}"


def _first_text(period):
    report = build_report(period)
    _section, block = report.texts()[0]
    return NarrativeSection.objects.get(period=period, key=block.key)


def _text_of(period, key):
    return next(block.markdown for _s, block in build_report(period).texts() if block.key == key)


def test_a_text_shows_the_forecast_total_and_follows_a_changed_forecast(people, period_2020_08):
    section = _first_text(period_2020_08)
    save_section(section, body=f"Överskott på {TOTAL_FORECAST} tkr.", actor=people.controller)
    before = _text_of(period_2020_08, section.key)
    forecast = Forecast.objects.filter(period=period_2020_08).first()
    save_forecast(
        forecast.unit,
        period_2020_08,
        net_result=forecast.net_result + Decimal("400000"),
        comment=forecast.comment or "Mer.",
        actor=people.controller,
    )
    after = _text_of(period_2020_08, section.key)
    assert "{siffra:" not in before and "{siffra:" not in after
    assert before != after
    shown = dict(current_values(period_2020_08, TOTAL_FORECAST))[TOTAL_FORECAST]
    assert after == f"Överskott på {shown} tkr."


def test_a_unit_row_and_every_listed_figure_can_be_named(period_2020_08):
    figures = report_figures(period_2020_08)
    codes = {figure.code for figure in figures}
    assert TOTAL_FORECAST in codes
    assert "{siffra:operating_summary/unit:1800/actual}" in codes
    lkdata = next(f for f in figures if f.code == "{siffra:operating_summary/unit:1800/actual}")
    assert lkdata.text == "7\u00a0190"  # LKDATA's actual result, whole tkr as printed


def test_a_placeholder_naming_no_figure_is_left_for_the_writer_to_see(period_2020_08):
    unknown = "{siffra:operating_summary/unit:nope/actual} {siffra:secret_table/summa/x}"
    assert live_text(unknown, lambda name: _table()) == unknown
    assert current_values(period_2020_08, unknown) == [
        ("{siffra:operating_summary/unit:nope/actual}", None),
        ("{siffra:secret_table/summa/x}", None),
    ]


def _table():
    from tertial.core.tables import Table

    return Table("t", "T", [])
