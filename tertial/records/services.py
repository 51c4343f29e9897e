"""The records app's writes: batches of records, the pseudonymisation key, indicator
definitions over records, the values computed from them, and the retention rule.

Each write is logged (``audit.log.record``). Computed values are kept with what they were
computed from (``ComputedValue``); they become the indicator's value where nobody typed one
(a typed value stays, and the report checks flag it when it differs).
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from tertial.audit.log import record
from tertial.core.errors import Refused
from tertial.core.sql import quote_literal
from tertial.goals import services as goals
from tertial.goals.models import Indicator, IndicatorValue
from tertial.organisation.models import Organisation, Period
from tertial.records import definitions, files, queries
from tertial.records.models import ComputedValue, RecordBatch, RecordIndicator, RecordKey

# The source of an indicator value computed from records.
RECORDS_SOURCE = "records"
RETENTION_SETTING = "record_retention_months"


def pseudonymisation_key(organisation: Organisation, *, actor=None) -> str:
    """The organisation's key for pseudonymised record ids, created on first use."""
    existing = RecordKey.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing.key
    with transaction.atomic():
        key, created = RecordKey.objects.get_or_create(
            organisation=organisation, defaults={"key": secrets.token_hex(32)}
        )
        if created:
            record("records.key.created", actor=actor, organisation=organisation)
    return key.key


@dataclass(frozen=True)
class NewBatch:
    """A file of records read and checked, ready to keep (``path`` is moved)."""

    kind: str
    path: Path
    source_name: str
    checksum: str
    row_count: int
    months: list[str]
    mapping: str
    columns: list[str]


