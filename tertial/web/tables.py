"""A report table (tertial.core.tables.Table) as a page shows it: plain values for the
template web/partials/table.html, which draws it the same way on every page."""

from __future__ import annotations

from tertial.core.tables import ColumnKind, RowRole, Table


def table_view(table: Table) -> dict:
    numeric = [column.kind != ColumnKind.TEXT for column in table.columns]
    return {
        "key": table.key,
        "title": table.title,
        "caption": table.caption,
        "notes": table.notes,
        "columns": [
            (column.label, num) for column, num in zip(table.columns, numeric, strict=True)
        ],
        "width": len(table.columns) + 1,
        "rows": [
            {
                "label": row.label,
                "group": row.role == RowRole.GROUP,
                "sum": row.role == RowRole.SUM,
                "level": row.level,
                "cells": [
                    (row.cells[column.key].text if column.key in row.cells else "", num)
                    for column, num in zip(table.columns, numeric, strict=True)
                ],
            }
            for row in table.rows
        ],
    }
