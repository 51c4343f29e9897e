"""Assembling a period's report from the database, once, into the plain tree of tree.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from babel.dates import format_date
from django.utils import timezone

from tertial.core.months import month_name, months_to
from tertial.core.sharing import sharing
from tertial.core.tables import Cell, ColumnKind, RowRole, Table
from tertial.economy import tables as economy
from tertial.economy.models import Forecast
from tertial.goals import tables as goals
from tertial.organisation.models import Period
from tertial.reports import charts
from tertial.reports.definition import (
    ContentSpec,
    ReportDefinition,
    definition_for,
)
from tertial.reports.figures import live_text
from tertial.reports.language import in_report_language
from tertial.reports.tree import (
    Block,
    Chart,
    ChartBlock,
    ChartGroup,
    GoalFollowUp,
    GoalFollowUpBlock,
    GoalItem,
    ItemList,
    PerspectiveFollowUp,
    Report,
    Section,
    Series,
    TableBlock,
    TextBlock,
)

KIND_TITLES = {
    "month": "Månadsuppföljning",
    "tertial": "Tertialrapport",
    "interim": "Delårsrapport",
    "annual": "Årsrapport",
}


TABLE_FUNCTIONS: dict[str, Callable[[Period], Table]] = {
    "operating_summary": economy.operating_summary,
    "full_year_forecast": economy.full_year_forecast,
    "economy_summary": economy.economy_summary,
    "investments": economy.investments,
    "revenue_by_kind": economy.revenue_by_kind,
    "cost_by_kind": economy.cost_by_kind,
    "net_result_per_unit": economy.net_result_per_unit,
    "forecast_accuracy": economy.forecast_accuracy,
    "goal_overview": goals.goal_overview,
    "core_volumes": goals.core_volumes,
    "personnel": goals.personnel,
    "kolada_comparison": goals.kolada_comparison,
}


def title_context(period: Period) -> dict[str, str]:
    organisation = period.organisation
    return {
        "year": str(period.year),
        "previous_year": str(period.year - 1),
        "month": month_name(period.end_month),
        "period_end": format_date(period.end_date, "d MMMM y", locale="sv"),
        "organisation": organisation.name,
        "short_name": organisation.short_name or organisation.name,
    }


def report_title(period: Period, definition: ReportDefinition, context: dict[str, str]) -> str:
    """The definition's title, else the period's, else one made of its kind and months."""
    if definition.title:
        return definition.title.format(**context)
    if period.title:
        return period.title
    kind = KIND_TITLES.get(period.kind, "Uppföljning")
    return f"{kind} januari–{context['month']} {context['year']}"


class _Assembler:
    """Builds each table once per report however many blocks and charts use it."""

    def __init__(self, period: Period, *, proposals: bool):
        self.period = period
        self.proposals = proposals
        self.context = title_context(period)
        self._tables: dict[str, Table] = {}
        self._texts = {s.key: s for s in period.narrative_sections.all()}
        self._indicator_tables: list[Table] | None = None

    def table(self, name: str) -> Table:
        if name not in self._tables:
            table = TABLE_FUNCTIONS[name](self.period)
            self._tables[name] = table if self.proposals else _published_columns(table)
        return self._tables[name]

    def indicator_tables(self) -> list[Table]:
        if self._indicator_tables is None:
            self._indicator_tables = list(goals.indicator_tables(self.period))
        return self._indicator_tables

    # -- content kinds --------------------------------------------------------------------

    def blocks(self, spec: ContentSpec) -> list[Block]:
        title = spec.title.format(**self.context) if spec.title else ""
        match spec.kind:
            case "text":
                section = self._texts.get(spec.argument)
                if section is None or not section.body.strip():
                    return []
                return [TextBlock(spec.argument, live_text(section.body, self.table), title)]
            case "table":
                table = self.table(spec.argument)
                if not table.rows:
                    return [
                        TextBlock(
                            f"empty:{spec.argument}", f"{table.title}: inga uppgifter för perioden."
                        )
                    ]
                return [TableBlock(table, spec.sheet)]
            case "chart":
                return [ChartBlock(self.chart(spec.argument), spec.sheet)]
            case "forecast_comments":
                return self.forecast_comments(title)
            case "decisions" | "events":
                return self.decisions_events(spec.kind, title)
            case "plans":
                return [
                    TextBlock(f"plan:{plan.pk}", live_text(plan.body, self.table), plan.title)
                    for plan in self.period.plan_follow_ups.all()
                ]
            case "goal_follow_up":
                return [self.goal_follow_up()]
            case "indicator_tables":
                return [TableBlock(t) for t in self.indicator_tables() if t.rows]
            case "indicator_trends":
                found = indicator_trend_charts(
                    self.indicator_tables(), goals.same_period_earlier(self.period)
                )
                return [ChartGroup(title, found)] if found else []
        raise ValueError(f"unknown content kind {spec.kind!r}")

    def chart(self, name: str) -> Chart:
        table = self.table(name)
        return charts.bar_chart_from_table(
            table, key=name, title=table.title, columns=charts.amount_columns(table)
        )

    def forecast_comments(self, title: str) -> list[Block]:
        forecasts = (
            Forecast.objects.filter(period=self.period)
            .exclude(comment="")
            .select_related("unit")
            .order_by("unit__sort_order", "unit__name")
        )
        blocks: list[Block] = [
            TextBlock(f"forecast_comment:{f.unit.code}", f.comment) for f in forecasts
        ]
        if blocks and title:
            blocks[0].title = title
        return blocks

    def decisions_events(self, kind: str, title: str) -> list[Block]:
        wanted = "decision" if kind == "decisions" else "event"
        items = [d.text for d in self.period.decisions_events.all() if d.kind == wanted]
        return [ItemList(kind, items, title)] if items else []

    def goal_follow_up(self) -> GoalFollowUpBlock:
        return GoalFollowUpBlock(
            [
                PerspectiveFollowUp(
                    p.title,
                    [
                        GoalFollowUp(
                            code=g.code,
                            name=g.name,
                            value=g.assessment,
                            label=g.assessment_label,
                            justification=g.justification,
                            items=[GoalItem(i.kind, i.text) for i in g.items],
                            proposal=g.proposal if self.proposals else "",
                            proposal_label=g.proposal_label if self.proposals else "",
                        )
                        for g in p.goals
                    ],
                )
                for p in goals.goal_follow_up(self.period)
            ]
        )


def _published_columns(table: Table) -> Table:
    """The table without the columns only those who judge see (the system's proposal)."""
    if not any(c.working for c in table.columns):
        return table
    kept = [c for c in table.columns if not c.working]
    keys = {c.key for c in kept}
    rows = [
        replace(row, cells={k: v for k, v in row.cells.items() if k in keys}) for row in table.rows
    ]
    return replace(table, columns=kept, rows=rows)


def _trend_columns(table: Table) -> list[str]:
    return [
        c.key
        for c in table.columns
        if c.kind in (ColumnKind.NUMBER, ColumnKind.PERCENT, ColumnKind.AMOUNT)
        and "target" not in c.key
    ]


def _span(column_key: str) -> int:
    """The months a column's value covers: "2019" a full year, "2020-08" January–August."""
    year, _dash, month = column_key.partition("-")
    return int(month) if month.isdigit() and year.isdigit() else 12


def _span_label(column_key: str, label: str) -> str:
    year, _dash, month = column_key.partition("-")
    if not (year.isdigit() and month.isdigit()):
        return label
    return months_to(int(month), int(year))


_DECIMALS = re.compile(r"\d,(\d+)")


def _shown_decimals(cells: list[Cell]) -> int:
    """The decimals the table prints the values with, so that the chart prints them alike."""
    found = [_DECIMALS.search(cell.text) for cell in cells if cell.value is not None]
    return max((len(m.group(1)) if m else 0 for m in found), default=0)


def _target(table: Table, row) -> tuple[Decimal | None, str]:
    for column in table.columns:
        if "target" in column.key:
            cell = row.cells.get(column.key)
            if cell is not None and cell.value is not None:
                return cell.value, f"{column.label}: {cell.text}"
    return None, ""


def _with_same_period(
    columns: list[str],
    labels: list[str],
    lines: list[tuple[str, object]],
    earlier: dict[str, dict[int, Decimal]],
) -> tuple[list[str], list[int], list[list[Decimal | None]]]:
    """The chart's periods and each line's values: the table's columns, with the same months
    of earlier years put before a part of a year, so that it is compared with its like."""
    periods, spans = [], []
    values: list[list[Decimal | None]] = [[] for _line in lines]
    for key, label in zip(columns, labels, strict=True):
        span = _span(key)
        if span < 12:
            year = int(key.partition("-")[0])
            for earlier_year in sorted({y for _l, r in lines for y in earlier.get(r.ref, {})}):
                if earlier_year >= year:
                    continue
                periods.append(months_to(span, earlier_year))
                spans.append(span)
                for index, (_label, row) in enumerate(lines):
                    values[index].append(earlier.get(row.ref, {}).get(earlier_year))
        periods.append(label)
        spans.append(span)
        for index, (_label, row) in enumerate(lines):
            cell = row.cells.get(key)
            values[index].append(cell.value if cell is not None else None)
    return periods, spans, values


def indicator_trend_charts(
    tables: list[Table], earlier: dict[str, dict[int, Decimal]] | None = None
) -> list[Chart]:
    """A small line chart for every indicator with values in at least two periods.

    An indicator's gender rows (refs "indicator:<code>:K" and ":M") become further lines of
    its chart; a unit row under a group row is titled "<group> – <unit>". Its target is drawn
    as a line, and values of a part of the year are not joined to full years but to the same
    months of earlier years (``earlier``, by row ref), where there are such values.
    """
    earlier = earlier or {}
    found: list[Chart] = []
    for table in tables:
        columns = _trend_columns(table)
        if len(columns) < 2:
            continue
        labels = [table.column(c).label for c in columns]
        spans_labels = [_span_label(c, label) for c, label in zip(columns, labels, strict=True)]
        group = ""
        for index, row in enumerate(table.rows):
            if row.role == RowRole.GROUP:
                group = row.label
                continue
            if row.level == 0:
                group = ""
            if row.ref.count(":") != 1:
                continue
            lines = [("Totalt", row)] + [
                (r.label, r) for r in table.rows[index + 1 :] if r.ref.startswith(row.ref + ":")
            ]
            spans = [_span(c) for c in columns]
            mixed = len(set(spans)) > 1
            periods, spans, values = _with_same_period(
                columns, spans_labels if mixed else labels, lines, earlier
            )
            series = [
                Series(
                    label,
                    line_values,
                    _shown_decimals([r.cells[c] for c in columns if c in r.cells]),
                )
                for (label, r), line_values in zip(lines, values, strict=True)
            ]
            if sum(1 for v in series[0].values if v is not None) < 2:
                continue
            shown = [r.cells[c] for _label, r in lines for c in columns if c in r.cells]
            percent = any(row.cells[c].text.endswith("%") for c in columns if c in row.cells)
            target, target_label = _target(table, row)
            found.append(
                charts.trend_chart(
                    key=f"trend:{row.ref}",
                    title=f"{group} – {row.label}" if group and row.level else row.label,
                    # "jan–aug 2020" beside "2019": the reader sees which values are years
                    periods=periods,
                    series=series,
                    unit="%" if percent else "",
                    decimals=_shown_decimals(shown),
                    spans=spans,
                    target=target,
                    target_label=target_label,
                )
            )
    return found


def _section_blocks(assembler: _Assembler, content: tuple[ContentSpec, ...]) -> list[Block]:
    blocks: list[Block] = []
    for spec in content:
        blocks.extend(assembler.blocks(spec))
    return blocks


def _without_empty(sections: list[Section]) -> list[Section]:
    """Sections with something to show: a heading over nothing (a period without texts or
    investments yet) is left out, and so is a chapter whose sub-sections are all empty."""
    kept = []
    for index, section in enumerate(sections):
        below = []
        for later in sections[index + 1 :]:
            if later.level <= section.level:
                break
            below.append(later)
        if section.blocks or any(s.blocks for s in below):
            kept.append(section)
    return kept


@in_report_language
def build_report(
    period: Period, *, definition: ReportDefinition | None = None, working_copy: bool = False
) -> Report:
    """The period's report, every figure and text read once, ready for any renderer.

    A ``working_copy`` (the report page of a period still being worked on) shows the system's
    proposed assessments to those who judge; the published report has them only when its
    definition asks (``proposals: true``).
    """
    organisation = period.organisation
    if definition is None:
        definition = definition_for(organisation.settings or {})
    # the tables of one period read the ledger, budget, forecasts and goal statuses once
    with sharing():
        assembler = _Assembler(period, proposals=definition.proposals or working_copy)
        sections = _without_empty(
            [
                Section(
                    key=spec.id,
                    title=spec.title.format(**assembler.context),
                    level=level,
                    blocks=_section_blocks(assembler, spec.content),
                )
                for spec, level in definition.walk()
            ]
        )
    return Report(
        organisation=organisation.name,
        organisation_slug=organisation.slug,
        short_name=organisation.short_name,
        municipality=organisation.municipality,
        board=organisation.board,
        period_key=period.key,
        title=report_title(period, definition, assembler.context),
        cover=definition.cover,
        toc=definition.toc,
        sections=sections,
        built_at=timezone.now().isoformat(timespec="seconds"),
        working_copy=working_copy,
    )
