"""The records app's reads: batches, computed values and the records behind them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tertial.core.money import round_half_up
from tertial.core.sql import quote_ident, quote_literal
from tertial.goals.models import Indicator, IndicatorValue
from tertial.organisation.models import Organisation, Unit
from tertial.records import definitions, files
from tertial.records.models import ComputedValue, RecordBatch, RecordIndicator

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def unit_codes(organisation: Organisation) -> set[str]:
    return set(Unit.objects.filter(organisation=organisation).values_list("code", flat=True))


def unit_tree_codes(organisation: Organisation) -> dict[int, list[str]]:
    """Each unit's code with those of every unit under it."""
    units = list(Unit.objects.filter(organisation=organisation).only("pk", "parent_id", "code"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def codes(unit: Unit) -> list[str]:
        return [unit.code] + [c for child in children.get(unit.pk, []) for c in codes(child)]

    return {unit.pk: codes(unit) for unit in units}


def batches(organisation: Organisation) -> list[RecordBatch]:
    return list(RecordBatch.objects.filter(organisation=organisation).select_related("imported_by"))


def definition_of(indicator) -> dict | None:
    row = RecordIndicator.objects.filter(indicator=indicator).first()
    return row.definition if row is not None else None


def computed_value(indicator, year: int, through_month: int, gender: str = "T"):
    return ComputedValue.objects.filter(
        indicator=indicator, year=year, through_month=through_month, gender=gender
    ).first()


def typed_value(indicator, year: int, through_month: int, gender: str = "T"):
    """The value a person typed or a file gave for the period, beside the computed one; None
    when there is none or it is the computed one itself."""
    from tertial.records.services import RECORDS_SOURCE

    return (
        IndicatorValue.objects.filter(
            indicator=indicator, year=year, through_month=through_month, gender=gender,
            kind=IndicatorValue.Kind.ACTUAL,
        )
        .exclude(source=RECORDS_SOURCE)
        .first()
    )  # fmt: skip


@dataclass(frozen=True)
class Defined:
    indicator: Indicator
    definition: dict
    computed: ComputedValue | None


def defined_with_values(organisation: Organisation, year: int, through_month: int) -> list[Defined]:
    """Each indicator computed from records, with its computed value of the period."""
    computed = {
        c.indicator_id: c
        for c in ComputedValue.objects.filter(
            indicator__organisation=organisation, year=year, through_month=through_month,
            gender="T",
        )
    }  # fmt: skip
    return [
        Defined(row.indicator, row.definition, computed.get(row.indicator_id))
        for row in RecordIndicator.objects.filter(indicator__organisation=organisation)
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator__code")
    ]


def defined_indicator_ids(organisation_id: int) -> set[int]:
    return set(
        RecordIndicator.objects.filter(indicator__organisation_id=organisation_id).values_list(
            "indicator_id", flat=True
        )
    )


def computed_at(organisation: Organisation, year: int, through_month: int) -> list[ComputedValue]:
    return list(
        ComputedValue.objects.filter(
            indicator__organisation=organisation, year=year, through_month=through_month
        )
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator__code", "gender")
    )


def computed_of_code(organisation, code: str, year: int, through_month: int, gender: str):
    return (
        ComputedValue.objects.filter(
            indicator__organisation=organisation, indicator__code=code, year=year,
            through_month=through_month, gender=gender,
        )
        .select_related("indicator__organisation")
        .first()
    )  # fmt: skip


@dataclass(frozen=True)
class Difference:
    indicator: Indicator
    gender: str
    typed: Decimal
    computed: Decimal


def typed_differences(
    organisation: Organisation, year: int, through_month: int
) -> list[Difference]:
    """Typed values of the period that differ from the value computed from records beside
    them, compared as shown: at the indicator's decimals, else those the typed value was
    written with (a typed 91 and a computed 91,04 agree)."""
    from tertial.records.services import RECORDS_SOURCE

    computed = {
        (c.indicator_id, c.gender): c
        for c in ComputedValue.objects.filter(
            indicator__organisation=organisation, year=year, through_month=through_month,
            value__isnull=False,
        ).select_related("indicator")
    }  # fmt: skip
    if not computed:
        return []
    found = []
    for typed in (
        IndicatorValue.objects.filter(
            indicator_id__in={key[0] for key in computed}, year=year,
            through_month=through_month, kind=IndicatorValue.Kind.ACTUAL, value__isnull=False,
        )
        .exclude(source=RECORDS_SOURCE)
        .order_by("indicator__sort_order", "indicator__code", "gender")
    ):  # fmt: skip
        value = computed.get((typed.indicator_id, typed.gender))
        if value is None:
            continue
        indicator = value.indicator
        decimals = indicator.decimals
        if decimals is None:
            decimals = typed.written_decimals or 0
        if round_half_up(typed.value, decimals) != round_half_up(value.value, decimals):
            found.append(Difference(indicator, typed.gender, typed.value, value.value))
    return found


@dataclass(frozen=True)
class RecordPage:
    columns: list[str]
    rows: list[dict]
    total: int
    offset: int
    limit: int


# The columns shown of a record, by kind, after its file and line.
SHOWN = {
    "cases": ["id", "at", "unit", "channel", "category", "first_contact", "on_time", "gender"],
    "contacts": ["id", "at", "unit", "queue", "channel", "wait_seconds", "answered", "abandoned"],
    "surveys": ["id", "at", "unit", "question", "score", "gender"],
    "invoices": ["id", "at", "unit", "supplier", "amount", "e_invoice", "e_commerce",
                 "under_contract"],
}  # fmt: skip


def records_behind(computed: ComputedValue, *, offset: int = 0, limit: int = PAGE_SIZE,
                   part: bool = False) -> RecordPage:  # fmt: skip
    """The records a computed value was computed from (with ``part``: those of a share's
    part), with the file and line each came from, a page at a time."""
    definition = definitions.parse(computed.definition)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    indicator = computed.indicator
    read = {entry["id"]: entry["months"] for entry in computed.batches}
    used = list(RecordBatch.objects.filter(pk__in=read))
    names = {b.pk: b.source_name for b in used}
    # Each batch's records of the months it supplied when the value was computed, though a
    # later file may have taken them since.
    parts = [
        files.relation(
            [batch], computed.year,
            [int(m[5:]) for m in read[batch.pk] if int(m[:4]) == computed.year],
            supplied=False,
        )
        for batch in used
    ]  # fmt: skip
    parts = [part for part in parts if part is not None]
    source = "(" + " UNION ALL ".join(f"SELECT * FROM {p}" for p in parts) + ")" if parts else None
    columns = ["file", "line", *SHOWN[definition.kind]]
    if source is None:
        return RecordPage(columns, [], 0, offset, limit)
    condition = definition.condition()
    scope = definition.scope or ("unit" if indicator.unit_id else "organisation")
    if scope == "unit" and indicator.unit_id:
        codes = unit_tree_codes(indicator.organisation).get(indicator.unit_id, [])
        condition += f" AND unit IN ({', '.join(quote_literal(c) for c in codes) or 'NULL'})"
    if computed.gender != "T":
        condition += f" AND gender = {quote_literal(computed.gender)}"
    if part and definition.compute == "share":
        condition += f" AND {definition.part_condition()}"
    shown = ", ".join(quote_ident(c) for c in SHOWN[definition.kind])
    con = files.connection()
    try:
        (total,) = con.execute(f"SELECT count(*) FROM {source} WHERE {condition}").fetchone()
        rows = con.execute(
            f"SELECT batch, line, {shown} FROM {source} WHERE {condition} "
            f"ORDER BY batch, line LIMIT {int(limit)} OFFSET {int(offset)}"
        ).fetchall()
    finally:
        con.close()
    out = [
        {"file": names.get(row[0], ""), "line": row[1], **dict(zip(SHOWN[definition.kind],
                                                                    row[2:], strict=True))}
        for row in rows
    ]  # fmt: skip
    return RecordPage(columns, out, int(total), offset, limit)
