"""The assembled report: a plain tree of sections, texts, tables and charts.

``build_report`` fills it from the database once; every renderer (HTML, PDF, Word, Excel),
the report checks and the frozen editions only read it. It serialises to JSON and back
without loss (exact Decimals as strings), so a frozen edition renders exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from tertial.core.tables import Cell, Column, ColumnKind, Row, RowRole, Table

ASSESSMENT_SYMBOLS = {
    "met": "●",
    "partly_met": "◐",
    "not_met": "○",
    "not_assessable": "–",
}
# The symbols' meaning, printed above the goal follow-up: status is never colour alone.
ASSESSMENT_LEGEND = [
    ("met", _("Nämndmålet bedöms uppnås per helår")),
    ("partly_met", _("Nämndmålet bedöms delvis uppnås per helår")),
    ("not_met", _("Nämndmålet bedöms ej uppnås per helår")),
    ("not_assessable", _("Nämndmålet kan ej bedömas")),
]


@dataclass
class TextBlock:
    key: str
    markdown: str
    title: str = ""


@dataclass
class TableBlock:
    table: Table
    sheet: str = ""  # its Excel sheet's name, from the report definition's short title


@dataclass
class Series:
    label: str
    values: list[Decimal | None]
    decimals: int | None = None  # as the table prints this series; None: the chart's


@dataclass
class Chart:
    """The data of one chart; renderers draw it (SVG, PNG) and print it as a table."""

    key: str
    kind: str  # "bars" (grouped horizontal bars) or "trend" (a small line chart)
    title: str
    categories: list[str]
    series: list[Series]
    value_label: str  # "tkr", "%", "antal"
    alt: str
    decimals: int = 0
    # What each category's value covers, as months from January (12: a full year, 8: January
    # to August): a line joins only values of the same kind of period.
    spans: list[int] = field(default_factory=list)
    target: Decimal | None = None
    target_label: str = ""  # "Mål 2020: ≥ 92 %", drawn and named with the line


@dataclass
class ChartBlock:
    chart: Chart
    sheet: str = ""


@dataclass
class ChartGroup:
    """Several small charts shown together (an indicator's trend, one chart each)."""

    title: str
    charts: list[Chart]


@dataclass
class ItemList:
    key: str
    items: list[str]
    title: str = ""


@dataclass
class GoalItem:
    kind: str  # result, activity, deviation
    text: str


@dataclass
class GoalFollowUp:
    code: str
    name: str
    value: str  # met, partly_met, not_met, not_assessable, "" when not assessed
    label: str  # the assessment in words
    justification: str
    items: list[GoalItem] = field(default_factory=list)
    proposal: str = ""
    proposal_label: str = ""

    @property
    def symbol(self) -> str:
        return ASSESSMENT_SYMBOLS.get(self.value, "")


@dataclass
class PerspectiveFollowUp:
    title: str
    goals: list[GoalFollowUp]


@dataclass
class GoalFollowUpBlock:
    perspectives: list[PerspectiveFollowUp]


Block = TextBlock | TableBlock | ChartBlock | ChartGroup | ItemList | GoalFollowUpBlock


@dataclass
class Section:
    key: str
    title: str
    level: int  # 1–3
    blocks: list[Block] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"s-{self.key}"


@dataclass
class Report:
    organisation: str
    organisation_slug: str
    short_name: str
    municipality: str
    board: str
    period_key: str
    title: str  # "Delårsrapport januari–augusti 2020"
    cover: bool
    toc: bool
    sections: list[Section]
    built_at: str = ""  # ISO timestamp
    edition: int | None = None  # the frozen edition this tree comes from, if any
    # A working copy shows the system's proposals to those who judge; never published.
    working_copy: bool = False

    def tables(self) -> list[Table]:
        return [b.table for s in self.sections for b in s.blocks if isinstance(b, TableBlock)]

    def charts(self) -> list[Chart]:
        found: list[Chart] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, ChartBlock):
                    found.append(block.chart)
                elif isinstance(block, ChartGroup):
                    found.extend(block.charts)
        return found

    def texts(self) -> list[tuple[Section, TextBlock]]:
        return [(s, b) for s in self.sections for b in s.blocks if isinstance(b, TextBlock)]

    def goals(self) -> list[GoalFollowUp]:
        return [
            goal
            for s in self.sections
            for b in s.blocks
            if isinstance(b, GoalFollowUpBlock)
            for p in b.perspectives
            for goal in p.goals
        ]


# --- serialisation -------------------------------------------------------------------------


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def table_to_data(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "caption": table.caption,
        "notes": list(table.notes),
        "columns": [
            {
                "key": c.key,
                "label": c.label,
                "kind": str(c.kind),
                "note": c.note,
                "working": c.working,
            }
            for c in table.columns
        ],
        "rows": [
            {
                "label": r.label,
                "role": str(r.role),
                "level": r.level,
                "ref": r.ref,
                "cells": {
                    k: {
                        "text": c.text,
                        "value": _dec(c.value),
                        "source": c.source,
                        "status": c.status,
                    }
                    for k, c in r.cells.items()
                },
            }
            for r in table.rows
        ],
    }


