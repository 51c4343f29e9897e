"""The HTML report: the master every other output follows, and the source of the PDF.

One set of templates (templates/reports/) serves the web view (``standalone=False`` gives the
fragment the web app embeds) and the PDF (``standalone=True`` with the stylesheet inline).
Texts are Markdown, rendered and sanitised by tertial.core.markdown, as on the web pages.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from tertial.core.formatting import NO_DATA, NOT_EXISTING, format_number
from tertial.core.markdown import markdown_to_html
from tertial.core.tables import ColumnKind, RowRole, Table
from tertial.goals.models import STATUS_LABELS
from tertial.reports import charts as chart_drawing
from tertial.reports.language import in_report_language
from tertial.reports.tree import (
    ASSESSMENT_LEGEND,
    ASSESSMENT_SYMBOLS,
    Chart,
    ChartBlock,
    ChartGroup,
    GoalFollowUpBlock,
    ItemList,
    Report,
    Section,
    TableBlock,
    TextBlock,
)

CSS_PATH = Path(__file__).parent / "static" / "reports" / "report.css"
ROW_CLASSES = {
    RowRole.SUM: "sum",
    RowRole.OF_WHICH: "of-which",
    RowRole.GROUP: "group",
    RowRole.SUB: "sub",
    RowRole.DATA: "",
}


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


@dataclass
class CellView:
    text: str
    numeric: bool
    status: str = ""
    status_words: str = ""
    symbol: str = ""  # an assessment's symbol, shown before its words


@dataclass
class RowView:
    label: str
    css: str
    cells: list[CellView]
    indent: int
    label_position: int = 0  # how many cells come before the row header

    @property
    def cells_before(self) -> list[CellView]:
        return self.cells[: self.label_position]

    @property
    def cells_after(self) -> list[CellView]:
        return self.cells[self.label_position :]


@dataclass
class TableView:
    caption: str
    subcaption: str
    label_heading: str
    columns: list[tuple[str, str, bool]]  # label, note, numeric
    rows: list[RowView]
    notes: list[str] = field(default_factory=list)
    key: str = ""
    label_position: int = 0
    labelled_by: str = ""  # the id of the heading that names the table when it has no caption
    # Headers of two rows, when columns share the words before a comma ("Prognos 2020,
    # utgifter" and "…, inkomster" under one "Prognos 2020"): (label, span, numeric) for the
    # first row, a span of 1 standing over both rows; the grouped columns' own words below.
    groups: list[tuple[str, int, bool]] = field(default_factory=list)
    sub_labels: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def columns_before(self) -> list[tuple[str, str, bool]]:
        return self.columns[: self.label_position]

    @property
    def columns_after(self) -> list[tuple[str, str, bool]]:
        return self.columns[self.label_position :]


LABEL_HEADINGS = {"unit": _("Verksamhet"), "account_class": _("Slag"), "project": _("Projekt")}


def label_column(table: Table) -> str | None:
    """The text column that names each row (the indicator, the goal), shown as the row header."""
    for column in table.columns:
        if column.kind != ColumnKind.TEXT:
            continue
        if all(
            row.cells.get(column.key) is not None and row.cells[column.key].text == row.label
            for row in table.rows
        ):
            return column.key
    return None


def _label_heading(table: Table) -> str:
    kinds = {row.ref.split(":", 1)[0] for row in table.rows if row.role == RowRole.DATA and row.ref}
    return str(LABEL_HEADINGS.get(kinds.pop(), "")) if len(kinds) == 1 else ""


MISSING_MARKS = {"", NOT_EXISTING, NO_DATA, "N/A", "–"}


def _aligned_as_numbers(table: Table, key: str) -> bool:
    """A text column of figures (targets such as "≥ 92 %") is aligned as the numbers beside it:
    every cell in it has a value or says that there is none."""
    cells = [row.cells.get(key) for row in table.rows]
    filled = [c for c in cells if c is not None and c.text not in MISSING_MARKS]
    return bool(filled) and all(c.value is not None for c in filled)


def header_groups(
    columns: list[tuple[str, str, bool]],
) -> tuple[list[tuple[str, int, bool]], list[tuple[str, bool]]]:
    """The two header rows of columns that share a first part, by design instead of headers
    that wrap to five lines; ([], []) when no two neighbouring columns share one."""
    runs: list[list[tuple[str, str, bool]]] = []
    for label, _note, numeric in columns:
        head, sep, tail = label.rpartition(", ")
        if sep and runs and runs[-1][0][0] == head:
            runs[-1].append((head, tail, numeric))
        else:
            runs.append([(head, tail, numeric) if sep else (label, "", numeric)])
    if all(len(run) == 1 for run in runs):
        return [], []
    groups, subs = [], []
    for run in runs:
        if len(run) == 1:
            head, tail, numeric = run[0]
            groups.append((f"{head}, {tail}" if tail else head, 1, numeric))
            continue
        groups.append((run[0][0], len(run), run[0][2]))
        subs += [(tail, numeric) for _head, tail, numeric in run]
    return groups, subs


def table_view(table: Table) -> TableView:
    """What the templates need of a table: headers, cells in order, which cell is the row header.

    When one of the table's text columns holds each row's label, that column is the row header
    in its own place; otherwise the label comes first, under a heading such as "Verksamhet".
    """
    label_key = label_column(table)
    numeric = {
        c.key: c.kind not in (ColumnKind.TEXT, ColumnKind.STATUS)
        or (c.kind == ColumnKind.TEXT and _aligned_as_numbers(table, c.key))
        for c in table.columns
    }
    shown = [c for c in table.columns if c.key != label_key]
    label_position = [c.key for c in table.columns].index(label_key) if label_key is not None else 0
    rows = []
    for row in table.rows:
        cells = []
        for column in shown:
            cell = row.cells.get(column.key)
            if cell is None:
                cells.append(CellView("", numeric[column.key]))
                continue
            is_status = column.kind == ColumnKind.STATUS
            words = str(STATUS_LABELS.get(cell.status, "")) if is_status else ""
            symbol = ASSESSMENT_SYMBOLS.get(cell.status, "") if is_status and cell.text else ""
            cells.append(CellView(cell.text, numeric[column.key], cell.status, words, symbol))
        indent = row.level + (1 if row.role == RowRole.OF_WHICH else 0)
        rows.append(RowView(row.label, ROW_CLASSES[row.role], cells, indent, label_position))
    notes = list(table.notes)
    notes += [f"{c.label}: {c.note}" for c in table.columns if c.note and c.note not in notes]
    columns = [(c.label, c.note, numeric[c.key]) for c in shown]
    groups, sub_labels = header_groups(columns) if label_position == 0 else ([], [])
    return TableView(
        # "Investeringar" over "Investeringar, belopp tkr" says the same thing twice.
        caption=table.caption if table.caption.startswith(table.title) else table.title,
        subcaption="" if table.caption.startswith(table.title) else table.caption,
        label_heading=table.column(label_key).label if label_key else _label_heading(table),
        columns=columns,
        rows=rows,
        notes=notes,
        key=table.key,
        label_position=label_position,
        groups=groups,
        sub_labels=sub_labels,
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def under_heading(view: TableView, heading: str, heading_id: str) -> TableView:
    """The table's caption without what its section's heading just said.

    "Personal" under the heading "Personal" is named by the heading (aria-labelledby); under
    "Ekonomi" the caption "Ekonomi, belopp tkr" is shortened to "Belopp tkr"; a subcaption
    that is the heading ("Resultat 31 augusti 2020") is left out."""
    caption, subcaption = view.caption, view.subcaption
    if subcaption.strip() == heading:
        subcaption = ""
    if caption.strip() == heading:
        caption, subcaption = _capitalised(subcaption), ""
    elif caption.startswith(heading + ", "):
        caption = _capitalised(caption[len(heading) + 2 :])
    if caption == view.caption and subcaption == view.subcaption:
        return view
    return replace(
        view,
        caption=caption,
        subcaption=subcaption,
        labelled_by="" if caption else heading_id,
    )


def chart_data_view(chart: Chart) -> TableView:
    # An indicator without a value is "I.U." (no data); a unit that did not exist is "-".
    missing = NO_DATA if chart.kind == "trend" else NOT_EXISTING
    rows = [
        RowView(
            category,
            "",
            [
                CellView(
                    format_number(
                        s.values[i], chart_drawing.series_decimals(chart, s), missing=missing
                    ),
                    True,
                )
                for s in chart.series
            ],
            0,
        )
        for i, category in enumerate(chart.categories)
    ]
    unit = f", {chart.value_label}" if chart.value_label else ""
    return TableView(
        # The figure's caption names the chart; its data table does not say it again.
        caption=str(_("Diagrammets data")) + unit,
        subcaption="",
        label_heading="",
        columns=[(s.label, "", True) for s in chart.series],
        rows=rows,
        notes=[chart.target_label] if chart.target is not None and chart.target_label else [],
    )


def chart_src(chart: Chart) -> str:
    """The chart's SVG as a data URI (an <img> keeps each chart's ids apart from the page's)."""
    svg = chart_drawing.render_svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_view(chart: Chart) -> dict:
    return {
        "title": chart.title,
        "alt": chart.alt,
        "kind": chart.kind,
        "src": chart_src(chart),
        "data": chart_data_view(chart),
    }


