"""Turning tertial's values into JSON: exact decimals as strings, dates as ISO text.

Numbers leave as strings because JSON numbers become binary floats in most readers
(Power Query, JavaScript), which would change an exact amount such as 8 486 123,45 kr.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tertial.core.money import to_tkr
from tertial.core.tables import Cell, Column, ColumnKind, Row, Table, source_reference


def decimal_string(value: Decimal | None, decimals: int | None = None) -> str | None:
    """An exact decimal without exponent: 1E+3 → "1000"; with ``decimals`` (how a value was
    written, e.g. "2,0") exactly that many, otherwise without trailing zeros (91.000000 → "91")."""
    if value is None:
        return None
    if decimals is not None and value == round(value, decimals):
        return format(value.quantize(Decimal(1).scaleb(-decimals)), "f")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# The address of the rows behind a cell's reference, or None where no rows can be listed.
RowsUrl = Callable[[dict], str | None]


def cell_json(cell: Cell, column: Column, rows_url: RowsUrl | None = None) -> dict[str, Any]:
    reference = source_reference(cell.source)
    data: dict[str, Any] = {
        "text": str(cell.text),
        "value": decimal_string(cell.value),
        "source": cell.source,
        "reference": reference,
    }
    if reference is not None and rows_url is not None and (rows := rows_url(reference)):
        data["rows"] = rows
    if column.kind == ColumnKind.AMOUNT:
        # The report shows amounts in whole tkr; give the same rounded figure beside the exact one.
        data["tkr"] = to_tkr(cell.value) if cell.value is not None else None
    if cell.status:
        data["status"] = cell.status
    return data


def row_json(row: Row, columns: list[Column], rows_url: RowsUrl | None = None) -> dict[str, Any]:
    return {
        "label": str(row.label),
        "role": str(row.role),
        "level": row.level,
        "ref": row.ref,
        "cells": {
            column.key: cell_json(row.cells[column.key], column, rows_url)
            for column in columns
            if column.key in row.cells
        },
    }


def table_json(table: Table, rows_url: RowsUrl | None = None) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": str(table.title),
        "caption": str(table.caption),
        "notes": [str(note) for note in table.notes],
        "columns": [
            {"key": c.key, "label": str(c.label), "kind": str(c.kind), "note": str(c.note)}
            for c in table.columns
        ],
        "rows": [row_json(row, table.columns, rows_url) for row in table.rows],
    }
