"""Honest charts: each kind drawn, and what is drawn checked against the chart's own data.

The figure matplotlib builds is read back (bars, lines, axis limits, labels) rather than the
picture looked at, so a chart that starts its axis above zero, joins a part of a year to full
years, leaves out its target or prints other decimals than its table fails here.
"""

from decimal import Decimal

import pytest
from matplotlib.patches import Rectangle

from tertial.core.formatting import format_number
from tertial.reports.charts import (
    amount_columns,
    bar_chart_from_table,
    draw,
    segments,
    series_decimals,
    trend_chart,
)
from tertial.reports.html import chart_data_view
from tertial.reports.tree import Chart, Series

from .sample import operating_summary

D = Decimal


def _bars_chart() -> Chart:
    table = operating_summary()
    return bar_chart_from_table(
        table, key="net", title="Nettoresultat per verksamhet", columns=amount_columns(table)
    )


def _trend_chart() -> Chart:
    return trend_chart(
        key="trend:svarsservice",
        title="Svarsservice",
        periods=["2018", "2019", "jan–aug 2020"],
        series=[
            Series("Totalt", [D("90"), D("91"), D("6.40")], 1),
            Series("Kvinnor", [D("88"), D("93"), D("7")], 0),
            Series("Män", [None, None, None]),
        ],
        unit="%",
        decimals=1,
        spans=[12, 12, 8],
        target=D("92"),
        target_label="Målvärde: 92 %",
    )


def _check_bars(chart: Chart) -> None:
    figure = draw(chart)
    ax = figure.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    values = [v for s in chart.series for v in s.values]
    assert len(bars) == len(values)
    for bar, value in zip(bars, values, strict=True):
        assert bar.get_x() == 0  # every bar starts at zero
        assert bar.get_width() == pytest.approx(float(value or 0))
    low, high = ax.get_xlim()
    assert low <= 0 <= high
    assert low <= min(float(v or 0) for v in values) and high >= max(float(v or 0) for v in values)
    printed = {t.get_text() for t in ax.texts}
    data = chart_data_view(chart)
    assert {c.text for row in data.rows for c in row.cells if c.text != "-"} <= printed
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [s.label for s in chart.series]


def _check_trend(chart: Chart) -> None:
    figure = draw(chart)
    ax = figure.axes[0]
    known = [v for s in chart.series for v in s.values if v is not None]
    if min(known) >= 0:
        assert ax.get_ylim()[0] == 0  # 90 → 91 does not fill the whole height
    assert ax.get_ylim()[1] >= float(max(known + [chart.target or D(0)]))
    lines = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("series-")]
    for line in lines:
        spans = {chart.spans[int(x)] for x in line.get_xdata()}
        assert len(spans) == 1, f"{chart.title}: a line joins periods of different length"
    drawn = {int(line.get_gid().split("-")[1]) for line in lines}
    assert drawn == set(range(len(chart.series)))  # no series without a line, none extra
    legend = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
    if chart.target is not None:
        target = [line for line in ax.get_lines() if line.get_gid() == "target"]
        assert len(target) == 1 and target[0].get_ydata()[0] == float(chart.target)
        assert chart.target_label in legend and chart.target_label in chart.alt
    total = chart.series[0]
    last = [v for v in total.values if v is not None][-1]
    shown = format_number(last, series_decimals(chart, total))
    assert shown in [t.get_text() for t in ax.texts]
    data = chart_data_view(chart)
    assert shown in [row.cells[0].text for row in data.rows]  # chart and table print alike
    assert [label for label, _note, _numeric in data.columns] == [s.label for s in chart.series]
    for series in chart.series:
        assert series.label in chart.alt or len(chart.series) == 1


def test_bars_start_at_zero_and_print_the_values_of_their_table():
    _check_bars(_bars_chart())


def test_a_trend_joins_only_periods_of_the_same_length_and_draws_its_target():
    chart = _trend_chart()
    assert [s.label for s in chart.series] == ["Totalt", "Kvinnor"]  # Män has no values
    assert "Män" not in chart.alt
    assert "förbinds inte" in chart.alt
    assert [[i for i, _v in run] for run in segments(chart, chart.series[0].values)] == [
        [0, 1],
        [2],
    ]
    _check_trend(chart)


def test_a_trend_keeps_each_series_decimals_as_its_table_prints_them():
    chart = _trend_chart()
    data = chart_data_view(chart)
    assert [row.cells[0].text for row in data.rows] == ["90,0", "91,0", "6,4"]
    assert [row.cells[1].text for row in data.rows] == ["88", "93", "7"]
    assert data.notes == ["Målvärde: 92 %"]


def test_a_trend_of_negative_values_keeps_them_in_view():
    chart = trend_chart(
        key="trend:result",
        title="Resultat",
        periods=["2018", "2019"],
        series=[Series("Totalt", [D("-5"), D("3")])],
        unit="",
        decimals=0,
    )
    figure = draw(chart)
    low, high = figure.axes[0].get_ylim()
    assert low < -5 and high > 3


@pytest.mark.django_db
def test_every_chart_of_the_example_is_honest(period_2020_08):
    from tertial.reports.build import build_report

    charts = build_report(period_2020_08).charts()
    assert {c.kind for c in charts} == {"bars", "trend"}
    for chart in charts:
        if chart.kind == "bars":
            _check_bars(chart)
        else:
            _check_trend(chart)
    sick = next(c for c in charts if c.title == "Total sjukfrånvaro")
    # January–August 2020 is compared with January–August 2019, not with the full years.
    assert sick.categories[-2:] == ["jan–aug 2019", "jan–aug 2020"]
    assert sick.spans == [12, 12, 8, 8]
    assert [[i for i, _v in run] for run in segments(sick, sick.series[0].values)] == [
        [0, 1],
        [2, 3],
    ]
    assert sick.target == D("3.5")
    shown = [row.cells[0].text for row in chart_data_view(sick).rows]
    assert shown[:2] + shown[-1:] == ["6,2", "3,8", "4,3"]
