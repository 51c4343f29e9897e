"""Writing many rows from DuckDB into the database without an ORM object per row.

PostgreSQL gets them through COPY (psycopg's ``cursor.copy``) from a CSV file DuckDB writes;
SQLite through INSERTs of a thousand rows each on the raw connection in the caller's
transaction, decimals as doubles. Both run inside the caller's ``transaction.atomic`` block,
so a failure stores nothing.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.db import connection

from tertial.economy.importing.expressions import quote_ident, quote_literal

ROWS_PER_STATEMENT = 1000
SQLITE_CACHE_KIB = 512 * 1024


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    query: str,
    table: str,
    columns: list[str],
    work_dir: Path,
    *,
    constants: dict[str, int] | None = None,
) -> int:
    """Insert the rows of the DuckDB ``query`` (in ``columns`` order) into ``table``.

    ``constants`` are columns with the same whole number in every row, not in the query.
    """
    connection.ensure_connection()
    constants = constants or {}
    if connection.vendor == "postgresql":
        values = ", ".join(f"{int(v)} AS {quote_ident(c)}" for c, v in constants.items())
        query = f"SELECT *{', ' if values else ''}{values} FROM ({query})"
        return _copy_postgresql(con, query, table, [*columns, *constants], work_dir)
    return _insert_sqlite(con, query, table, columns, constants)


def _copy_postgresql(
    con: duckdb.DuckDBPyConnection, query: str, table: str, columns: list[str], work_dir: Path
) -> int:
    csv_path = work_dir / f"{table}.csv"
    # Empty strings are written quoted and NULL unquoted, which is what COPY's CSV format
    # reads back as '' and NULL.
    count = con.execute(
        f"COPY ({query}) TO {quote_literal(str(csv_path))} (FORMAT csv, HEADER false)"
    ).fetchall()[0][0]
    names = ", ".join(quote_ident(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, in the transaction Django manages
        with raw.copy(f"COPY {quote_ident(table)} ({names}) FROM STDIN (FORMAT csv)") as copy:
            with csv_path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
    csv_path.unlink()
    return count


def _insert_sqlite(
    con: duckdb.DuckDBPyConnection,
    query: str,
    table: str,
    columns: list[str],
    constants: dict[str, int],
) -> int:
    names = ", ".join(quote_ident(c) for c in [*columns, *constants])
    # Constants in the statement itself: fewer values for Python to fetch and SQLite to bind.
    row = "(" + ", ".join(["?"] * len(columns) + [str(int(v)) for v in constants.values()]) + ")"
    insert = f"INSERT INTO {quote_ident(table)} ({names}) VALUES "
    raw = connection.connection.cursor()
    # Many rows per statement: executemany's work per row in Python (binding, stepping and
    # resetting the statement) cost as much as SQLite's own; 700 000 balances 1.26 -> 0.70 s.
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // max(1, len(columns))))
    many = insert + ", ".join([row] * per_statement)
    # Every row updates an index; with SQLite's default 2 MiB page cache each insert would
    # read its index pages back from the file.
    (cache_size,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    result = con.execute(_decimals_as_doubles(con, query))
    count = 0
    try:
        while rows := result.fetchmany(per_statement):
            if len(rows) == per_statement:
                raw.execute(many, list(itertools.chain.from_iterable(rows)))
            else:
                raw.executemany(insert + row, rows)
            count += len(rows)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_size)}")
        raw.close()
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


@contextmanager
def row_triggers_suspended(table: str) -> Iterator[None]:
    """On SQLite, the triggers of ``table`` dropped for the block and created again after it.

    SQLite has only row-level triggers, and the data version's (tertial.web.dataversion)
    runs an UPDATE per inserted or deleted row: four times the cost of inserting 700 000
    balances. Must run inside the caller's transaction (SQLite's DDL is transactional, and
    its single writer lock keeps other writers out until the commit), and the caller must
    write a row of its own to a table whose triggers do run (the import's ``ImportBatch``),
    which tells the data version once what the suspended triggers would have told it per
    row. On PostgreSQL, whose triggers on these tables run per statement, nothing changes.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("row_triggers_suspended must run inside transaction.atomic")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [table],
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {quote_ident(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in triggers:
            cursor.execute(sql)
