"""Assembling a period's report from the database, once, into the plain tree of tree.py."""

from __future__ import annotations

from collections.abc import Callable

from babel.dates import format_date
from django.utils import timezone

from tertial.core.formatting import decimals_of
from tertial.core.months import month_name
from tertial.core.sharing import sharing
from tertial.core.tables import ColumnKind, RowRole, Table
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
    "goal_overview": goals.goal_overview,
    "core_volumes": goals.core_volumes,
    "personnel": goals.personnel,
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

    def __init__(self, period: Period):
        self.period = period
        self.context = title_context(period)
        self._tables: dict[str, Table] = {}
        self._texts = {s.key: s for s in period.narrative_sections.all()}
        self._indicator_tables: list[Table] | None = None

    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = TABLE_FUNCTIONS[name](self.period)
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
                return [TableBlock(table)]
            case "chart":
                return [ChartBlock(self.chart(spec.argument))]
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
                found = indicator_trend_charts(self.indicator_tables())
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
                            proposal=g.proposal,
                            proposal_label=g.proposal_label,
                        )
                        for g in p.goals
                    ],
                )
                for p in goals.goal_follow_up(self.period)
            ]
        )


def _trend_columns(table: Table) -> list[str]:
    return [
        c.key
        for c in table.columns
        if c.kind in (ColumnKind.NUMBER, ColumnKind.PERCENT, ColumnKind.AMOUNT)
        and "target" not in c.key
    ]


def indicator_trend_charts(tables: list[Table]) -> list[Chart]:
    """A small line chart for every indicator with values in at least two periods.

    An indicator's gender rows (refs "indicator:<code>:K" and ":M") become further lines of
    its chart; a unit row under a group row is titled "<group> – <unit>".
    """
    found: list[Chart] = []
    for table in tables:
        columns = _trend_columns(table)
        if len(columns) < 2:
            continue
        periods = [table.column(c).label for c in columns]
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
            series = [
                Series(label, [r.cells[c].value if c in r.cells else None for c in columns])
                for label, r in lines
            ]
            if sum(1 for v in series[0].values if v is not None) < 2:
                continue
            known = [v for s in series for v in s.values if v is not None]
            percent = any(row.cells[c].text.endswith("%") for c in columns if c in row.cells)
            found.append(
                charts.trend_chart(
                    key=f"trend:{row.ref}",
                    title=f"{group} – {row.label}" if group and row.level else row.label,
                    periods=periods,
                    series=series,
                    unit="%" if percent else "",
                    decimals=max(decimals_of(v.normalize()) for v in known),
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
def build_report(period: Period, *, definition: ReportDefinition | None = None) -> Report:
    """The period's report, every figure and text read once, ready for any renderer."""
    organisation = period.organisation
    if definition is None:
        definition = definition_for(organisation.settings or {})
    # the tables of one period read the ledger, budget, forecasts and goal statuses once
    with sharing():
        assembler = _Assembler(period)
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
    )