def store_batch(organisation: Organisation, new: NewBatch, *, actor=None) -> RecordBatch:
    """Keep the records of ``new``; the months it covers are taken from earlier batches of
    the same kind, so a re-import replaces them. One transaction, one audit entry."""
    target_dir = files.records_dir(organisation.pk)
    target_dir.mkdir(parents=True, exist_ok=True)
    file_name = f"{uuid.uuid4().hex}.parquet"
    target = target_dir / file_name
    shutil.move(str(new.path), target)
    emptied: list[Path] = []
    try:
        with transaction.atomic():
            replaced = {}
            explained = {
                pk
                for batches in ComputedValue.objects.filter(
                    indicator__organisation=organisation
                ).values_list("batches", flat=True)
                for pk in (entry["id"] for entry in batches)
            }
            for older in RecordBatch.objects.select_for_update().filter(
                organisation=organisation, kind=new.kind
            ):
                overlap = sorted(set(older.months) & set(new.months))
                if not overlap:
                    continue
                replaced[older.pk] = overlap
                older.months = sorted(set(older.months) - set(overlap))
                # A batch that supplies nothing any more is kept while a computed value
                # (of an approved period, say) was computed from it: its records explain it.
                if not older.months and not older.retained_from and older.pk not in explained:
                    emptied.append(files.batch_path(older))
                    older.delete()
                else:
                    older.save(update_fields=["months"])
            batch = RecordBatch.objects.create(
                organisation=organisation,
                kind=new.kind,
                source_name=new.source_name[:500],
                checksum=new.checksum,
                row_count=new.row_count,
                months=sorted(new.months),
                file_name=file_name,
                mapping=new.mapping[:200],
                columns=new.columns,
                imported_by=actor if actor is not None and actor.is_authenticated else None,
            )
            record(
                "records.imported",
                actor=actor,
                organisation=organisation,
                obj=batch,
                after={
                    "kind": new.kind,
                    "source": new.source_name,
                    "rows": new.row_count,
                    "months": batch.months,
                    "replaced": {str(k): v for k, v in replaced.items()},
                },
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    for path in emptied:
        path.unlink(missing_ok=True)
    return batch


# ---- Definitions ----------------------------------------------------------------------------


def define_indicator(indicator: Indicator, raw: dict | None, *, actor=None) -> None:
    """Set (or with ``raw`` None remove) the indicator's definition over records."""
    before = getattr(
        RecordIndicator.objects.filter(indicator=indicator).first(), "definition", None
    )
    if raw is None:
        if before is None:
            return
        with transaction.atomic():
            RecordIndicator.objects.filter(indicator=indicator).delete()
            record("records.definition.removed", actor=actor, organisation=indicator.organisation,
                   obj=indicator, before=before)  # fmt: skip
        return
    try:
        definition = definitions.parse(raw).as_dict()
    except definitions.DefinitionError as exc:
        raise ValidationError(f"{indicator.code}: {exc}") from exc
    if definition == before:
        return
    with transaction.atomic():
        RecordIndicator.objects.update_or_create(
            indicator=indicator, defaults={"definition": definition}
        )
        record(
            "records.definition.saved",
            actor=actor,
            organisation=indicator.organisation,
            obj=indicator,
            before=before,
            after=definition,
        )


def sync_definitions(organisation: Organisation, wanted: dict[str, dict], *, actor=None) -> None:
    """The definitions of an organisation folder: ``wanted`` by indicator code; those of
    other indicators removed."""
    indicators = {i.code: i for i in Indicator.objects.filter(organisation=organisation)}
    for code, raw in wanted.items():
        define_indicator(indicators[code], raw, actor=actor)
    for row in RecordIndicator.objects.filter(indicator__organisation=organisation).exclude(
        indicator__code__in=list(wanted)
    ):
        define_indicator(row.indicator, None, actor=actor)


# ---- Computing ------------------------------------------------------------------------------


def _cut_month(batches: list[RecordBatch]) -> str:
    """The month before which the retention rule deleted records of these batches."""
    return max((b.retained_from for b in batches if b.retained_from), default="")


def compute_values(organisation: Organisation, *, actor=None) -> int:
    """Compute every records indicator's value for every period its records cover.

    Returns the number of values computed. Values of periods whose records the retention
    rule has deleted in part are kept as they were computed.
    """
    rows = list(
        RecordIndicator.objects.filter(indicator__organisation=organisation).select_related(
            "indicator"
        )
    )
    if not rows:
        return 0
    batches_by_kind: dict[str, list[RecordBatch]] = defaultdict(list)
    for batch in RecordBatch.objects.filter(organisation=organisation):
        batches_by_kind[batch.kind].append(batch)
    # A locked or approved period's values stay as they were (organisation's one rule).
    periods = sorted(
        {
            (p.fiscal_year.year, p.end_month)
            for p in Period.objects.filter(fiscal_year__organisation=organisation).select_related(
                "fiscal_year"
            )
            if not p.is_locked
        }
    )
    unit_codes = queries.unit_tree_codes(organisation)
    results: list[tuple[Indicator, dict, int, int, str, Decimal | None, int, list, list]] = []
    con = files.connection()
    try:
        for row in rows:
            indicator = row.indicator
            definition = definitions.parse(row.definition)
            batches = batches_by_kind.get(definition.kind, [])
            cut = _cut_month(batches)
            scope = definition.scope or ("unit" if indicator.unit_id else "organisation")
            condition = definition.condition()
            if scope == "unit" and indicator.unit_id:
                codes = unit_codes.get(indicator.unit_id, [])
                listed = ", ".join(quote_literal(c) for c in codes) or "NULL"
                condition = f"({condition}) AND unit IN ({listed})"
            genders = ("T", "K", "M") if indicator.gender_split else ("T",)
            for year, through_month in periods:
                months = definition.months(through_month)
                keys = [files.month_key(year, m) for m in months]
                if not months or (cut and min(keys) < cut):
                    continue
                # Only a window the records cover whole: January–August of a year whose
                # records end in August is no value for the year.
                if not all(any(k in b.months for b in batches) for k in keys):
                    continue
                read = [b for b in batches if set(keys) & set(b.months)]
                # A kept file gone (a data folder not restored with the database) would
                # give a value of part of the records: the value is left as it was.
                if not all(files.batch_path(b).is_file() for b in read):
                    continue
                source = files.relation(read, year, months)
                if source is None:
                    continue
                # Each batch read, with the months it supplied: a later file may take them.
                used = [
                    {"id": b.pk, "months": sorted(set(keys) & set(b.months))}
                    for b in sorted(read, key=lambda b: b.pk)
                ]
                covered = sorted({k for b in batches for k in keys if k in b.months})
                select = definitions.aggregate_sql(definition)
                for gender in genders:
                    where = condition if gender == "T" else f"({condition}) AND gender = '{gender}'"
                    result, total, part = con.execute(
                        f"SELECT {select} FROM {source} WHERE {where}"
                    ).fetchone()
                    value = definitions.result_value(
                        definition, result, total, part, percent=indicator.measure == "percent"
                    )
                    count = int(Decimal(total)) if total is not None else 0
                    results.append(
                        (indicator, row.definition, year, through_month, gender, value, count,
                         used, covered)
                    )  # fmt: skip
    finally:
        con.close()
    _store_computed(organisation, results, actor)
    return len(results)


def _store_computed(organisation, results, actor) -> None:
    typed = {
        (v.indicator_id, v.year, v.through_month, v.gender): v
        for v in IndicatorValue.objects.filter(
            indicator__in={r[0] for r in results}, kind=IndicatorValue.Kind.ACTUAL
        )
    }
    values = []
    with transaction.atomic():
        for indicator, definition, year, month, gender, value, count, used, covered in results:
            ComputedValue.objects.update_or_create(
                indicator=indicator,
                year=year,
                through_month=month,
                gender=gender,
                defaults={
                    "value": value,
                    "record_count": count,
                    "definition": definition,
                    "batches": used,
                    "months": covered,
                },
            )
            existing = typed.get((indicator.pk, year, month, gender))
            # A typed figure stays (the report checks compare the two); a missing one
            # (I.U.) or an earlier computed one gives way.
            if existing is None or existing.value is None or existing.source == RECORDS_SOURCE:
                values.append(
                    goals.ValueRow(
                        indicator=indicator,
                        year=year,
                        through_month=month,
                        kind=IndicatorValue.Kind.ACTUAL,
                        gender=gender,
                        value=value,
                        source=RECORDS_SOURCE,
                    )
                )
        if values:
            goals.store_values(
                organisation, values, actor=actor, action="goals.indicator_values.from_records"
            )
        _prune_batches(organisation)
        record(
            "records.computed",
            actor=actor,
            organisation=organisation,
            after={"values": len(results), "indicator_values": len(values)},
        )


def _prune_batches(organisation: Organisation) -> None:
    """Delete the batches that supply no month and explain no computed value any more."""
    explained = {
        entry["id"]
        for batches in ComputedValue.objects.filter(
            indicator__organisation=organisation
        ).values_list("batches", flat=True)
        for entry in batches
    }
    for batch in RecordBatch.objects.filter(organisation=organisation, retained_from=""):
        if not batch.months and batch.pk not in explained:
            path = files.batch_path(batch)
            batch.delete()
            transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))


