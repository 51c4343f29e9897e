"""Storing ledger and budget imports, undoing them, and the unit code aliases they read.

The ingestion (tertial.ingest.ledger) reads and checks a file and hands its sums over as a
relation of a DuckDB connection (``ImportFile``); ``store_imports`` turns the codes into ids
and, in one transaction, replaces the balances (or the budget) of the months the file covers
by those sums, records the batch with its audit entry and keeps the file's rows where
tracing finds them (``raw_dir()``). This module reads no file and imports no ingestion code.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.core.errors import InputError, InputErrors
from tertial.core.sql import quote_ident
from tertial.economy import bulk
from tertial.economy.models import (
    Account,
    AccountClass,
    AccountRange,
    BudgetEntry,
    ImportBatch,
    LedgerBalance,
    UnitCodeAlias,
)
from tertial.economy.services.jobs import temporary_prefix
from tertial.economy.sums import units_of
from tertial.organisation.models import FiscalYear, Organisation, Unit

LEDGER = ImportBatch.Kind.LEDGER
BUDGET = ImportBatch.Kind.BUDGET
# The balances are stored in this many parts by unit (see bulk.insert_rows).
PARTS = 4

Progress = Callable[[int, str], None]


def raw_dir() -> Path:
    """Where the rows of every import are kept for tracing (and its files staged meanwhile)."""
    return Path(settings.DATA_DIR) / "raw"


def prepared_path(batch: ImportBatch) -> Path:
    """Where a batch's rows are kept once prepared for tracing (tertial.ingest.ledger.tracing)."""
    return raw_dir() / f"{batch.pk}.prepared.parquet"


def _kept_files(batch: ImportBatch) -> list[Path]:
    """Every file a batch keeps for tracing: its rows as recorded and prepared, their JSON,
    and the prepared rows' counts per unit and month."""
    rows = [Path(batch.raw_path)] if batch.raw_path else []
    rows.append(prepared_path(batch))
    kept = [path for row_file in rows for path in (row_file, row_file.with_suffix(".json"))]
    prepared = prepared_path(batch)
    return [*kept, prepared.with_suffix(".counts.parquet"), prepared.with_suffix(".lock")]


@dataclass(frozen=True)
class KnownCodes:
    """What the codes of a ledger or budget file are checked against before it is stored."""

    units: frozenset[str]  # the units' codes and the aliases of them (UnitCodeAlias)
    account_classes: frozenset[str]
    accounts: frozenset[str]  # the chart's account numbers
    # An account number inside one of these (first, last) is known: it is created on storing.
    ranges: tuple[tuple[int, int], ...]
    fiscal_years: frozenset[int]


def known_codes(organisation: Organisation) -> KnownCodes:
    return KnownCodes(
        units=frozenset(
            [
                *Unit.objects.filter(organisation=organisation).values_list("code", flat=True),
                *UnitCodeAlias.objects.filter(organisation=organisation).values_list(
                    "source_code", flat=True
                ),
            ]
        ),
        account_classes=frozenset(
            AccountClass.objects.filter(organisation=organisation).values_list("code", flat=True)
        ),
        accounts=frozenset(
            Account.objects.filter(organisation=organisation).values_list("number", flat=True)
        ),
        ranges=tuple(
            AccountRange.objects.filter(account_class__organisation=organisation)
            .order_by("first")
            .values_list("first", "last")
        ),
        fiscal_years=frozenset(
            FiscalYear.objects.filter(organisation=organisation).values_list("year", flat=True)
        ),
    )


@dataclass(frozen=True)
class ImportFile:
    """One ledger or budget file, read and checked, for ``store_imports`` to store.

    ``sums`` names a table or view of the DuckDB connection ``con`` holding the file's sums:
    for a ledger the columns ``unit, account, year, month, activity, project, amount``; for a
    budget ``unit, account_class, year, month, amount``, or ``account`` in place of
    ``account_class`` when the file books the budget on accounts. Codes are as the file writes
    them without surrounding spaces (a unit's code or an alias of it), activity and project
    '' where there is none, the amount an exact DECIMAL. The same unit, account (or class),
    month and dimensions may come on several rows (a code written in two ways, a unit's code
    and its alias): their amounts are summed. Every code must be one of ``KnownCodes``.
    """

    kind: str  # LEDGER or BUDGET
    source_name: str
    mapping: str  # the name of the mapping the file was read by
    row_count: int  # the file's rows
    con: duckdb.DuckDBPyConnection
    sums: str
    # The file's SHA-256, asked for once its sums are stored: a thread may still compute it.
    checksum: Callable[[], str]
    raw_rows: Path  # the file's rows as kept for tracing: moved to raw_dir()/<batch id><suffix>
    raw_info: dict  # what tracing needs to read them: kept beside them as <batch id>.json


