"""Where the records of each batch are kept, and reading them with DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.conf import settings

from tertial.core.sql import quote_literal

MEMORY_LIMIT = "1GB"


def records_dir(organisation_id: int) -> Path:
    return Path(settings.DATA_DIR) / "records" / str(organisation_id)


def batch_path(batch) -> Path:
    return records_dir(batch.organisation_id) / batch.file_name


def connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def relation(batches, year: int, months: list[int], *, supplied: bool = True) -> str | None:
    """The records of ``batches`` in ``months`` of ``year``, with the batch's id as
    ``batch``; None when there are none. With ``supplied`` only the months each batch still
    supplies; without, whatever its file holds (the records a value was computed from
    before a later file replaced some of them)."""
    parts = []
    for batch in batches:
        active = [m for m in months if not supplied or month_key(year, m) in batch.months]
        if not active or not batch_path(batch).is_file():
            continue
        parts.append(
            f"SELECT *, {int(batch.pk)} AS batch FROM "
            f"read_parquet({quote_literal(str(batch_path(batch)))}) "
            f"WHERE year = {int(year)} AND month IN ({', '.join(str(int(m)) for m in active)})"
        )
    if not parts:
        return None
    return "(" + " UNION ALL ".join(parts) + ")"
