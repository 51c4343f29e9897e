"""The Excel (.xlsx) report: one sheet per table and per chart, numbers as numbers.

Amounts are written in tkr as exact numbers (kronor / 1000, not rounded) with a whole-tkr
format so they show as the report prints them and still add up exactly in Excel; indicator
values keep their own decimals. A target is its number, its comparator and unit part of the
number format ("≥ 92 %" is 92 shown as ≥ 92 %), so a formula can use it. Where the report
prints "-", "I.U." or "N/A" the cell is empty with a note saying which. A last sheet,
"Källor", says where each sheet's figures come from.

Every text that Excel or LibreOffice could take for a formula (it begins with =, +, -, @,
a tab or a carriage return) is written as text: a unit or goal name never runs as a formula.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tertial.core.formatting import NO_DATA, NOT_EXISTING
from tertial.core.tables import ColumnKind, RowRole, Table
from tertial.goals.tables import CORE_VOLUMES_MISSING
from tertial.reports.html import label_column
from tertial.reports.language import in_report_language
from tertial.reports.tree import Chart, ChartBlock, Report, Section, TableBlock

ONE_THOUSAND = Decimal(1000)
TKR_FORMAT = "#,##0"
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as the report prints it: no-break or narrow spaces between thousands, a real
# minus sign or a hyphen, a decimal comma.
_NUMBER = re.compile(r"[−-]?\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?:,\d+)?|[−-]?\d+(?:,\d+)?")


def _missing_notes() -> dict[str, str]:
    return {
        NOT_EXISTING: _("-: uppgiften finns inte (verksamheten fanns inte eller saknar värde)."),
        NO_DATA: _("I.U.: inga uppgifter för perioden."),
        CORE_VOLUMES_MISSING: _("N/A: uppgiften är inte tillämplig eller saknas."),
    }


# What each kind of source behind a cell is, for the sources sheet.
def _source_kinds() -> dict[str, str]:
    return {
        "ledger": _("huvudboken (importerade konteringar, summerade per månad)"),
        "budget": _("budgeten"),
        "forecast": _("verksamheternas prognoser"),
        "formula": _("beräknat i tabellen (summa, avvikelse)"),
        "investment": _("investeringsprojektens utfall och prognos"),
        "frame": _("investeringsramen"),
        "indicator": _("indikatorernas värden (inlästa, inmatade eller beräknade)"),
        "indicator_target": _("indikatorernas målvärden"),
        "goal": _("nämndmålen och deras bedömning"),
    }


def safe_text(cell, text: str) -> None:
    """Write ``text`` to ``cell`` as text, never as a formula."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def sheet_name(candidates: list[str], taken: set[str]) -> str:
    """The first of the candidate titles that is free, cut to 31 characters at a word.

    A table's short title comes first, its caption after ("Målområde: Ekonomi" twice becomes
    "Kostnadseffektiv verksamhet" and "Hållbar ekonomi", their captions' council goals)."""
    names = []
    for candidate in candidates:
        base = re.sub(r"\s+", " ", FORBIDDEN_IN_SHEET_NAMES.sub(" ", candidate)).strip(" '")
        if not base:
            continue
        if len(base) > MAX_SHEET_NAME:
            cut = base[: MAX_SHEET_NAME + 1].rsplit(" ", 1)[0]
            base = cut if cut and len(cut) <= MAX_SHEET_NAME else base[:MAX_SHEET_NAME]
        base = base.rstrip(" ,;.–-")
        names.append(base)
        if base.lower() not in taken:
            taken.add(base.lower())
            return base
    base = (names or [_("Tabell")])[0]
    number = 2
    while True:
        suffix = f" {number}"
        name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
        number += 1


def _literal(text: str) -> str:
    return '"' + text.replace('"', "") + '"' if text else ""


def number_format(kind: ColumnKind, text: str) -> str:
    """The format showing the number as the report prints it: decimals from its text, and any
    comparator, unit or note around the number as literal text ("≥ 92 %")."""
    if kind == ColumnKind.AMOUNT:
        return TKR_FORMAT
    match = _NUMBER.search(text)
    if match is None:
        return _literal(text)  # "Nollresultat": the number 0, shown as the word
    decimals = match.group().partition(",")[2]
    code = "#,##0" + ("." + "0" * len(decimals) if decimals else "")
    prefix, suffix = text[: match.start()], text[match.end() :]
    return _literal(prefix) + code + _literal(suffix.replace("\u00a0", " "))


@dataclass
class _Sheet:
    name: str
    title: str
    section: str
    sources: str
    notes: list[str]