def store_imports(
    organisation: Organisation,
    files: list[ImportFile],
    *,
    replace: bool,
    actor=None,
    progress: Progress | None = None,
) -> list[ImportBatch]:
    """Store each file as a batch, in one transaction; returns the batches in order.

    The balances (or budget) of the months a file covers are replaced by the file's, except
    those another of ``files`` stored: files of one load may share months. Months no file
    covers are left alone. With ``replace`` false, files covering a month that already has
    values are refused (InputErrors) and nothing is stored. ``progress`` hears of the steps
    inside the transaction; it must not write where another connection would look for them.
    """
    report = progress or (lambda percent, message: None)
    raw_dir().mkdir(parents=True, exist_ok=True)
    months = [_months(f) for f in files]
    stored_batches: list[ImportBatch] = []
    kept: list[Path] = []
    try:
        with transaction.atomic():
            if not replace:
                for kind in {f.kind for f in files}:
                    covered = sorted(
                        {
                            m
                            for f, ms in zip(files, months, strict=True)
                            if f.kind == kind
                            for m in ms
                        }
                    )
                    if _stored_in(organisation, kind, covered).exists():
                        raise InputErrors(
                            [
                                InputError(
                                    ", ".join(f.source_name for f in files if f.kind == kind),
                                    None,
                                    "",
                                    _(
                                        "det finns redan värden för månaderna i filen; välj att "
                                        "ersätta dem (--replace) för att importera den"
                                    ),
                                )
                            ]
                        )
            for file, file_months in zip(files, months, strict=True):
                batch = _store(organisation, file, file_months, stored_batches, kept, actor, report)
                stored_batches.append(batch)
    except BaseException:
        # Nothing is stored, so neither are the rows kept for tracing.
        for path in kept:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
        raise
    return stored_batches


def _months(file: ImportFile) -> list[tuple[int, int]]:
    return [
        (int(y), int(m))
        for y, m in file.con.execute(
            f"SELECT DISTINCT year, month FROM {quote_ident(file.sums)} ORDER BY year, month"
        ).fetchall()
    ]


def _stored_in(organisation: Organisation, kind: str, months: list[tuple[int, int]]):
    """The organisation's balances (or budget rows) of ``months``."""
    by_year: dict[int, list[int]] = {}
    for y, m in months:
        by_year.setdefault(y, []).append(m)
    condition = Q(pk__in=[])
    for y, ms in by_year.items():
        condition |= Q(year=y, month__in=ms)
    if kind == LEDGER:
        return LedgerBalance.objects.filter(
            condition, organisation=organisation, unit_id__in=units_of(organisation)
        )
    return BudgetEntry.objects.filter(condition, unit__organisation=organisation)


