"""Live figures in the report's texts: a placeholder a writer puts in a text, shown as the
figure of a report table as it is now.

A placeholder names a table, a row and a column: ``{siffra:operating_summary/unit:1800/
actual}`` is LKDATA's actual result in the operating summary, ``{siffra:full_year_forecast/
summa/forecast}`` the total full-year forecast. The row is the row's reference (what the
row is about) or ``summa`` for the table's sum row. A placeholder is replaced by the cell's
text as the report prints it (whole tkr in the report's number format), so the text follows
the data; a placeholder naming no figure stays as it was written, for the writer to see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tertial.core.tables import ColumnKind, RowRole, Table
from tertial.economy import tables as economy_tables
from tertial.organisation.models import Period

PLACEHOLDER = re.compile(r"\{siffra:([a-z_]+)/([^/{}\s]+)/([a-z_]+)\}")
SUM = "summa"
# The tables whose figures a text may show: the economy's, which the texts speak of.
TABLES = (
    "operating_summary",
    "full_year_forecast",
    "economy_summary",
    "investments",
    "revenue_by_kind",
    "cost_by_kind",
    "net_result_per_unit",
)


@dataclass(frozen=True)
class Figure:
    code: str  # the placeholder
    table: str  # the table's title
    row: str  # the row's label
    column: str  # the column's label
    text: str  # as the report prints it now


def placeholder(table: str, row: str, column: str) -> str:
    return f"{{siffra:{table}/{row}/{column}}}"


def _row_key(row) -> str:
    return SUM if row.role == RowRole.SUM else row.ref


def figures_of(table_name: str, table: Table) -> list[Figure]:
    """Every amount of ``table`` a text may name: of the rows with a reference, and the sum."""
    return [
        Figure(
            placeholder(table_name, _row_key(row), column.key),
            str(table.title),
            str(row.label),
            str(column.label),
            row.cells[column.key].text,
        )
        for row in table.rows
        if _row_key(row)
        for column in table.columns
        if column.kind == ColumnKind.AMOUNT
        and column.key in row.cells
        and row.cells[column.key].value is not None
    ]


def find(table: Table, row_key: str, column: str):
    """The cell a placeholder names in ``table``, or None."""
    for row in table.rows:
        if _row_key(row) == row_key and column in row.cells:
            return row.cells[column]
    return None


def live_text(markdown: str, table_of: Callable[[str], Table]) -> str:
    """``markdown`` with each placeholder replaced by its figure as printed now."""
    if "{siffra:" not in markdown:
        return markdown

    def replace(match: re.Match) -> str:
        table_name, row_key, column = match.groups()
        if table_name not in TABLES:
            return match.group(0)
        cell = find(table_of(table_name), row_key, column)
        return cell.text if cell is not None and cell.value is not None else match.group(0)

    return PLACEHOLDER.sub(replace, markdown)


def placeholders_in(markdown: str) -> list[str]:
    """The placeholders of a text, each once, in order."""
    return list(dict.fromkeys(match.group(0) for match in PLACEHOLDER.finditer(markdown)))


def tables_of(period: Period) -> Callable[[str], Table]:
    """Each table a text may name, built once when first asked for."""
    built: dict[str, Table] = {}

    def table(name: str) -> Table:
        if name not in built:
            built[name] = getattr(economy_tables, name)(period)
        return built[name]

    return table


def report_figures(period: Period) -> list[Figure]:
    """Every figure a text of the period's report may name, table by table."""
    table = tables_of(period)
    return [figure for name in TABLES for figure in figures_of(name, table(name))]


def current_values(period: Period, markdown: str) -> list[tuple[str, str | None]]:
    """Each placeholder of a text with the figure it shows now; None where it names none."""
    table = tables_of(period)
    values = []
    for code in placeholders_in(markdown):
        shown = live_text(code, table)
        values.append((code, None if shown == code else shown))
    return values
