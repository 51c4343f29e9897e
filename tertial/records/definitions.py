"""Indicator definitions over records, checked and turned into DuckDB SQL.

A definition is a small mapping (in goals.yaml under an indicator's ``records`` key, or typed
on the indicator's page); docs/record-import.md documents it:

    kind: contacts            # cases, contacts, surveys, invoices
    compute: share            # count, share, sum, mean, median, percentile
    where: {channel: phone}   # the records counted
    of: {answered_within: 120}  # share: the part of them
    share_of: count           # or amount: the part's share of the amount
    value: wait_seconds       # sum, mean, median, percentile: of what
    percentile: 90
    window: year_to_date      # month, tertial, year_to_date, year
    scope: unit               # unit (the indicator's unit and those under it), organisation
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tertial.core.sql import quote_literal

KINDS = ("cases", "contacts", "surveys", "invoices")
COMPUTE = ("count", "share", "sum", "mean", "median", "percentile")
WINDOWS = ("month", "tertial", "year_to_date", "year")
SCOPES = ("unit", "organisation")
VALUES = ("wait_seconds", "duration_seconds", "score", "amount")
CODE_FILTERS = ("channel", "category", "queue", "question", "unit", "priority", "account")
FLAG_FILTERS = (
    "answered", "abandoned", "first_contact", "on_time", "e_invoice", "e_commerce",
    "under_contract",
)  # fmt: skip
NUMBER_FILTERS = ("answered_within", "score_at_least")
FILTERS = CODE_FILTERS + FLAG_FILTERS + NUMBER_FILTERS
KEYS = ("kind", "compute", "where", "of", "share_of", "value", "percentile", "window", "scope")

# The columns of a kept records file, the same for every kind (a kind's others are NULL), so
# that batches of one kind read as one table.
COLUMNS = {
    "line": "BIGINT",
    "id": "VARCHAR",
    "year": "INTEGER",
    "month": "INTEGER",
    "at": "TIMESTAMP",
    "unit": "VARCHAR",
    "gender": "VARCHAR",
    "channel": "VARCHAR",
    "category": "VARCHAR",
    "queue": "VARCHAR",
    "priority": "VARCHAR",
    "question": "VARCHAR",
    "supplier": "VARCHAR",
    "supplier_org_number": "VARCHAR",
    "account": "VARCHAR",
    "contract": "VARCHAR",
    "wait_seconds": "DOUBLE",
    "duration_seconds": "DOUBLE",
    "answered": "BOOLEAN",
    "abandoned": "BOOLEAN",
    "first_contact": "BOOLEAN",
    "on_time": "BOOLEAN",
    "score": "DOUBLE",
    "amount": "DECIMAL(18,2)",
    "e_invoice": "BOOLEAN",
    "e_commerce": "BOOLEAN",
    "under_contract": "BOOLEAN",
}


class DefinitionError(ValueError):
    """A definition that cannot be computed; the message names the key."""


@dataclass(frozen=True)
class Definition:
    kind: str
    compute: str = "count"
    where: tuple[tuple[str, object], ...] = ()
    of: tuple[tuple[str, object], ...] = ()
    share_of: str = "count"
    value: str | None = None
    percentile: Decimal | None = None
    window: str = "year_to_date"
    scope: str | None = None

    def as_dict(self) -> dict:
        data: dict = {"kind": self.kind, "compute": self.compute}
        if self.where:
            data["where"] = dict(self.where)
        if self.of:
            data["of"] = dict(self.of)
        if self.compute == "share" and self.share_of != "count":
            data["share_of"] = self.share_of
        if self.value:
            data["value"] = self.value
        if self.percentile is not None:
            data["percentile"] = str(self.percentile)
        data["window"] = self.window
        if self.scope:
            data["scope"] = self.scope
        return data

    def months(self, through_month: int) -> list[int]:
        """The months of the year the value for ``through_month`` is computed over."""
        if self.window == "month":
            return [through_month]
        if self.window == "tertial":
            first = (through_month - 1) // 4 * 4 + 1
            return list(range(first, through_month + 1))
        if self.window == "year":
            return list(range(1, 13)) if through_month == 12 else []
        return list(range(1, through_month + 1))

    def condition(self) -> str:
        return _conditions(self.where)

    def part_condition(self) -> str:
        return _conditions(self.of)


def _filters(raw, key: str) -> tuple[tuple[str, object], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise DefinitionError(f"{key}: en tabell av villkor, t.ex. {{channel: chat}}")
    out = []
    for name, value in raw.items():
        if name not in FILTERS:
            raise DefinitionError(f"{key}.{name}: okänt villkor; möjliga: {', '.join(FILTERS)}")
        if name in CODE_FILTERS:
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, str | int) for v in values):
                raise DefinitionError(f"{key}.{name}: en kod eller en lista av koder")
            out.append((name, [str(v) for v in values][:200]))
        elif name in FLAG_FILTERS:
            if not isinstance(value, bool):
                raise DefinitionError(f"{key}.{name}: true eller false")
            out.append((name, value))
        else:
            try:
                number = Decimal(str(value).replace(",", "."))
            except ArithmeticError:
                number = None
            if number is None or not number.is_finite() or isinstance(value, bool):
                raise DefinitionError(f"{key}.{name}: ett tal")
            out.append((name, str(number)))
    return tuple(out)


def parse(raw: object) -> Definition:
    """The definition ``raw`` describes, or DefinitionError naming what is wrong."""
    if not isinstance(raw, dict):
        raise DefinitionError("en tabell med minst kind, t.ex. {kind: cases, compute: count}")
    unknown = sorted(str(k) for k in set(raw) - set(KEYS))
    if unknown:
        raise DefinitionError(f"okända nycklar {', '.join(unknown)}; möjliga: {', '.join(KEYS)}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise DefinitionError(f"kind: ett av {', '.join(KINDS)}")
    compute = raw.get("compute", "count")
    if compute not in COMPUTE:
        raise DefinitionError(f"compute: ett av {', '.join(COMPUTE)}")
    value = raw.get("value")
    if compute in ("sum", "mean", "median", "percentile"):
        if value not in VALUES:
            raise DefinitionError(f"value: {compute} behöver ett av {', '.join(VALUES)}")
    elif value is not None:
        raise DefinitionError("value: används bara med sum, mean, median och percentile")
    percentile = None
    if compute == "percentile":
        try:
            percentile = Decimal(str(raw.get("percentile")))
        except ArithmeticError:
            percentile = None
        if percentile is None or not (0 <= percentile <= 100):
            raise DefinitionError("percentile: ett tal mellan 0 och 100")
    share_of = raw.get("share_of", "count")
    if share_of not in ("count", "amount"):
        raise DefinitionError("share_of: count eller amount")
    of = _filters(raw.get("of"), "of")
    if compute == "share" and not of:
        raise DefinitionError("of: share behöver villkoren för delen, t.ex. {channel: chat}")
    if compute != "share" and of:
        raise DefinitionError("of: används bara med compute: share")
    window = raw.get("window", "year_to_date")
    if window not in WINDOWS:
        raise DefinitionError(f"window: ett av {', '.join(WINDOWS)}")
    scope = raw.get("scope")
    if scope is not None and scope not in SCOPES:
        raise DefinitionError(f"scope: ett av {', '.join(SCOPES)}")
    return Definition(
        kind=kind,
        compute=compute,
        where=_filters(raw.get("where"), "where"),
        of=of,
        share_of=share_of,
        value=value,
        percentile=percentile,
        window=window,
        scope=scope,
    )


def _conditions(filters: tuple[tuple[str, object], ...]) -> str:
    parts = []
    for name, value in filters:
        if name in CODE_FILTERS:
            parts.append(f"{name} IN ({', '.join(quote_literal(v) for v in value)})")
        elif name == "answered_within":
            parts.append(f"(answered AND wait_seconds <= {Decimal(value)})")
        elif name == "score_at_least":
            parts.append(f"score >= {Decimal(value)}")
        elif name == "under_contract":
            parts.append("under_contract" if value else "NOT coalesce(under_contract, false)")
        else:
            parts.append(f"coalesce({name}, false)" if value else f"NOT coalesce({name}, false)")
    return " AND ".join(parts) or "true"


def aggregate_sql(definition: Definition) -> str:
    """The select list computing the value over the records (``total`` its base count)."""
    d = definition
    if d.compute == "count":
        return "count(*)::DOUBLE AS result, count(*) AS total, NULL::DOUBLE AS part"
    if d.compute == "share":
        part = d.part_condition()
        if d.share_of == "amount":
            return (
                f"NULL::DOUBLE AS result, sum(amount)::VARCHAR AS total, "
                f"coalesce(sum(amount) FILTER (WHERE {part}), 0)::VARCHAR AS part"
            )
        return (
            f"NULL::DOUBLE AS result, count(*)::VARCHAR AS total, "
            f"(count(*) FILTER (WHERE {part}))::VARCHAR AS part"
        )
    column = d.value
    if d.compute == "sum":
        return f"sum({column})::VARCHAR AS result, count({column}) AS total, NULL AS part"
    if d.compute == "mean":
        return f"avg({column})::DOUBLE AS result, count({column}) AS total, NULL AS part"
    fraction = Decimal("0.5") if d.compute == "median" else d.percentile / 100
    return (
        f"quantile_cont({column}, {fraction})::DOUBLE AS result, count({column}) AS total, "
        "NULL AS part"
    )


SIX = Decimal("0.000001")


def result_value(definition: Definition, result, total, part, *, percent: bool) -> Decimal | None:
    """The value from what ``aggregate_sql`` selected, exact where the records are: a count
    and a share as Decimal fractions, a mean or percentile rounded to six decimals."""
    d = definition
    if d.compute == "count":
        return Decimal(int(total))
    if d.compute == "share":
        base = Decimal(total) if total is not None else Decimal(0)
        if base == 0:
            return None
        share = Decimal(part) / base
        return (share * 100 if percent else share).quantize(SIX)
    if result is None:
        return None
    return Decimal(str(result)).quantize(SIX)