def table_from_data(data: dict[str, Any]) -> Table:
    return Table(
        key=data["key"],
        title=data["title"],
        caption=data.get("caption", ""),
        notes=list(data.get("notes", [])),
        columns=[
            Column(
                key=c["key"],
                label=c["label"],
                kind=ColumnKind(c["kind"]),
                note=c.get("note", ""),
                working=c.get("working", False),
            )
            for c in data["columns"]
        ],
        rows=[
            Row(
                label=r["label"],
                role=RowRole(r["role"]),
                level=r.get("level", 0),
                ref=r.get("ref", ""),
                cells={
                    k: Cell(
                        text=c["text"],
                        value=_undec(c["value"]),
                        source=c.get("source", ""),
                        status=c.get("status", ""),
                    )
                    for k, c in r["cells"].items()
                },
            )
            for r in data["rows"]
        ],
    )


def _chart_to_data(chart: Chart) -> dict[str, Any]:
    return {
        "key": chart.key,
        "kind": chart.kind,
        "title": chart.title,
        "categories": list(chart.categories),
        "series": [
            {"label": s.label, "values": [_dec(v) for v in s.values], "decimals": s.decimals}
            for s in chart.series
        ],
        "value_label": chart.value_label,
        "alt": chart.alt,
        "decimals": chart.decimals,
        "spans": list(chart.spans),
        "target": _dec(chart.target),
        "target_label": chart.target_label,
    }


def _chart_from_data(data: dict[str, Any]) -> Chart:
    return Chart(
        key=data["key"],
        kind=data["kind"],
        title=data["title"],
        categories=list(data["categories"]),
        series=[
            Series(s["label"], [_undec(v) for v in s["values"]], s.get("decimals"))
            for s in data["series"]
        ],
        value_label=data["value_label"],
        alt=data["alt"],
        decimals=data.get("decimals", 0),
        spans=list(data.get("spans", [])),
        target=_undec(data.get("target")),
        target_label=data.get("target_label", ""),
    )


def _block_to_data(block: Block) -> dict[str, Any]:
    match block:
        case TextBlock():
            return {
                "type": "text",
                "key": block.key,
                "markdown": block.markdown,
                "title": block.title,
            }
        case TableBlock():
            return {"type": "table", "table": table_to_data(block.table), "sheet": block.sheet}
        case ChartBlock():
            return {"type": "chart", "chart": _chart_to_data(block.chart), "sheet": block.sheet}
        case ChartGroup():
            return {
                "type": "chart_group",
                "title": block.title,
                "charts": [_chart_to_data(c) for c in block.charts],
            }
        case ItemList():
            return {
                "type": "list",
                "key": block.key,
                "items": list(block.items),
                "title": block.title,
            }
        case GoalFollowUpBlock():
            return {
                "type": "goals",
                "perspectives": [
                    {
                        "title": p.title,
                        "goals": [
                            {
                                "code": g.code,
                                "name": g.name,
                                "value": g.value,
                                "label": g.label,
                                "justification": g.justification,
                                "items": [{"kind": i.kind, "text": i.text} for i in g.items],
                                "proposal": g.proposal,
                                "proposal_label": g.proposal_label,
                            }
                            for g in p.goals
                        ],
                    }
                    for p in block.perspectives
                ],
            }
    raise TypeError(f"unknown block {block!r}")


def _block_from_data(data: dict[str, Any]) -> Block:
    kind = data["type"]
    if kind == "text":
        return TextBlock(key=data["key"], markdown=data["markdown"], title=data.get("title", ""))
    if kind == "table":
        return TableBlock(table_from_data(data["table"]), data.get("sheet", ""))
    if kind == "chart":
        return ChartBlock(_chart_from_data(data["chart"]), data.get("sheet", ""))
    if kind == "chart_group":
        return ChartGroup(data["title"], [_chart_from_data(c) for c in data["charts"]])
    if kind == "list":
        return ItemList(key=data["key"], items=list(data["items"]), title=data.get("title", ""))
    if kind == "goals":
        return GoalFollowUpBlock(
            [
                PerspectiveFollowUp(
                    p["title"],
                    [
                        GoalFollowUp(
                            code=g["code"],
                            name=g["name"],
                            value=g["value"],
                            label=g["label"],
                            justification=g["justification"],
                            items=[GoalItem(i["kind"], i["text"]) for i in g["items"]],
                            proposal=g.get("proposal", ""),
                            proposal_label=g.get("proposal_label", ""),
                        )
                        for g in p["goals"]
                    ],
                )
                for p in data["perspectives"]
            ]
        )
    raise ValueError(f"unknown block type {kind!r}")


def report_to_data(report: Report) -> dict[str, Any]:
    return {
        "organisation": report.organisation,
        "organisation_slug": report.organisation_slug,
        "short_name": report.short_name,
        "municipality": report.municipality,
        "board": report.board,
        "period_key": report.period_key,
        "title": report.title,
        "cover": report.cover,
        "toc": report.toc,
        "built_at": report.built_at,
        "edition": report.edition,
        "working_copy": report.working_copy,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "level": s.level,
                "blocks": [_block_to_data(b) for b in s.blocks],
            }
            for s in report.sections
        ],
    }


def report_from_data(data: dict[str, Any]) -> Report:
    return Report(
        organisation=data["organisation"],
        organisation_slug=data["organisation_slug"],
        short_name=data["short_name"],
        municipality=data["municipality"],
        board=data["board"],
        period_key=data["period_key"],
        title=data["title"],
        cover=data["cover"],
        toc=data["toc"],
        built_at=data.get("built_at", ""),
        edition=data.get("edition"),
        working_copy=data.get("working_copy", False),
        sections=[
            Section(
                key=s["key"],
                title=s["title"],
                level=s["level"],
                blocks=[_block_from_data(b) for b in s["blocks"]],
            )
            for s in data["sections"]
        ],
    )
