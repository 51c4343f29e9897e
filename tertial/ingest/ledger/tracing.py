"""Tracing a balance back to the rows of the files behind it.

Every import keeps its file's rows (tertial.economy.services.imports.store_imports puts them
in ``raw_dir()``): the staged Parquet rows with their line numbers, or a plain CSV file as it
came. Before they are traced they are prepared once (``prepare``, run as a task after each
import and by the first trace if no worker got to it): read as the import read them, and
written as one Parquet file of plain columns sorted by unit, year, month and line in row
groups, so that the rows of one unit or month are found from the row groups' statistics
without reading the rest (docs/decisions/0010-ledger-rows-kept-sorted-for-tracing.md).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from tertial.core.sql import quote_literal
from tertial.economy.services.imports import (
    batches_behind,
    move_raw_rows,
    prepared_path,
    raw_dir,
)
from tertial.ingest.ledger import expressions as expr
from tertial.ingest.ledger.importer import (
    DUCKDB_MEMORY_LIMIT,
    duckdb_connection,
    time_sql,
    with_amount,
)
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


class NotPrepared(Exception):
    """The rows of ``batches`` are too many to prepare while a person waits."""

    def __init__(self, batches: list):
        super().__init__(", ".join(str(b.pk) for b in batches))
        self.batches = batches


# A trace prepares the rows of an import this large itself (a few seconds at most); a larger
# one is prepared by the task after the import, and a request for its rows before then is
# told to come back (``wait_for`` smaller than the batch's rows).
PREPARED_WHILE_WAITING = 500_000


def rows_page(
    organisation,
    year: int,
    months: int | Iterable[int],
    *,
    unit_code: str | None = None,
    account: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    wait_for: int | None = None,
) -> RowsPage:
    """The rows behind the balances of a unit (or, with no unit, of the whole organisation)
    in ``months`` of ``year``, on one account or all: ``limit`` of them (at most MAX_PAGE
    when given) from ``offset``. In order of batch, then a unit's by line, the whole
    organisation's by unit, month and line (the order they are kept in). With ``wait_for``,
    batches of more rows than that not prepared yet raise NotPrepared instead."""
    month_list = sorted({months} if isinstance(months, int) else set(months))
    codes, batches = batches_behind(organisation, unit_code, year, month_list, account)
    if wait_for is not None:
        waiting = [b for b in batches if b.row_count > wait_for and prepared(b) is None]
        if waiting:
            raise NotPrepared(waiting)
    wanted = None if limit is None else min(int(limit), MAX_PAGE)
    skip = max(int(offset), 0)
    count, total, found = 0, Decimal(0), []
    con = _reader()
    try:
        for batch in batches:
            kept = prepare(batch)
            if kept is None:
                continue
            select = _select_prepared(batch, *kept, codes, year, month_list, account)
            full = wanted is not None and len(found) >= wanted
            if codes is not None and not full:
                # A unit's rows are few: the page and the count and sum of them all in one
                # reading of their row groups.
                n, amount, rows = _page_with_totals(con, select, wanted, len(found), skip)
            else:
                rows = None
            if rows is None:
                n, amount = con.execute(
                    _totals_sql(select, kept[0], codes, year, month_list, account)
                ).fetchone()
            count, total = count + n, total + Decimal(amount)
            if full:
                continue
            if skip >= n:
                skip -= n
                continue
            if rows is None:
                page = select
                if wanted is not None:
                    page += f" LIMIT {wanted - len(found)}"
                cursor = con.execute(f"{page} OFFSET {skip}")
                names = [d[0] for d in cursor.description]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            skip = 0
            found += rows
    finally:
        con.close()
    return RowsPage(int(count), total, found, batches)


def _totals_sql(select: str, path: Path, codes, year, months, account) -> str:
    """The count and sum of the rows ``select`` reads: from the counts per unit and month
    kept beside them where they answer it (any account), else by reading the rows."""
    counts = counts_path(path)
    if account is None and counts.is_file():
        return (
            "SELECT coalesce(sum(row_count), 0), coalesce(sum(amount), 0) "
            f"FROM read_parquet({quote_literal(str(counts))}) "
            f"WHERE {_where(codes, year, months, None)}"
        )
    return f"SELECT count(*), coalesce(sum(amount), 0) FROM ({select})"


def _page_with_totals(con, select: str, wanted: int | None, have: int, skip: int):
    """(count, sum, rows) of ``select`` ordered by line: the rows from ``skip`` on, as many
    as the page still wants; rows None when there are none from ``skip`` on."""
    page = (
        f"SELECT *, count(*) OVER () AS _count, coalesce(sum(amount) OVER (), 0) AS _sum "
        f"FROM ({select}) ORDER BY line"
    )
    if wanted is not None:
        page += f" LIMIT {wanted - have}"
    cursor = con.execute(f"{page} OFFSET {skip}")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        return 0, 0, None
    first = rows[0]
    n, amount = first["_count"], first["_sum"]
    for row in rows:
        del row["_count"], row["_sum"]
    return n, amount, rows


_database: duckdb.DuckDBPyConnection | None = None
_database_lock = threading.Lock()


def _reader() -> duckdb.DuckDBPyConnection:
    """A connection of the process's one DuckDB database for reading prepared rows.

    Starting a database costs more than finding a unit's rows (150 ms against 15 ms on the
    loaded benchmark machine), so each process keeps one; each reader gets a connection of
    its own, as one connection must not be used by two threads at once.
    """
    global _database
    with _database_lock:
        if _database is None:
            _database = duckdb.connect()
            _database.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        return _database.cursor()


# Rows per row group of a prepared file (DuckDB's default): one unit's year is read from a
# row group or two. Smaller groups skip more rows but cost more to plan: at 10 M rows a unit's
# rows took 600 ms with 8 192 rows a group, 95 ms with 32 768 and 20 ms with these.
ROW_GROUP_SIZE = 122_880


def prepare(batch) -> tuple[Path, dict] | None:
    """Write the batch's rows in the form they are traced from, once; where they are and
    the JSON describing them, or None when they are gone.

    The import keeps them as read (the file as it came, or the staged text columns), which
    is fastest to keep; this reads them as the import did and writes plain columns sorted by
    unit, year, month and line beside them (``prepared_path``), where they are found by name
    whatever the batch's row says (a transaction that recorded the move may roll back). Not
    audited: nothing the batch stored changes, only the form its source is kept in.
    """
    found = prepared(batch)
    if found is not None:
        return found
    # One preparation at a time per batch, across processes (the task and a first trace).
    with open(prepared_path(batch).with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return prepared(batch) or _prepare(batch)


def prepared(batch) -> tuple[Path, dict] | None:
    """Where the batch's prepared rows are and their JSON; None when not prepared yet."""
    target = prepared_path(batch)
    described = target.with_suffix(".json")
    if target.is_file() and described.is_file():
        info = json.loads(described.read_text(encoding="utf-8"))
        # A batch whose creation was rolled back may have left its number's rows behind.
        if info.get("of") == _identity(batch):
            return target, info
    return None