def _heading(level: int) -> str:
    return f"h{min(level, 6)}"


def _block_view(block, section_level: int, section: Section | None = None) -> dict:
    inner = _heading(section_level + 2)  # sections of level 1 are <h2>; the cover has the <h1>
    match block:
        case TextBlock():
            return {
                "type": "text",
                "title": block.title,
                "heading": inner,
                "html": markdown_to_html(block.markdown),
            }
        case TableBlock():
            view = table_view(block.table)
            if section is not None:
                view = under_heading(view, section.title, f"{section.anchor}-h")
            return {"type": "table", "table": view}
        case ChartBlock():
            return {"type": "chart", "chart": chart_view(block.chart)}
        case ChartGroup():
            return {
                "type": "chart_group",
                "title": block.title,
                "heading": inner,
                "charts": [chart_view(c) for c in block.charts],
            }
        case ItemList():
            return {
                "type": "list",
                "title": block.title,
                "heading": inner,
                "items": [markdown_to_html(i) for i in block.items],
            }
        case GoalFollowUpBlock():
            return {
                "type": "goals",
                "perspective_heading": inner,
                "goal_heading": _heading(section_level + 3),
                "perspectives": [
                    {
                        "title": p.title,
                        "goals": [
                            {
                                "goal": g,
                                "justification": markdown_to_html(g.justification),
                                "items": [markdown_to_html(i.text) for i in g.items],
                            }
                            for g in p.goals
                        ],
                    }
                    for p in block.perspectives
                ],
            }
    raise TypeError(f"unknown block {block!r}")


