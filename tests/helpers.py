"""Small helpers the tests of several modules share (no test module imports another)."""

from pathlib import Path

from tertial.core.tables import Row, Table

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_ROOT / "examples" / "vss-2020"


def find_row(table: Table, ref: str) -> Row:
    """The row of ``table`` about ``ref`` ("indicator:svarsservice", "indicator:x:K")."""
    for row in table.rows:
        if row.ref == ref:
            return row
    raise KeyError(ref)
