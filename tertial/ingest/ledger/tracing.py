"""Tracing a balance back to the rows of the files behind it.

Every import keeps its file's rows (tertial.economy.services.imports.store_imports puts them
in ``raw_dir()``): the staged Parquet rows with their line numbers, or a plain CSV file as it
came, which is staged here when its rows are first traced.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from tertial.core.sql import quote_literal
from tertial.economy.services.imports import batches_behind, move_raw_rows, raw_dir
from tertial.ingest.ledger import expressions as expr
from tertial.ingest.ledger.importer import duckdb_connection, time_sql, with_amount
from tertial.ingest.ledger.mapping import mapping_from_dict
from tertial.ingest.ledger.staging import Staged, parquet_source, stage


def raw_info(batch) -> dict | None:
    """The JSON kept beside a batch's raw rows, or None when they are gone."""
    if not batch.raw_path:
        return None
    info = Path(batch.raw_path).with_suffix(".json")
    if not Path(batch.raw_path).is_file() or not info.is_file():
        return None
    return json.loads(info.read_text(encoding="utf-8"))


def rows_behind(
    organisation,
    unit_code: str,
    year: int,
    months: int | Iterable[int],
    account: str | None = None,
) -> list[dict]:
    """The imported ledger rows behind a unit's balances of ``months`` of ``year``.

    ``months`` is one month or several; an int ``n`` alone means that month only. Rows come
    from the batches whose balances are stored now, each with its file, line and values as
    read; their amounts sum to the stored balances.
    """
    return rows_page(organisation, year, months, unit_code=unit_code, account=account).rows


# The most rows one page of rows may hold: the administration's total has millions behind it.
MAX_PAGE = 1000


@dataclass(frozen=True)
class RowsPage:
    """One page of the rows behind a figure, and what all of them add up to."""

    count: int  # all the rows behind the figure
    total: Decimal  # their sum, in the ledger's sign
    rows: list[dict]  # this page's: batch, file, line, year, month, unit, account, …, text
    batches: list  # the import batches the rows came from, in order


def rows_page(
    organisation,
    year: int,
    months: int | Iterable[int],
    *,
    unit_code: str | None = None,
    account: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> RowsPage:
    """The rows behind the balances of a unit (or, with no unit, of the whole organisation)
    in ``months`` of ``year``, on one account or all, ordered by batch and line: ``limit``
    of them (at most MAX_PAGE when given) from ``offset``."""
    month_list = sorted({months} if isinstance(months, int) else set(months))
    codes, batches = batches_behind(organisation, unit_code, year, month_list, account)
    selects = []
    con = duckdb.connect()
    try:
        for batch in batches:
            info = raw_info(batch)
            if info is None:
                continue
            if info.get("format") == "csv":
                info = _stage_kept_file(batch, info)
            selects.append(_select_raw(batch, info, codes, year, month_list, account))
        if not selects:
            return RowsPage(0, Decimal(0), [], batches)
        rows = " UNION ALL ".join(selects)
        count, total = con.execute(
            f"SELECT count(*), coalesce(sum(amount), 0) FROM ({rows})"
        ).fetchone()
        page = f"SELECT * FROM ({rows}) ORDER BY batch, line"
        if limit is not None:
            page += f" LIMIT {min(int(limit), MAX_PAGE)} OFFSET {max(int(offset), 0)}"
        cursor = con.execute(page)
        names = [d[0] for d in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    return RowsPage(int(count), Decimal(total), found, batches)


def _stage_kept_file(batch, info: dict) -> dict:
    """Stage the kept copy of a batch's CSV file once, as the slow import path would have.

    The import of a good file keeps the file as it came; the first trace of its rows gives
    them their line numbers and replaces the copy with the staged Parquet file.
    """
    kept = Path(batch.raw_path)
    work_dir = Path(tempfile.mkdtemp(prefix="stage-", dir=raw_dir()))
    con = duckdb_connection(work_dir)
    try:
        mapping = mapping_from_dict(info["mapping"])
        staged = stage(kept, mapping, work_dir, con, display_name=info["source_name"])
        if staged.sha256 != batch.checksum:
            raise RuntimeError(f"the kept file of import {batch.pk} has changed: {kept}")
        target = kept.with_suffix(".parquet")
        shutil.move(staged.path, target)
    finally:
        con.close()
        shutil.rmtree(work_dir, ignore_errors=True)
    info = {
        **info,
        "line_offset": staged.line_offset,
        "format": "parquet",
    }
    target.with_suffix(".json").write_text(
        json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    move_raw_rows(batch, target)
    kept.unlink()
    return info


def _select_raw(batch, info, codes, year, months, account) -> str:
    """The SELECT of a batch's kept rows behind the balances asked for (any unit's with no
    ``codes``)."""
    mapping = mapping_from_dict(info["mapping"])
    staged = Staged(
        path=Path(batch.raw_path),
        rows=batch.row_count,
        sha256=batch.checksum,
        size=0,
        decimal_separator=info["decimal_separator"],
        line_offset=info["line_offset"],
    )
    y, m = time_sql(mapping)
    account_sql = expr.code("account")
    text = expr.dimension("text" if "text" in mapping.columns else None)
    where = [f"{y} = {int(year)}", f"{m} IN ({', '.join(str(int(x)) for x in months)})"]
    if codes is not None:
        where.append(f"{expr.code('unit')} IN ({', '.join(quote_literal(c) for c in codes)})")
    if account is not None:
        where.append(f"{account_sql} = {quote_literal(account)}")
    source = parquet_source(Path(batch.raw_path))
    return (
        f"SELECT {int(batch.pk)} AS batch, {quote_literal(info['source_name'])} AS file, "
        f"CAST({staged.line_sql()} AS BIGINT) AS line, {y} AS year, {m} AS month, "
        f"{expr.code('unit')} AS unit, {account_sql} AS account, "
        f"{expr.dimension('activity' if 'activity' in mapping.columns else None)} AS activity, "
        f"{expr.dimension('project' if 'project' in mapping.columns else None)} AS project, "
        f"_amount AS amount, {text} AS text "
        f"FROM {with_amount(mapping, staged.decimal_separator, source)} "
        f"WHERE {' AND '.join(where)}"
    )