def _store(organisation, file: ImportFile, months, earlier: list, kept: list, actor, report):
    ledger = file.kind == LEDGER
    sums = quote_ident(file.sums)
    (total,) = file.con.execute(f"SELECT coalesce(sum(amount), 0) FROM {sums}").fetchall()[0]
    batch = ImportBatch.objects.create(
        organisation=organisation,
        kind=file.kind,
        source_name=file.source_name[:500],
        checksum="",  # set below: it may still be computed
        row_count=file.row_count,
        total=Decimal(total),
        months=[f"{y:04d}-{m:02d}" for y, m in months],
        mapping=file.mapping[:200],
        imported_by=actor if actor is not None and actor.is_authenticated else None,
    )
    ids = _Ids(organisation, file)
    created_accounts = ids.create_accounts() if ledger else []
    replaced_rows = _stored_in(organisation, file.kind, months)
    if earlier:
        replaced_rows = replaced_rows.exclude(batch__in=earlier)
    replaced_batches = sorted(
        {b for b in replaced_rows.values_list("batch_id", flat=True).distinct() if b is not None}
    )
    replaced, _by_model = replaced_rows.delete()
    report(80, _("Sparar summorna"))
    with tempfile.TemporaryDirectory(prefix=temporary_prefix("store"), dir=raw_dir()) as work_dir:
        try:
            stored = ids.insert(batch, Path(work_dir))
        except duckdb.ConversionException:
            # Codes written in two ways ("5010" and "5010 ") whose sums are each small enough
            # but not together: too rare to check before.
            raise InputErrors(
                [InputError(file.source_name, None, "", _("en summa är för stor för att lagras"))]
            ) from None
    report(90, _("Sparar raderna för spårning"))
    batch.checksum = file.checksum()
    target = raw_dir() / f"{batch.pk}{file.raw_rows.suffix}"
    shutil.move(file.raw_rows, target)
    kept.append(target)
    target.with_suffix(".json").write_text(
        json.dumps({"batch": batch.pk, **file.raw_info}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    batch.raw_path = str(target)
    batch.save(update_fields=["raw_path", "checksum"])
    record(
        f"economy.{file.kind}.imported",
        actor=actor,
        organisation=organisation,
        obj=batch,
        after={
            "file": file.source_name,
            "sha256": batch.checksum,
            "rows": batch.row_count,
            "total": str(batch.total),
            "months": batch.months,
            "mapping": batch.mapping,
            "stored": stored,
            "replaced": replaced,
            "replaced_batches": replaced_batches,
            "accounts_created": created_accounts,
        },
    )
    report(95, "Bekräftar")
    return batch


class _Ids:
    """The ids the codes of a file's sums stand for, as tables of its DuckDB connection."""

    def __init__(self, organisation: Organisation, file: ImportFile):
        self.organisation = organisation
        self.file = file
        self.con = file.con
        self.sums = quote_ident(file.sums)
        units = dict(Unit.objects.filter(organisation=organisation).values_list("code", "id"))
        for code, unit_id in UnitCodeAlias.objects.filter(organisation=organisation).values_list(
            "source_code", "unit_id"
        ):
            units.setdefault(code, unit_id)
        self.unit_ids = sorted(set(units.values()))
        self._refuse_unknown(_("ansvarskoderna"), set(self._codes("unit")) - set(units))
        self._register("economy_unit_ids", units)
        columns = [d[0] for d in self.con.execute(f"SELECT * FROM {self.sums} LIMIT 0").description]
        self.target = "account_class" if "account_class" in columns else "account"

    def _register(self, name: str, ids: dict[str, int]) -> None:
        """The DuckDB table ``name`` of codes (``code``) and the ids (``id``) they stand for."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest(CAST($1 AS VARCHAR[])) AS code, "
            "unnest(CAST($2 AS BIGINT[])) AS id",
            [list(ids), list(ids.values())],
        )

    def _codes(self, column: str) -> list[str]:
        return [
            code
            for (code,) in self.con.execute(
                f"SELECT DISTINCT {quote_ident(column)} FROM {self.sums}"
            ).fetchall()
        ]

    def _class_of_account(self) -> Callable[[str], int | None]:
        ranges = list(
            AccountRange.objects.filter(account_class__organisation=self.organisation).values_list(
                "first", "last", "account_class_id"
            )
        )

        def class_of(number: str) -> int | None:
            if not number.isdigit():
                return None
            value = int(number)
            return next((c for first, last, c in ranges if first <= value <= last), None)

        return class_of

    def create_accounts(self) -> list[str]:
        """Accounts of the file that the chart lacks, in the class of their range; their
        numbers. Then the table of every account's id."""
        accounts = dict(
            Account.objects.filter(organisation=self.organisation).values_list("number", "id")
        )
        class_of = self._class_of_account()
        new = {
            number: class_of(number) for number in self._codes("account") if number not in accounts
        }
        self._refuse_unknown(_("kontona"), {number for number, c in new.items() if c is None})
        created = Account.objects.bulk_create(
            Account(organisation=self.organisation, number=number, account_class_id=class_id)
            for number, class_id in sorted(new.items())
        )
        accounts.update({a.number: a.pk for a in created})
        self._register("economy_account_ids", accounts)
        return sorted(a.number for a in created)

    def _register_classes(self) -> None:
        codes = set(self._codes(self.target))
        if self.target == "account_class":
            classes = dict(
                AccountClass.objects.filter(organisation=self.organisation).values_list(
                    "code", "id"
                )
            )
        else:
            # A budget booked on accounts: each account's class, else its range's.
            accounts = dict(
                Account.objects.filter(organisation=self.organisation).values_list(
                    "number", "account_class_id"
                )
            )
            class_of = self._class_of_account()
            classes = {}
            for number in codes:
                class_id = accounts.get(number) or class_of(number)
                if class_id is not None:
                    classes[number] = class_id
        self._refuse_unknown(
            _("kontoklasserna") if self.target == "account_class" else _("kontona"),
            codes - set(classes),
        )
        self._register("economy_class_ids", classes)

    def _refuse_unknown(self, what: str, codes: set[str]) -> None:
        """Codes checked as known when the file was read but gone since are an error."""
        if codes:
            shown = ", ".join(sorted(codes)[:5]) + (" …" if len(codes) > 5 else "")
            raise InputErrors(
                [
                    InputError(
                        self.file.source_name,
                        None,
                        "",
                        _("%(what)s %(shown)s finns inte längre i förvaltningen")
                        % {"what": what, "shown": shown},
                    )
                ]
            )

    def insert(self, batch: ImportBatch, work_dir: Path) -> int:
        if self.file.kind == LEDGER:
            joins = (
                "JOIN economy_unit_ids u ON u.code = s.unit "
                "JOIN economy_account_ids a ON a.code = s.account"
            )
            queries = [
                "SELECT u.id AS unit_id, a.id AS account_id, s.year, s.month, s.activity, "
                "s.project, CAST(sum(s.amount) AS DECIMAL(18, 2)) AS amount "
                f"FROM {self.sums} s {joins} WHERE u.id BETWEEN {first} AND {last} "
                "GROUP BY u.id, a.id, s.year, s.month, s.activity, s.project "
                # In the order of the primary key: the database then appends to its index
                # instead of updating it at random places.
                "ORDER BY u.id, s.year, s.month, a.id, s.activity, s.project"
                for first, last in self._unit_id_ranges(PARTS)
            ]
            columns = ["unit_id", "account_id", "year", "month", "activity", "project", "amount"]
            constants = {"organisation_id": self.organisation.pk, "batch_id": batch.pk}
            table = LedgerBalance._meta.db_table
        else:
            self._register_classes()
            joins = (
                "JOIN economy_unit_ids u ON u.code = s.unit "
                f"JOIN economy_class_ids c ON c.code = s.{quote_ident(self.target)}"
            )
            queries = [
                "SELECT u.id AS unit_id, c.id AS account_class_id, s.year, s.month, "
                "CAST(sum(s.amount) AS DECIMAL(18, 2)) AS amount "
                f"FROM {self.sums} s {joins} GROUP BY u.id, c.id, s.year, s.month"
            ]
            columns = ["unit_id", "account_class_id", "year", "month", "amount"]
            constants = {"batch_id": batch.pk}
            table = BudgetEntry._meta.db_table
        return bulk.insert_rows(self.con, queries, table, columns, work_dir, constants=constants)

    def _unit_id_ranges(self, parts: int) -> list[tuple[int, int]]:
        """The units' ids in ``parts`` ranges of about as many units, in order: each range's
        balances can be stored while the next range's are computed."""
        ids = self.unit_ids
        size = max(1, -(-len(ids) // parts))
        return [
            (chunk[0], chunk[-1]) for chunk in (ids[i : i + size] for i in range(0, len(ids), size))
        ]


def undo_import(batch: ImportBatch, *, actor=None) -> int:
    """Remove what ``batch`` stored and mark it undone; returns the number of rows removed.

    What the batch replaced when it was imported is not restored: its months are left
    without balances (or budget) until a file covering them is imported again.
    """
    if batch.undone_at is not None:
        raise ValueError(_("importen %(pk)s är redan ångrad") % {"pk": batch.pk})
    ledger = batch.kind == LEDGER
    model = LedgerBalance if ledger else BudgetEntry
    rows = model.objects.filter(batch=batch)
    if ledger:
        # The balances have no index by batch; the units and months narrow the search to them.
        months = Q()
        for text in batch.months:
            year, month = text.split("-")
            months |= Q(year=int(year), month=int(month))
        rows = rows.filter(
            months,
            organisation=batch.organisation_id,
            unit_id__in=units_of(batch.organisation),
        )
    with transaction.atomic():
        removed, _by_model = rows.delete()
        batch.undone_at = timezone.now()
        batch.save(update_fields=["undone_at"])
        record(
            f"economy.{batch.kind}.undone",
            actor=actor,
            organisation=batch.organisation,
            obj=batch,
            before={"rows": removed, "months": batch.months},
            after={"undone_at": batch.undone_at.isoformat()},
            reason="månaderna står utan värden tills de importeras igen",
        )
    return removed


def delete_imports(batches: Iterable[ImportBatch], *, actor=None) -> int:
    """Delete ``batches`` with what they stored, and the rows they keep for tracing once
    the deletion is committed; returns the number of balances and budget rows deleted.

    For a source that replaces all it imported before (the organisation folder), where
    ``undo_import`` leaves the batches in the list of imports, marked undone.
    """
    batches = list(batches)
    removed = 0
    with transaction.atomic():
        for organisation in {b.organisation for b in batches}:
            own = [b for b in batches if b.organisation_id == organisation.pk]
            ledger = [b.pk for b in own if b.kind == LEDGER]
            budget = [b.pk for b in own if b.kind == BUDGET]
            removed += LedgerBalance.objects.filter(
                organisation=organisation, unit_id__in=units_of(organisation), batch__in=ledger
            ).delete()[0]
            removed += BudgetEntry.objects.filter(batch__in=budget).delete()[0]
            ImportBatch.objects.filter(pk__in=[b.pk for b in own]).delete()
            record(
                "economy.imports.deleted",
                actor=actor,
                organisation=organisation,
                before={"batches": [b.pk for b in own], "files": [b.source_name for b in own]},
            )
    kept = [path for b in batches for path in _kept_files(b)]

    def forget() -> None:
        for path in kept:
            path.unlink(missing_ok=True)

    transaction.on_commit(forget)
    return removed


def delete_imports_from(organisation: Organisation, sources: dict[str, str], *, actor=None) -> int:
    """``delete_imports`` of the organisation's batches of each kind whose source name starts
    with ``sources[kind]`` (what an earlier load of the organisation folder imported)."""
    named = Q()
    for kind, prefix in sources.items():
        named |= Q(kind=kind, source_name__startswith=prefix)
    return delete_imports(ImportBatch.objects.filter(named, organisation=organisation), actor=actor)


def delete_budget_without_import(organisation: Organisation) -> int:
    """Delete the organisation's budget rows that no import brought (a budget set from a year's
    figure and a key), for a source that defines the whole budget (the organisation folder)."""
    return BudgetEntry.objects.filter(unit__organisation=organisation, batch__isnull=True).delete()[
        0
    ]


def add_unit_alias(
    organisation: Organisation, source_code: str, unit: Unit, actor=None
) -> UnitCodeAlias:
    """Let rows booked on ``source_code`` count for ``unit`` in later imports."""
    source_code = source_code.strip()
    if unit.organisation_id != organisation.pk:
        raise ValueError(_("verksamheten hör inte till förvaltningen"))
    if not source_code:
        raise ValueError(_("ange koden som den står i filen"))
    if Unit.objects.filter(organisation=organisation, code=source_code).exists():
        raise ValueError(
            _("%(source_code)s är redan en verksamhets egen kod")
            % {"source_code": repr(source_code)}
        )
    with transaction.atomic():
        alias = UnitCodeAlias.objects.create(
            organisation=organisation,
            source_code=source_code,
            unit=unit,
            created_by=(actor if actor is not None and actor.is_authenticated else None),
        )
        record(
            "economy.unit_alias.added",
            actor=actor,
            organisation=organisation,
            obj=alias,
            after={"source_code": source_code, "unit": unit.code},
        )
    return alias


def import_batch(pk: int) -> ImportBatch | None:
    return ImportBatch.objects.select_related("organisation").filter(pk=pk).first()


def batches_behind(
    organisation: Organisation,
    unit_code: str | None,
    year: int,
    months: Iterable[int],
    account: str | None = None,
) -> tuple[list[str] | None, list[ImportBatch]]:
    """The codes files write for the unit (its own and its aliases) and, in order, the
    batches whose balances of the unit in ``months`` of ``year`` are stored now.

    With no unit, the batches of the whole organisation's balances, and no codes: every row
    of those batches in those months is the organisation's.
    """
    balances = LedgerBalance.objects.filter(
        organisation=organisation, year=year, month__in=list(months)
    )
    codes = None
    if unit_code is None:
        balances = balances.filter(unit_id__in=units_of(organisation))
    else:
        unit = Unit.objects.get(organisation=organisation, code=unit_code)
        balances = balances.filter(unit=unit)
        codes = [unit.code, *unit.code_aliases.values_list("source_code", flat=True)]
    if account is not None:
        balances = balances.filter(
            account_id__in=Account.objects.filter(organisation=organisation, number=account).values(
                "id"
            )
        )
    batch_ids = {b for b in balances.values_list("batch_id", flat=True).distinct() if b is not None}
    return codes, list(ImportBatch.objects.filter(pk__in=batch_ids).order_by("pk"))


def move_raw_rows(batch: ImportBatch, path: Path) -> None:
    """Record that the batch's rows are kept at ``path`` now (the same rows, staged).

    Not audited: nothing the batch stored changes, only the form its source is kept in.
    """
    ImportBatch.objects.filter(pk=batch.pk).update(raw_path=str(path))
    batch.raw_path = str(path)