class _Writer:
    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.taken: set[str] = set()
        self.sheets: list[_Sheet] = []
        self.missing = _missing_notes()

    def _new_sheet(self, candidates: list[str], title: str, caption: str):
        sheet = self.workbook.create_sheet(sheet_name(candidates, self.taken))
        safe_text(sheet.cell(row=1, column=1), title)
        sheet["A1"].font = Font(bold=True, size=12)
        if caption:
            safe_text(sheet.cell(row=2, column=1), caption)
        return sheet

    def _header(self, sheet, labels: list[str]) -> tuple[int, list[int]]:
        row = sheet.max_row + 2
        for index, label in enumerate(labels, start=1):
            cell = sheet.cell(row=row, column=index)
            safe_text(cell, label)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        widths = [max(12, len(labels[0]))] + [max(10, min(len(label), 24)) for label in labels[1:]]
        return row, widths

    def _missing(self, cell, text: str) -> None:
        """An empty cell where the report prints no number, with a note saying why."""
        note = self.missing.get(text.strip())
        if note:
            cell.comment = Comment(note, "tertial")

    def table(self, table: Table, section: Section, short_title: str = "") -> None:
        # The definition's short title; else a caption that names one of several tables
        # alike ("Kommunövergripande mål: Hållbar ekonomi" under "Målområde: Ekonomi").
        named = table.caption.partition(": ")[2]
        candidates = [short_title, named, table.title, table.caption]
        sheet = self._new_sheet(candidates, table.title, table.caption)
        label_key = label_column(table)
        columns = [c for c in table.columns if c.key != label_key]
        label_heading = table.column(label_key).label if label_key else ""
        header_row, widths = self._header(sheet, [label_heading] + [c.label for c in columns])
        for row in table.rows:
            r = sheet.max_row + 1
            label = sheet.cell(row=r, column=1)
            safe_text(label, row.label)
            indent = row.level + (1 if row.role in (RowRole.OF_WHICH, RowRole.SUB) else 0)
            label.alignment = Alignment(indent=indent)
            widths[0] = max(widths[0], min(len(row.label) + 2 * indent, 60))
            for index, column in enumerate(columns, start=2):
                cell = sheet.cell(row=r, column=index)
                found = row.cells.get(column.key)
                if found is None:
                    continue
                if found.value is not None and column.kind != ColumnKind.STATUS:
                    exact = (
                        found.value / ONE_THOUSAND
                        if column.kind == ColumnKind.AMOUNT
                        else found.value
                    )
                    # Excel stores doubles; the exact Decimal is converted once, here.
                    cell.value = float(exact)
                    cell.number_format = number_format(column.kind, found.text)
                elif column.kind in (ColumnKind.TEXT, ColumnKind.STATUS):
                    if found.text.strip() in self.missing and column.kind == ColumnKind.TEXT:
                        self._missing(cell, found.text)
                    else:
                        safe_text(cell, found.text)
                else:
                    self._missing(cell, found.text)
                if row.role in (RowRole.SUM, RowRole.GROUP):
                    cell.font = Font(bold=True)
            if row.role in (RowRole.SUM, RowRole.GROUP):
                label.font = Font(bold=True)
        notes = list(table.notes) + [f"{c.label}: {c.note}" for c in table.columns if c.note]
        self._finish(sheet, header_row, widths, notes)
        kinds = _source_kinds()
        prefixes = dict.fromkeys(
            c.source.split(":", 1)[0] for row in table.rows for c in row.cells.values() if c.source
        )
        self.sheets.append(
            _Sheet(
                sheet.title,
                table.title,
                section.title,
                "; ".join(kinds.get(p, p) for p in prefixes),
                notes,
            )
        )

    def chart(self, chart: Chart, section: Section, short_title: str = "") -> None:
        caption = _("Diagrammets data, %(unit)s") % {"unit": chart.value_label}
        sheet = self._new_sheet([short_title, chart.title], chart.title, caption)
        header_row, widths = self._header(sheet, [""] + [s.label for s in chart.series])
        in_tkr = chart.value_label == "tkr"
        for index, category in enumerate(chart.categories):
            r = sheet.max_row + 1
            safe_text(sheet.cell(row=r, column=1), category)
            widths[0] = max(widths[0], min(len(category), 60))
            for column, series in enumerate(chart.series, start=2):
                cell = sheet.cell(row=r, column=column)
                value = series.values[index]
                if value is None:
                    self._missing(cell, NOT_EXISTING if in_tkr else NO_DATA)
                    continue
                cell.value = float(value)
                cell.number_format = TKR_FORMAT if in_tkr else "#,##0"
        self._finish(sheet, header_row, widths, [])
        self.sheets.append(
            _Sheet(
                sheet.title,
                chart.title,
                section.title,
                _("samma uppgifter som diagrammet i rapporten"),
                [],
            )
        )

    def _finish(self, sheet, header_row: int, widths: list[int], notes: list[str]) -> None:
        if notes:
            sheet.append([])
            for note in notes:
                safe_text(sheet.cell(row=sheet.max_row + 1, column=1), note)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)

    def sources(self, report: Report) -> None:
        sheet = self.workbook.create_sheet(sheet_name([_("Källor")], self.taken))
        safe_text(sheet.cell(row=1, column=1), _("Källor till rapportens tabeller"))
        sheet["A1"].font = Font(bold=True, size=12)
        safe_text(sheet.cell(row=2, column=1), f"{report.title} – {report.organisation}")
        labels = [_("Blad"), _("Tabell"), _("Avsnitt i rapporten"), _("Uppgifterna kommer från")]
        header_row, _widths = self._header(sheet, labels)
        for found in self.sheets:
            r = sheet.max_row + 1
            for column, text in enumerate(
                (found.name, found.title, found.section, found.sources), start=1
            ):
                safe_text(sheet.cell(row=r, column=column), text)
        for letter, width in zip("ABCD", (32, 50, 45, 80), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


@in_report_language
def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{report.title} – {report.organisation}"
    workbook.properties.creator = report.organisation
    workbook.properties.language = "sv-SE"
    writer = _Writer(workbook)
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, TableBlock):
                writer.table(block.table, section, block.sheet)
            elif isinstance(block, ChartBlock):
                writer.chart(block.chart, section, block.sheet)
    if writer.sheets:
        writer.sources(report)
    else:
        sheet = workbook.create_sheet(_("Rapport"))
        safe_text(sheet.cell(row=1, column=1), report.title)
        safe_text(sheet.cell(row=1, column=2), _("inga tabeller"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
