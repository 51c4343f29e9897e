"""The report's charts: their data from the tables, and one look in SVG (HTML, PDF) and PNG (Word).

Bars are told apart without colour: the Okabe–Ito palette (safe for colour-blind readers)
plus a hatch per series, a legend and the value written at every bar. Each chart carries an
alt text generated from its data, and the renderers print its data as a table too.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from tertial.core.formatting import format_number  # noqa: E402
from tertial.core.tables import ColumnKind, RowRole, Table  # noqa: E402
from tertial.reports.tree import Chart, Series  # noqa: E402

# Okabe & Ito (2008): distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
HATCHES = ["", "///", "...", "xx", "\\\\", "oo"]
FONT = "DejaVu Sans"
TEXT_COLOUR = "#1a1a1a"
ONE_THOUSAND = Decimal(1000)

matplotlib.rcParams.update(
    {
        "font.family": FONT,
        "font.size": 8,
        "svg.fonttype": "none",  # text stays text: small, searchable, drawn in the page's font
        "hatch.linewidth": 0.6,
        "axes.edgecolor": "#555555",
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
    }
)


# --- data ----------------------------------------------------------------------------------


def _tkr(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / ONE_THOUSAND


def _alt(
    title: str,
    chart_kind: str,
    categories: list[str],
    series: list[Series],
    unit: str,
    decimals: int = 0,
) -> str:
    parts = [f"{title}. {chart_kind} med {len(categories)} kategorier"]
    if len(series) > 1:
        labels = [s.label for s in series]
        parts[0] += " och serierna " + ", ".join(labels[:-1]) + " och " + labels[-1]
    parts[0] += "."
    suffix = f" {unit}" if unit else ""
    for s in series:
        known = [(c, v) for c, v in zip(categories, s.values, strict=True) if v is not None]
        if len(known) < 2:
            continue
        high = max(known, key=lambda cv: cv[1])
        low = min(known, key=lambda cv: cv[1])
        parts.append(
            f"{s.label}: högst {high[0]} {format_number(high[1], decimals)}{suffix}, "
            f"lägst {low[0]} {format_number(low[1], decimals)}{suffix}."
        )
    parts.append("Alla värden finns i tabellen Diagrammets data.")
    return " ".join(parts)


def bar_chart_from_table(table: Table, *, key: str, title: str, columns: list[str]) -> Chart:
    """Grouped bars of the table's data rows (sums and "varav" rows left out), in tkr."""
    rows = [r for r in table.rows if r.role == RowRole.DATA]
    categories = [r.label for r in rows]
    series = [
        Series(
            table.column(c).label, [_tkr(r.cells[c].value) if c in r.cells else None for r in rows]
        )
        for c in columns
    ]
    return Chart(
        key=key,
        kind="bars",
        title=title,
        categories=categories,
        series=series,
        value_label="tkr",
        alt=_alt(title, "Liggande stapeldiagram", categories, series, "tkr"),
    )


def amount_columns(table: Table, *, leave_out: tuple[str, ...] = ("deviation",)) -> list[str]:
    """The table's amount columns except the deviation: what a bar chart of it compares."""
    return [
        c.key
        for c in table.columns
        if c.kind == ColumnKind.AMOUNT and not any(word in c.key for word in leave_out)
    ]


def trend_chart(
    *,
    key: str,
    title: str,
    periods: list[str],
    series: list[Series],
    unit: str,
    decimals: int,
    spans: list[int] | None = None,
    target: Decimal | None = None,
    target_label: str = "",
) -> Chart:
    """A small line chart of an indicator over periods; series without a value are left out,
    so that the alt text and the data table name only what is drawn."""
    series = [s for s in series if any(v is not None for v in s.values)]
    spans = list(spans) if spans else [12] * len(periods)
    alt = _alt(title, "Linjediagram", periods, series, unit, decimals).replace(
        " kategorier", " perioder"
    )
    if len(set(spans)) > 1:
        alt = alt.replace(
            " Alla värden",
            " Perioder av olika längd (helår och del av år) förbinds inte med en linje."
            " Alla värden",
        )
    if target is not None and target_label:
        alt = alt.replace(" Alla värden", f" {target_label}, ritat som streckad linje. Alla värden")
    return Chart(
        key=key,
        kind="trend",
        title=title,
        categories=periods,
        series=series,
        value_label=unit,
        alt=alt,
        decimals=decimals,
        spans=spans,
        target=target,
        target_label=target_label,
    )