# ---- Retention ------------------------------------------------------------------------------


def retention_months(organisation: Organisation) -> int | None:
    value = (organisation.settings or {}).get(RETENTION_SETTING)
    return check_retention(value)


def check_retention(value) -> int | None:
    """The setting's value: a whole number of months of at least 1, or None (keep all)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"settings.{RETENTION_SETTING}: ett helt antal månader, minst 1")
    return value


def cut_month(today: date, months: int) -> str:
    """The first month kept when records older than ``months`` months are deleted."""
    index = today.year * 12 + today.month - 1 - months
    return files.month_key(index // 12, index % 12 + 1)


def apply_retention(organisation: Organisation, *, today: date, actor=None) -> int:
    """Delete the organisation's records older than its retention setting; returns how many.

    Their values are computed first and kept: computed values of the months deleted stay
    as they are, and are not computed again from what is left.
    """
    months = retention_months(organisation)
    if months is None:
        raise Refused(f"{organisation}: ingen lagringstid ({RETENTION_SETTING}) är inställd")
    cut = cut_month(today, months)
    compute_values(organisation, actor=actor)
    deleted = 0
    con = files.connection()
    try:
        with transaction.atomic():
            for batch in RecordBatch.objects.select_for_update().filter(organisation=organisation):
                old = [m for m in batch.months if m < cut]
                if not old and not batch.months:
                    continue
                if not old:
                    continue
                path = files.batch_path(batch)
                cut_year, cut_month_number = int(cut[:4]), int(cut[5:])
                keep = f"(year * 100 + month) >= {cut_year * 100 + cut_month_number}"
                if path.is_file():
                    kept_path = path.with_suffix(".kept.parquet")
                    (before,) = con.execute(
                        f"SELECT count(*) FROM read_parquet('{path}')"
                    ).fetchone()
                    con.execute(
                        f"COPY (SELECT * FROM read_parquet('{path}') WHERE {keep}) "
                        f"TO '{kept_path}' (FORMAT parquet, COMPRESSION zstd)"
                    )
                    (after,) = con.execute(
                        f"SELECT count(*) FROM read_parquet('{kept_path}')"
                    ).fetchone()
                    kept_path.replace(path)
                    deleted += before - after
                    batch.row_count = after
                batch.months = [m for m in batch.months if m >= cut]
                batch.retained_from = cut
                batch.save(update_fields=["months", "row_count", "retained_from"])
            record(
                "records.retention.applied",
                actor=actor,
                organisation=organisation,
                after={"kept_from": cut, "deleted": deleted},
            )
    finally:
        con.close()
    return deleted
