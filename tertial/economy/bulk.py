"""Writing many rows from DuckDB into the database without an ORM object per row.

PostgreSQL gets them through COPY (psycopg's ``cursor.copy``) from CSV files DuckDB writes;
SQLite through INSERTs of a thousand rows each on the raw connection in the caller's
transaction, decimals as doubles. Given in parts, a part is stored while DuckDB computes the
next. Both run inside the caller's ``transaction.atomic`` block, so a failure stores nothing.
"""

from __future__ import annotations

import itertools
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import duckdb
from django.db import connection

from tertial.core.sql import quote_ident, quote_literal

T = TypeVar("T")

ROWS_PER_STATEMENT = 1000
SQLITE_CACHE_KIB = 512 * 1024


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    queries: list[str],
    table: str,
    columns: list[str],
    work_dir: Path,
    *,
    constants: dict[str, int] | None = None,
) -> int:
    """Insert the rows of the DuckDB ``queries``, one after the other and each in ``columns``
    order, into ``table``.

    ``constants`` are columns with the same whole number in every row, not in the queries.
    With several queries the database stores the rows of one while DuckDB computes the next.
    """
    connection.ensure_connection()
    constants = constants or {}
    if connection.vendor == "postgresql":
        values = ", ".join(f"{int(v)} AS {quote_ident(c)}" for c, v in constants.items())
        queries = [f"SELECT *{', ' if values else ''}{values} FROM ({q})" for q in queries]
        return _copy_postgresql(con, queries, table, [*columns, *constants], work_dir)
    return _insert_sqlite(con, queries, table, columns, constants)


def _computed_ahead(queries: list[str], compute: Callable[[int, str], T]) -> Iterator[T]:
    """``compute(index, query)`` of each query, in order, computed by a thread ahead of the
    caller: DuckDB works on the next query while the caller stores the rows of this one.

    The caller must not use the DuckDB connection until the iteration has ended.
    """
    done: queue.Queue = queue.Queue()

    def run() -> None:
        try:
            for index, query in enumerate(queries):
                done.put(compute(index, query))
        except BaseException as exc:  # handed to the caller
            done.put(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        for _query in queries:
            result = done.get()
            if isinstance(result, BaseException):
                raise result
            yield result
    finally:
        thread.join()


def _copy_postgresql(
    con: duckdb.DuckDBPyConnection,
    queries: list[str],
    table: str,
    columns: list[str],
    work_dir: Path,
) -> int:
    """One COPY of the queries' rows from CSV files DuckDB writes."""

    def write_csv(index: int, query: str) -> tuple[Path, int]:
        path = work_dir / f"{table}.{index}.csv"
        # Empty strings are written quoted and NULL unquoted, which is what COPY's CSV
        # format reads back as '' and NULL.
        (count,) = con.execute(
            f"COPY ({query}) TO {quote_literal(str(path))} (FORMAT csv, HEADER false)"
        ).fetchall()[0]
        return path, count

    total = 0
    names = ", ".join(quote_ident(c) for c in columns)
    with (
        closing(_computed_ahead(queries, write_csv)) as parts,
        connection.cursor() as cursor,
    ):
        raw = cursor.cursor  # psycopg's own cursor, in the transaction Django manages
        with raw.copy(f"COPY {quote_ident(table)} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for path, count in parts:
                with path.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                path.unlink()
                total += count
    return total


def _insert_sqlite(
    con: duckdb.DuckDBPyConnection,
    queries: list[str],
    table: str,
    columns: list[str],
    constants: dict[str, int],
) -> int:
    names = ", ".join(quote_ident(c) for c in [*columns, *constants])
    # Constants in the statement itself: fewer values for Python to fetch and SQLite to bind.
    row = "(" + ", ".join(["?"] * len(columns) + [str(int(v)) for v in constants.values()]) + ")"
    insert = f"INSERT INTO {quote_ident(table)} ({names}) VALUES "
    # Many rows per statement: executemany's work per row in Python (binding, stepping and
    # resetting the statement) cost as much as SQLite's own; 700 000 balances 1.26 -> 0.70 s.
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // max(1, len(columns))))
    many = insert + ", ".join([row] * per_statement)

    def materialise(index: int, query: str) -> str:
        part = f"_part_{index}"
        con.execute(f"CREATE OR REPLACE TABLE {part} AS {_decimals_as_doubles(con, query)}")
        return part

    raw = connection.connection.cursor()
    # Every row updates an index; with SQLite's default 2 MiB page cache each insert would
    # read its index pages back from the file.
    (cache_size,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    count = 0
    parts: list[str] = []
    try:
        with closing(_computed_ahead(queries, materialise)) as ready:
            for part in ready:
                parts.append(part)
                # A cursor of its own: the thread computes the next part on the connection.
                result = con.cursor().execute(f"SELECT * FROM {part}")
                while rows := result.fetchmany(per_statement):
                    if len(rows) == per_statement:
                        raw.execute(many, list(itertools.chain.from_iterable(rows)))
                    else:
                        raw.executemany(insert + row, rows)
                    count += len(rows)
                result.close()
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_size)}")
        raw.close()
        for part in parts:
            con.execute(f"DROP TABLE IF EXISTS {part}")
    return count


def _decimals_as_doubles(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """``query`` with its DECIMAL columns as DOUBLE, for SQLite.

    SQLite keeps a Django DecimalField's value as REAL whatever it is given (NUMERIC
    affinity; Django reads it back rounded to the field's decimals, exact below 10^13), so
    the nearest double is what SQLite would have made of the decimal's text, without
    Python creating a Decimal or a string per row on the way.
    """
    relation = con.sql(query)
    decimals = [
        name for name, kind in zip(relation.columns, relation.dtypes, strict=True)
        if str(kind).startswith("DECIMAL")
    ]  # fmt: skip
    if not decimals:
        return query
    casts = ", ".join(f"CAST({quote_ident(c)} AS DOUBLE) AS {quote_ident(c)}" for c in decimals)
    return f"SELECT * REPLACE ({casts}) FROM ({query})"