def segments(chart: Chart, values: list[Decimal | None]) -> list[list[tuple[int, Decimal]]]:
    """The runs of points a line may join: neighbouring known values of the same span, so that
    January–August is never joined to a full year."""
    spans = chart.spans or [12] * len(values)
    runs: list[list[tuple[int, Decimal]]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        previous = runs[-1][-1][0] if runs else None
        if previous is not None and spans[previous] == spans[index]:
            runs[-1].append((index, value))
        else:
            runs.append([(index, value)])
    return runs


# --- drawing -------------------------------------------------------------------------------


def _fmt(decimals: int):
    return FuncFormatter(lambda x, _pos: format_number(Decimal(str(float(x))), decimals))


def _label(value: Decimal, decimals: int) -> str:
    return format_number(value, decimals)


def _draw_bars(chart: Chart) -> Figure:
    n_cat, n_ser = len(chart.categories), len(chart.series)
    height = 1.0 + n_cat * (0.17 * n_ser + 0.1)
    fig = Figure(figsize=(6.3, height))
    ax = fig.add_subplot()
    bar_h = 0.8 / max(n_ser, 1)
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    span = (max(values + [0.0]) - min(values + [0.0])) or 1.0
    for si, s in enumerate(chart.series):
        positions = [ci + (si - (n_ser - 1) / 2) * bar_h for ci in range(n_cat)]
        widths = [float(v) if v is not None else 0.0 for v in s.values]
        ax.barh(
            positions,
            widths,
            height=bar_h * 0.92,
            color=PALETTE[si % len(PALETTE)],
            hatch=HATCHES[si % len(HATCHES)],
            edgecolor="white" if si == 0 else "#333333",
            linewidth=0.4,
            label=s.label,
        )
        for pos, value in zip(positions, s.values, strict=True):
            text = "–" if value is None else _label(value, chart.decimals)
            x = float(value) if value is not None else 0.0
            offset = span * 0.01
            ax.text(
                x + (offset if x >= 0 else -offset),
                pos,
                text,
                va="center",
                ha="left" if x >= 0 else "right",
                fontsize=6.5,
                color=TEXT_COLOUR,
            )
    ax.set_yticks(range(n_cat), chart.categories)
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=0.6)
    ax.xaxis.set_major_formatter(_fmt(0))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel(chart.value_label)
    low, high = ax.get_xlim()
    ax.set_xlim(low - span * 0.08, high + span * 0.08)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=n_ser, frameon=False)
    # Margins from the longest label instead of tight_layout, which lays all text out twice.
    label_inches = 0.25 + 0.062 * max((len(c) for c in chart.categories), default=4)
    fig.subplots_adjust(
        left=min(0.45, label_inches / fig.get_figwidth()),
        right=0.97,
        top=1 - 0.32 / height,
        bottom=0.5 / height,
    )
    return fig


def _tick_decimals(step: float) -> int:
    """Decimals the axis needs so that no two ticks print alike (a step of 0,2 needs one)."""
    decimals = 0
    while decimals < 4 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return decimals


