"""The shape every report table takes between the data and the renderers.

Services build a ``Table`` from the database; the HTML, PDF, Word and Excel renderers and the
report checks only read it. Each cell keeps its exact value beside the text it is shown as,
and a ``source`` that says where the figure comes from, so any figure can be traced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class ColumnKind(StrEnum):
    TEXT = "text"
    AMOUNT = "amount"  # exact kronor, shown in tkr
    NUMBER = "number"
    PERCENT = "percent"
    STATUS = "status"


class RowRole(StrEnum):
    DATA = "data"
    GROUP = "group"  # a heading row over the rows below it (a board goal, a split indicator)
    SUM = "sum"
    OF_WHICH = "of_which"  # "varav": part of the row above, not added to the sum
    SUB = "sub"  # a split of the row above (gender, unit)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = ColumnKind.AMOUNT
    note: str = ""  # e.g. the deviation's formula, shown in the heading's description
    # For the people who judge (the system's proposal): left out of the published report
    # unless its definition asks for it.
    working: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    value: Decimal | None = None
    source: str = ""
    status: str = ""  # met, partly_met, not_met, no_data for indicator values

    @property
    def is_numeric(self) -> bool:
        return self.value is not None


@dataclass
class Row:
    label: str
    cells: dict[str, Cell]
    role: RowRole = RowRole.DATA
    level: int = 0
    ref: str = ""  # what the row is about: "unit:LKDATA", "indicator:svarsservice"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    caption: str = ""
    notes: list[str] = field(default_factory=list)

    def row(self, label: str) -> Row:
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(label)

    def cell(self, label: str, column_key: str) -> Cell:
        return self.row(label).cells[column_key]

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


_TERM = re.compile(r"^([a-z_]+)(<=|=)(.*)$")


def source_reference(source: str) -> dict | None:
    """A cell's ``source`` as a structured reference: its kind and the terms that narrow it.

    "ledger:unit=1800;year=2020;months=1-8" → {"kind": "ledger", "unit": "1800", "year":
    2020, "months": [1, …, 8]}; a term compared by "<=" keeps it ("approved<=2020-08-31" →
    "approved_until"). A formula keeps its text whole. None for an empty source.
    """
    if not source:
        return None
    kind, _, rest = source.partition(":")
    if kind == "formula":
        return {"kind": kind, "formula": rest}
    reference: dict = {"kind": kind}
    for term in rest.split(";") if rest else []:
        match = _TERM.match(term)
        if match is None:
            return {"kind": kind, "text": rest}
        name, comparison, value = match.groups()
        if comparison == "<=":
            reference[f"{name}_until"] = value
        elif name == "year" and value.isdigit():
            reference[name] = int(value)
        elif name == "months" and value.replace("-", "", 1).isdigit():
            first, _, last = value.partition("-")
            reference[name] = list(range(int(first), int(last or first) + 1))
        else:
            reference[name] = value
    return reference
