"""A small inline SVG trend chart per indicator, and a unit's year month by month; the data
of each is always also given as a table."""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import matplotlib
from django.utils.html import escape
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from tertial.core.formatting import format_number
from tertial.core.months import month_abbreviation
from tertial.reports.charts import PALETTE, trend_chart
from tertial.reports.tree import Series

WIDTH, HEIGHT, PAD = 240, 90, 24
PAD_X = 36  # room for the first and last labels, centred under their points


def trend_svg(series: list[tuple[str, Decimal | None]], target: Decimal | None, title: str) -> str:
    """A line through the known values (gaps where I.U.) and a dashed target line."""
    known = [value for _, value in series if value is not None]
    if not known:
        return ""
    scale_values = known + ([target] if target is not None else [])
    low, high = min(scale_values), max(scale_values)
    if low == high:
        low, high = low - 1, high + 1
    span_x = (WIDTH - 2 * PAD_X) / max(1, len(series) - 1)

    def y(value: Decimal) -> float:
        return HEIGHT - PAD - float((value - low) / (high - low)) * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">'
    ]
    if target is not None:
        parts.append(
            f'<line x1="{PAD_X}" x2="{WIDTH - PAD_X}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            'stroke="#7a5300" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    points = []
    for index, (label, value) in enumerate(series):
        x = PAD_X + index * span_x
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="10" text-anchor="middle" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
        if value is not None:
            points.append(f"{x:.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="#0b4f8a"/>')
    if len(points) > 1:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="#0b4f8a" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def unit_months_chart(months: list, forecast: Decimal | None, title: str) -> dict:
    """A unit's year month by month, accumulated from January: actual to date, budget, and
    the full-year forecast drawn from the last actual month to December. The chart (SVG,
    drawn by matplotlib in the report's palette, with its alt text) and its data as a
    table, in tkr."""

    def tkr(value: Decimal | None) -> Decimal | None:
        return None if value is None else value / 1000

    actual = [tkr(m.actual_to_date) for m in months]
    series = [
        Series(_("Utfall ackumulerat"), actual),
        Series(_("Budget ackumulerat"), [tkr(m.budget_to_date) for m in months]),
    ]
    if forecast is not None:
        last = max((i for i, v in enumerate(actual) if v is not None), default=None)
        path = [None] * len(months)
        if last is not None and last < len(months) - 1:
            path[last] = actual[last]
        path[-1] = tkr(forecast)
        series.append(Series(_("Prognos helår"), path))
    categories = [month_abbreviation(m.month).rstrip(".") for m in months]
    # The alt text in the words and with the facts of the report's own charts.
    chart = trend_chart(
        key="unit-months", title=title, periods=categories, series=series, unit="tkr", decimals=0
    )
    svg = _months_svg(categories, series)
    return {
        "title": chart.title,
        "alt": chart.alt,
        "src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode(),
        "series": [s.label for s in series],
        "rows": [
            (category, [format_number(s.values[i], 0, missing="-") for s in series])
            for i, category in enumerate(categories)
        ],
    }


# Drawings by their data, bounded: matplotlib takes a quarter of a second for one, and a
# write anywhere in an organisation makes every unit page compute its parts anew, while a
# unit's months rarely changed with it.
_drawn: dict[tuple, str] = {}
_DRAWN_LIMIT = 512


def _months_svg(categories: list[str], series: list[Series]) -> str:
    key = (tuple(categories), tuple((s.label, tuple(s.values)) for s in series))
    found = _drawn.get(key)
    if found is None:
        if len(_drawn) >= _DRAWN_LIMIT:
            _drawn.clear()
        found = _drawn[key] = _draw_months(categories, series)
    return found


def _draw_months(categories: list[str], series: list[Series]) -> str:
    """Lines told apart by colour, marker and dash alike, the legend beside the plot."""
    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.add_subplot()
    markers, dashes = ["o", "s", "^"], ["-", "--", ":"]
    xs = list(range(len(categories)))
    for index, s in enumerate(series):
        points = [(x, float(v)) for x, v in zip(xs, s.values, strict=True) if v is not None]
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=PALETTE[index % len(PALETTE)],
            marker=markers[index % len(markers)],
            linestyle=dashes[index % len(dashes)],
            linewidth=1.4,
            markersize=4,
            label=s.label,
        )
    ax.set_xticks(xs, categories)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: format_number(Decimal(y), 0)))
    ax.set_ylabel("tkr")
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.subplots_adjust(left=0.1, right=0.74, top=0.95, bottom=0.12)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "unit-months"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