def _draw_trend(chart: Chart) -> Figure:
    fig = Figure(figsize=(2.9, 1.7))
    ax = fig.add_subplot()
    markers = ["o", "s", "^", "D"]
    linestyles = ["-", "--", ":", "-."]
    xs = list(range(len(chart.categories)))
    drawn = 0
    for si, s in enumerate(chart.series):
        runs = segments(chart, s.values)
        if not runs:
            continue
        drawn += 1
        for ri, run in enumerate(runs):
            ax.plot(
                [x for x, _v in run],
                [float(v) for _x, v in run],
                color=PALETTE[si % len(PALETTE)],
                marker=markers[si % len(markers)],
                linestyle=linestyles[si % len(linestyles)],
                linewidth=1.2,
                markersize=3.5,
                label=s.label if ri == 0 else "_nolegend_",
                gid=f"series-{si}-run-{ri}",
            )
        if si == 0:  # the total's latest value; the gender lines' values are in the table
            last_x, last_y = runs[-1][-1]
            ax.annotate(
                _label(last_y, series_decimals(chart, s)),
                (last_x, float(last_y)),
                textcoords="offset points",
                xytext=(4, 0),
                va="center",
                fontsize=6.5,
            )
    if chart.target is not None:
        ax.axhline(
            float(chart.target),
            color="#555555",
            linestyle=(0, (4, 2)),
            linewidth=0.9,
            label=chart.target_label or "Mål",
            gid="target",
        )
        drawn += 1
    # "jan–aug" over "2020": periods side by side keep their own room
    wrapped = [c.replace(" ", "\n", 1) if "–" in c else c for c in chart.categories]
    ax.set_xticks(xs, wrapped, fontsize=6.5)
    ax.set_xlim(-0.3, len(xs) - 0.4)
    known = [float(v) for s in chart.series for v in s.values if v is not None]
    if chart.target is not None:
        known.append(float(chart.target))
    # From zero, so that 90 → 91 does not fill the whole height; negative values keep theirs.
    low = min(known + [0.0])
    high = max(known + [0.0])
    ax.set_ylim(low * 1.1 if low < 0 else 0.0, (high * 1.15) or 1.0)
    ax.yaxis.set_major_locator(MaxNLocator(4, integer=chart.decimals == 0))
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    ax.yaxis.set_major_formatter(_fmt(_tick_decimals(step)))
    ax.tick_params(axis="y", labelsize=6.5)
    # The title is the figure's caption in HTML, PDF and Word; drawing it again costs time.
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    top = 0.95
    if drawn > 1:
        # Above the plot, where it covers no line.
        ax.legend(
            fontsize=5.5,
            frameon=False,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=2,
            borderaxespad=0.2,
            handlelength=2.2,
        )
        top = 0.95 - 0.075 * ((drawn + 1) // 2)
    bottom = 0.22 if wrapped != chart.categories else 0.16
    fig.subplots_adjust(left=0.16, right=0.86, top=top, bottom=bottom)
    return fig


def series_decimals(chart: Chart, series: Series) -> int:
    return chart.decimals if series.decimals is None else series.decimals


def draw(chart: Chart) -> Figure:
    """The chart as a matplotlib figure (what render_svg and render_png save)."""
    return _draw_trend(chart) if chart.kind == "trend" else _draw_bars(chart)


# Drawings by the chart's data: a chart shown in the web view, the PDF and an edition is
# drawn once per process. Bounded, so a long-running server does not grow without end.
_drawn: dict[tuple, str | bytes] = {}
_DRAWN_LIMIT = 512


def _cached(kind: str, chart: Chart, save) -> str | bytes:
    key = (
        kind,
        chart.kind,
        chart.title,
        tuple(chart.categories),
        repr(chart.series),
        chart.decimals,
        tuple(chart.spans),
        chart.target,
        chart.target_label,
    )
    found = _drawn.get(key)
    if found is None:
        found = save()
        if len(_drawn) >= _DRAWN_LIMIT:
            _drawn.clear()
        _drawn[key] = found
    return found


def render_svg(chart: Chart) -> str:
    """The chart as an SVG document (for an <img> in HTML and PDF)."""

    def save() -> str:
        fig = draw(chart)
        buffer = io.StringIO()
        # A salt per chart keeps the clip-path ids of two charts in one page distinct.
        with matplotlib.rc_context({"svg.hashsalt": chart.key}):
            fig.savefig(buffer, format="svg", metadata={"Title": chart.title, "Date": None})
        return buffer.getvalue()

    return _cached("svg", chart, save)


def render_png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as PNG (for Word, which does not take SVG everywhere)."""

    def save() -> bytes:
        buffer = io.BytesIO()
        draw(chart).savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    return _cached(f"png{dpi}", chart, save)


def clear_cache() -> None:
    _drawn.clear()


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load matplotlib's fonts once per process, before the first chart is timed or drawn."""
    fig = Figure(figsize=(1, 1))
    fig.add_subplot().text(0, 0, "å")
    fig.savefig(io.BytesIO(), format="png")