def _prepare(batch) -> tuple[Path, dict] | None:
    target = prepared_path(batch)
    described = target.with_suffix(".json")
    info = raw_info(batch)
    if info is None:
        return None
    if info.get("format") == "csv":
        info = _stage_kept_file(batch, info)
    staged = Path(batch.raw_path)
    work_dir = Path(tempfile.mkdtemp(prefix="prepare-", dir=raw_dir()))
    con = duckdb_connection(work_dir)
    try:
        partial = work_dir / target.name
        con.execute(
            f"COPY ({_select_staged(batch, info)} ORDER BY unit, year, month, line) "
            f"TO {quote_literal(str(partial))} "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
        )
        # The administration's total has millions of rows behind it: their count and sum
        # per unit and month answer it without reading them.
        counted = work_dir / counts_path(target).name
        con.execute(
            "COPY (SELECT unit, year, month, count(*) AS row_count, sum(amount) AS amount "
            f"FROM read_parquet({quote_literal(str(partial))}) GROUP BY ALL ORDER BY ALL) "
            f"TO {quote_literal(str(counted))} (FORMAT parquet)"
        )
        shutil.move(partial, target)
        shutil.move(counted, counts_path(target))
    finally:
        con.close()
        shutil.rmtree(work_dir, ignore_errors=True)
    info = {
        "format": "prepared",
        "source_name": info["source_name"],
        "of": _identity(batch),
        "prepared_from": info,
    }
    # Written whole before it is renamed into place: its presence says the rows are ready.
    partial_info = described.with_suffix(".json.partial")
    partial_info.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    partial_info.replace(described)
    move_raw_rows(batch, target)
    staged.unlink(missing_ok=True)
    staged.with_suffix(".json").unlink(missing_ok=True)
    return target, info


def _identity(batch) -> list:
    return [batch.pk, batch.checksum, batch.source_name, batch.mapping, batch.row_count]


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


def _select_staged(batch, info) -> str:
    """Every row of a batch's staged rows, in plain columns as the import read them."""
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
    text = expr.dimension("text" if "text" in mapping.columns else None)
    source = parquet_source(Path(batch.raw_path))
    return (
        f"SELECT CAST({staged.line_sql()} AS BIGINT) AS line, "
        f"CAST({y} AS SMALLINT) AS year, CAST({m} AS TINYINT) AS month, "
        f"{expr.code('unit')} AS unit, {expr.code('account')} AS account, "
        f"{expr.dimension('activity' if 'activity' in mapping.columns else None)} AS activity, "
        f"{expr.dimension('project' if 'project' in mapping.columns else None)} AS project, "
        f"CAST(_amount AS DECIMAL(18, 2)) AS amount, {text} AS text "
        f"FROM {with_amount(mapping, staged.decimal_separator, source)}"
    )


def _select_prepared(batch, path: Path, info: dict, codes, year, months, account) -> str:
    """The SELECT of a batch's prepared rows behind the balances asked for (any unit's with
    no ``codes``): plain comparisons, which DuckDB answers from the row groups' statistics."""
    return (
        f"SELECT {int(batch.pk)} AS batch, {quote_literal(info['source_name'])} AS file, "
        "line, year, month, unit, account, activity, project, amount, text "
        f"FROM read_parquet({quote_literal(str(path))}) "
        f"WHERE {_where(codes, year, months, account)}"
    )


def _where(codes, year, months, account) -> str:
    where = [f"year = {int(year)}"]
    if len(months) == 1:
        where.append(f"month = {int(months[0])}")
    else:
        where.append(f"month BETWEEN {int(months[0])} AND {int(months[-1])}")
        if len(months) != months[-1] - months[0] + 1:
            where.append(f"month IN ({', '.join(str(int(x)) for x in months)})")
    if codes is not None:
        where.append("(" + " OR ".join(f"unit = {quote_literal(c)}" for c in codes) + ")")
    if account is not None:
        where.append(f"account = {quote_literal(account)}")
    return " AND ".join(where)


def counts_path(prepared: Path) -> Path:
    """Where the count and sum of a prepared file's rows per unit and month are kept."""
    return prepared.with_suffix(".counts.parquet")
