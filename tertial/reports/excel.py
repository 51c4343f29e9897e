"""The Excel (.xlsx) report: one sheet per table, numbers as numbers.

Amounts are written in tkr as exact numbers (kronor / 1000, not rounded) with a whole-tkr
format so they show as the report prints them and still add up exactly in Excel; indicator
values keep their own decimals. "-" and "I.U." are written as text only where there is no
number.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tertial.core.tables import ColumnKind, RowRole, Table
from tertial.reports.language import in_report_language
from tertial.reports.tree import Report

ONE_THOUSAND = Decimal(1000)
TKR_FORMAT = "#,##0"
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


def _sheet_name(title: str, taken: set[str]) -> str:
    base = FORBIDDEN_IN_SHEET_NAMES.sub(" ", title).strip().strip("'") or "Tabell"
    base = re.sub(r"\s+", " ", base)
    name = base[:MAX_SHEET_NAME]
    number = 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def _number_format(kind: ColumnKind, text: str) -> str:
    """The format showing the number as the report prints it (decimals taken from its text).

    Format codes are stored in Excel's invariant (en-US) notation; a Swedish Excel shows
    "#,##0" with a space as thousands separator and a decimal comma.
    """
    if kind == ColumnKind.AMOUNT:
        return TKR_FORMAT
    decimals = re.search(r",(\d+)", text)
    places = len(decimals.group(1)) if decimals else 0
    code = "#,##0" + ("." + "0" * places if places else "")
    if kind == ColumnKind.PERCENT or text.rstrip().endswith("%"):
        code += '" %"'
    return code


def _write_table(sheet, table: Table) -> None:
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=12)
    header = [""] + [c.label for c in table.columns]
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    widths = [max(12, len(header[0]))] + [max(10, min(len(c.label), 24)) for c in table.columns]
    for row in table.rows:
        values: list[object] = [row.label]
        formats: list[str | None] = [None]
        for column in table.columns:
            cell = row.cells.get(column.key)
            if cell is None:
                values.append(None)
                formats.append(None)
            elif cell.value is not None and column.kind not in (ColumnKind.TEXT, ColumnKind.STATUS):
                exact = (
                    cell.value / ONE_THOUSAND if column.kind == ColumnKind.AMOUNT else cell.value
                )
                # Excel stores doubles; the exact Decimal is converted once, here, for the file.
                values.append(float(exact))
                formats.append(_number_format(column.kind, cell.text))
            else:
                values.append(cell.text)
                formats.append(None)
        sheet.append(values)
        current = sheet[sheet.max_row]
        indent = row.level + (1 if row.role in (RowRole.OF_WHICH, RowRole.SUB) else 0)
        current[0].alignment = Alignment(indent=indent)
        widths[0] = max(widths[0], min(len(row.label) + 2 * indent, 60))
        for index, (cell, fmt) in enumerate(zip(current, formats, strict=True)):
            if fmt:
                cell.number_format = fmt
            elif index > 0:
                cell.alignment = Alignment(horizontal="right")
            if row.role in (RowRole.SUM, RowRole.GROUP):
                cell.font = Font(bold=True)
    notes = list(table.notes) + [f"{c.label}: {c.note}" for c in table.columns if c.note]
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([note])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)


@in_report_language
def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{report.title} – {report.organisation}"
    workbook.properties.creator = report.organisation
    workbook.properties.language = "sv-SE"
    taken: set[str] = set()
    for table in report.tables():
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        _write_table(sheet, table)
    if not workbook.worksheets:
        workbook.create_sheet("Rapport").append([report.title, "inga tabeller"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