def toc_entries(report: Report) -> list[Section]:
    """The chapters and their sections, each once: a section named like a chapter ("Ekonomi"
    within the overall assessment) is found through its chapter, not listed beside it."""
    chapters = {s.title for s in report.sections if s.level == 1}
    return [
        s for s in report.sections if s.level == 1 or (s.level == 2 and s.title not in chapters)
    ]


def report_context(report: Report) -> dict:
    sections = [
        {
            "section": s,
            "heading": _heading(s.level + 1),
            "blocks": [_block_view(b, s.level, s) for b in s.blocks],
        }
        for s in report.sections
    ]
    return {
        "report": report,
        "sections": sections,
        "toc": toc_entries(report),
        "assessment_legend": [
            (value, ASSESSMENT_SYMBOLS[value], words) for value, words in ASSESSMENT_LEGEND
        ],
    }


def _css_string(text: str) -> str:
    """A CSS string literal of any text: every character but letters, digits and spaces
    escaped, so nothing a person typed can end the string or the <style> element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in text) + '"'


def page_style(report: Report) -> str:
    """The running header and footer of the printed pages as @page rules.

    The words are in the stylesheet, not in the page's text, so nothing hidden stands on the
    cover for copy-paste or a screen reader to find ("Sida av")."""
    page, of = _css_string(str(_("Sida")) + " "), _css_string(" " + str(_("av")) + " ")
    return (
        f"@page {{ @top-left {{ content: {_css_string(report.organisation)}; }}"
        f" @top-right {{ content: {_css_string(report.title)}; }}"
        f" @bottom-right {{ content: {page} counter(page) {of} counter(pages); }} }}"
        " @page :first { @top-left { content: none; } @top-right { content: none; }"
        " @bottom-right { content: none; } }"
    )


@in_report_language
def render_html(report: Report, *, standalone: bool = True) -> str:
    """The report as HTML: a whole page with its stylesheet, or the fragment the web embeds."""
    context = report_context(report)
    if not standalone:
        return render_to_string("reports/_report.html", context)
    context["stylesheet"] = _stylesheet() + "\n" + page_style(report)
    return render_to_string("reports/report.html", context)
