"""Small helpers the tests of several modules share (no test module imports another)."""

from tertial.core.tables import Row, Table


def find_row(table: Table, ref: str) -> Row:
    """The row of ``table`` about ``ref`` ("indicator:svarsservice", "indicator:x:K")."""
    for row in table.rows:
        if row.ref == ref:
            return row
    raise KeyError(ref)
