"""Importing ledger and budget exports: validate everything, then replace the months covered.

``import_ledger`` reads a CSV, Excel or Parquet export through a column mapping (see
``importing.mapping`` and docs/ledger-import.md), finds every problem in one pass, and
either raises ``InputErrors`` naming file, line and column of each, storing nothing, or, in
one transaction, replaces the organisation's monthly balances of the months the file covers
by the file's exact sums per unit, account, activity and project. The file's rows are kept
as Parquet under ``settings.DATA_DIR/raw/<batch id>.parquet`` so ``rows_behind`` can show the
lines behind any figure. ``import_budget`` does the same for the monthly budget.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tertial.audit.log import record
from tertial.core.errors import InputError, InputErrors
from tertial.economy.importing import bulk
from tertial.economy.importing import expressions as expr
from tertial.economy.importing.mapping import Mapping, load_mapping, mapping_from_dict
from tertial.economy.importing.staging import (
    CsvPlan,
    Staged,
    csv_select,
    judge_decimal_separator,
    parquet_source,
    plan_csv,
    read_head,
    sha256_of,
    stage,
    transcode_cp1252,
)
from tertial.economy.models import (
    Account,
    AccountClass,
    AccountRange,
    BudgetEntry,
    ImportBatch,
    LedgerBalance,
    UnitCodeAlias,
)
from tertial.economy.services import units_of
from tertial.organisation.models import FiscalYear, Organisation, Unit

Progress = Callable[[int, str], None]

MAX_LINES_LISTED = 50
# The balances are stored in this many parts by unit (see bulk.insert_rows).
PARTS = 4
LINES_PER_CODE = 5
DUCKDB_MEMORY_LIMIT = "1GB"
# DECIMAL(18,2) holds at most 16 integer digits.
MAX_AMOUNT = Decimal("9999999999999999.99")


def raw_dir() -> Path:
    return Path(settings.DATA_DIR) / "raw"


def import_ledger(
    organisation: Organisation,
    path: str | Path,
    *,
    mapping: Mapping | str | Path,
    actor=None,
    progress: Progress | None = None,
    source_name: str | None = None,
    replace: bool = True,
) -> ImportBatch:
    """Import a ledger export; replaces the organisation's balances of the months it covers.

    With ``replace=False`` a file covering a month that already has balances is refused.
    """
    kind = ImportBatch.Kind.LEDGER
    return _import(kind, organisation, path, mapping, actor, progress, source_name, replace)


def import_budget(
    organisation: Organisation,
    path: str | Path,
    *,
    mapping: Mapping | str | Path,
    actor=None,
    progress: Progress | None = None,
    source_name: str | None = None,
    replace: bool = True,
) -> ImportBatch:
    """Import a budget file; replaces the organisation's budget of the months it covers.

    With ``replace=False`` a file covering a month that already has a budget is refused.
    """
    kind = ImportBatch.Kind.BUDGET
    return _import(kind, organisation, path, mapping, actor, progress, source_name, replace)


def resolve_mapping(mapping: Mapping | str | Path) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def _import(
    kind, organisation, path, mapping, actor, progress, source_name, replace
) -> ImportBatch:
    mapping = resolve_mapping(mapping)
    path = Path(path)
    display = source_name or path.name
    if mapping.kind != kind:
        raise InputErrors(
            [InputError(display, None, "", f"mappningen {mapping.name!r} gäller {mapping.kind}")]
        )
    if not path.is_file():
        raise InputErrors([InputError(display, None, "", "filen finns inte")])
    report = progress or (lambda percent, message: None)
    raw_dir().mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="import-", dir=raw_dir()))
    con = _duckdb(work_dir)
    analysis = None
    try:
        report(0, "Läser filen")
        if mapping.source_format(path) == "csv" and "amount" in mapping.columns:
            analysis = _single_pass(con, path, mapping, work_dir, organisation, display, kind)
        if analysis is None:
            # Something is not as it should be (or the file is not a plain CSV file): the
            # rows are staged with their line numbers, to name every problem exactly.
            con.close()
            con = _duckdb(work_dir)
            staged = stage(path, mapping, work_dir, con, display_name=display, progress=report)
            report(45, "Summerar per månad")
            source = parquet_source(staged.path)
            analysis = _Analysis(
                con, staged, source, organisation, mapping, display, kind, work_dir
            )
            analysis.aggregate()
            report(60, "Kontrollerar koder och belopp")
            analysis.validate()
        report(75, "Sparar")
        batch = analysis.store(actor, source_name=display, replace=replace, progress=report)
        report(100, "Klar")
        return batch
    finally:
        if analysis is not None and analysis.pending_checksum is not None:
            analysis.pending_checksum.join()  # it may be writing into work_dir
        con.close()
        shutil.rmtree(work_dir, ignore_errors=True)


def _duckdb(work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'; "
        f"SET temp_directory = {expr.quote_literal(str(work_dir / 'spill'))}; "
        "SET preserve_insertion_order = true"
    )
    return con


def _single_pass(
    con, path: Path, mapping: Mapping, work_dir: Path, organisation, display: str, kind
) -> _Analysis | None:
    """Read, check and sum a CSV file in one DuckDB query, or None if anything is wrong.

    This is the path of a good file, which is nearly every file: no line numbers, no staged
    copy of the rows. The file itself is kept as the raw rows (a hard link, or a copy made
    by the thread that computes the checksum while the balances are stored). Any problem at
    all (a line DuckDB cannot read, an amount not written plainly, an unknown code …)
    returns None, and the caller takes the slower path that finds each problem with its
    line, or reads the unusual amounts.
    """
    head, size = read_head(path)
    plan = plan_csv(head, size, mapping, display)
    decimal_separator = mapping.decimal_separator
    if decimal_separator == "auto":
        decimal_separator = _sniff_decimal_separator(head, size, plan, mapping)
    duck_encoding = "utf-8" if plan.encoding == "utf-8" else "latin-1"
    analysis = _Analysis(
        con,
        None,
        csv_select(path, duck_encoding, plan, mapping, rejects=False),
        organisation,
        mapping,
        display,
        kind,
        work_dir,
        decimal_separator=decimal_separator,
    )
    try:
        analysis.aggregate()
    except duckdb.Error as error:
        # DuckDB's Latin-1 refuses the 27 bytes where Windows-1252 has characters and
        # Latin-1 control codes (€, –, ’ …), naming the encoding; anything else is a problem
        # for the slower path to name.
        if plan.encoding != "windows-1252" or "latin-1" not in str(error):
            return None
        utf8 = work_dir / "source-utf8.csv"
        transcode_cp1252(path, utf8, display)
        analysis.source = csv_select(utf8, "utf-8", plan, mapping, rejects=False)
        try:
            analysis.aggregate()
        except duckdb.Error:
            return None
    if not analysis.is_clean():
        return None
    kept = work_dir / "source.csv"
    try:
        # A second name for the file: no copying. A file changed in place afterwards is
        # noticed by its checksum when its rows are first traced.
        os.link(path, kept)
        copy_to = None
    except OSError:  # another file system, or one without hard links
        copy_to = kept
    # The checksum (and the copy) are computed while the balances are stored, which keeps
    # one core busy; DuckDB's reading, before, keeps both.
    analysis.pending_checksum = _Background(sha256_of, path, copy_to)
    analysis.staged = Staged(kept, analysis.row_count(), "", size, decimal_separator, None)
    analysis.raw_format = "csv"
    return analysis


def _sniff_decimal_separator(head: bytes, size: int, plan: CsvPlan, mapping: Mapping) -> str:
    """The decimal separator of the amounts in the file's first megabyte."""
    text = head.decode("utf-8-sig" if plan.encoding == "utf-8" else "cp1252", "replace")
    lines = text.splitlines()[mapping.header_row :]
    if len(head) < size and lines:
        lines.pop()  # cut off by the end of the sample
    indexes = [plan.positions[r] for r in mapping.amount_roles]
    sample = [
        record[i].strip()
        for record in csv.reader(lines, delimiter=plan.delimiter, quotechar=mapping.quote or '"')
        for i in indexes
        if i < len(record) and record[i].strip()
    ]
    return judge_decimal_separator(sample, plan.delimiter)


class _Background:
    """``function(*args)`` in a thread; ``result()`` waits for it and returns or raises."""

    def __init__(self, function, *args):
        self._outcome: list = []
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True)
        self._thread.start()

    def _run(self, function, args) -> None:
        try:
            self._outcome.append((True, function(*args)))
        except BaseException as exc:  # handed to the caller of result()
            self._outcome.append((False, exc))

    def join(self) -> None:
        self._thread.join()

    def result(self):
        self._thread.join()
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return value


@dataclass(frozen=True)
class _RawInfo:
    """What is needed to read a batch's kept rows again, stored beside them as JSON."""

    batch: int
    kind: str
    source_name: str
    mapping: dict
    decimal_separator: str
    line_offset: int | None
    # "parquet": the staged rows; "csv": a copy of the source file, staged when first traced.
    format: str = "parquet"


def time_sql(mapping: Mapping) -> tuple[str, str]:
    """Year and month of a staged row, by the mapping's time columns."""
    if "period" in mapping.columns:
        return expr.period_year_month("period")
    if "date" in mapping.columns:
        return expr.date_year_month("date", mapping.date_format)
    return expr.year_and_month("year", "month")


def with_amount(mapping: Mapping, decimal_separator: str, source: str) -> str:
    """``source`` with the column ``_amount``: the row's amount in the ledger's sign.

    With separate debit and credit columns it is debit minus credit, an empty one counting
    as zero; NULL when both are empty or either is not an amount.
    """
    if "amount" in mapping.columns:
        return expr.amount_relation(source, "amount", decimal_separator, "_amount")
    layers = expr.Layers()
    expr.amount(layers, "debit", decimal_separator, "_debit")
    expr.amount(layers, "credit", decimal_separator, "_credit")
    debit_empty = f"({expr.code('debit')} IS NULL)"
    credit_empty = f"({expr.code('credit')} IS NULL)"
    layers.add(
        _amount=(
            f"CASE WHEN {debit_empty} AND {credit_empty} THEN NULL "
            f"WHEN (NOT {debit_empty} AND _debit IS NULL) "
            f"OR (NOT {credit_empty} AND _credit IS NULL) THEN NULL "
            "ELSE coalesce(_debit, 0) - coalesce(_credit, 0) END"
        )
    )
    return layers.sql(source)


class _Analysis:
    """Parses, validates and aggregates one file's rows inside one DuckDB connection.

    ``source`` is the relation of the mapped columns as text: the staged Parquet file, whose
    rows have line numbers (``staged`` given), or the CSV file read directly (``staged``
    None), which only ``is_clean`` can judge.
    """

    def __init__(
        self,
        con,
        staged: Staged | None,
        source: str,
        organisation,
        mapping: Mapping,
        display: str,
        kind,
        work_dir: Path,
        *,
        decimal_separator: str | None = None,
    ):
        self.con = con
        self.work_dir = work_dir
        self.staged = staged
        self.source = source
        self.decimal_separator = staged.decimal_separator if staged else decimal_separator
        self.raw_format = "parquet"
        self.pending_checksum: _Background | None = None
        self.organisation = organisation
        self.mapping = mapping
        self.display = display
        self.kind = kind
        self.columns = mapping.columns
        self.new_accounts: dict[str, int] = {}
        ledger = kind == ImportBatch.Kind.LEDGER
        self.target = "account" if ledger or "account" in self.columns else "account_class"
        self.dims = ", activity, project" if ledger else ""

    # Parsing ------------------------------------------------------------------------------

    def aggregate(self) -> None:
        """The table ``agg``: sums and row counts per unit, account, dimensions and month."""
        if self.staged is None:
            self._aggregate_as_written()
            return
        fields = [
            f"{self.staged.line_sql()} AS line",
            *self._parsed_codes(*time_sql(self.mapping)),
            "_amount AS amount",
        ]
        self.con.execute(f"CREATE VIEW raw AS SELECT * FROM {self.source}")
        # The values as read stay beside the parsed ones, for the error messages.
        fields += [f"{expr.quote_ident(r)} AS {expr.quote_ident('raw_' + r)}" for r in self.columns]
        source = with_amount(self.mapping, self.decimal_separator, "raw")
        self.con.execute(f"CREATE VIEW parsed AS SELECT {', '.join(fields)} FROM {source}")
        self.con.execute(
            f"CREATE TABLE agg AS SELECT unit_code, target_code, year, month{self.dims}, "
            "sum(amount) AS amount, count(*) AS n, min(line) AS first_line, "
            "count(*) - count(amount) AS bad_amounts "
            f"FROM parsed GROUP BY ALL"
        )

    def _aggregate_as_written(self) -> None:
        """``agg`` from the CSV file read directly, for ``is_clean`` to judge, with a row per
        distinct way the codes are written.

        Ten million rows hold only some hundred thousand distinct codes, so the rows are
        first summed by their codes as written, and codes, periods and dimensions are parsed
        once per distinct value instead of once per row. Only the amount is read per row,
        and only a plainly written one; any other (or none) counts as a bad amount, which
        sends the file to the full parser.
        """
        per_row = [f"{expr.quote_ident(role)}" for role in self._codes_as_written()]
        if "date" in self.columns:  # hundreds of distinct dates: parsed per row, kept as months
            year, month = time_sql(self.mapping)
            per_row += [f"{year} AS year", f"{month} AS month"]
            year, month = "year", "month"
        else:
            year, month = time_sql(self.mapping)
        plain, value = expr.plain_amount("amount", self.decimal_separator)
        as_written = (
            f"SELECT {', '.join(per_row)}, sum(amount) AS amount, count(*) AS n, "
            "count(*) - count(amount) AS bad_amounts "
            f"FROM (SELECT {', '.join(per_row)}, CASE WHEN {plain} THEN {value} END AS amount "
            f"FROM {self.source}) GROUP BY ALL"
        )
        fields = self._parsed_codes(year, month)
        # Not summed again here: codes written differently that read the same ("5010 " and
        # "5010") are summed when the balances are stored, by the ids they stand for.
        self.con.execute(
            f"CREATE TABLE agg AS SELECT {', '.join(fields)}, amount, n, bad_amounts "
            f"FROM ({as_written})"
        )

    def _parsed_codes(self, year: str, month: str) -> list[str]:
        """The columns of ``agg`` other than the sums, as expressions on the mapped columns."""
        fields = [
            f"{expr.code('unit')} AS unit_code",
            f"{expr.code(self.target)} AS target_code",
            f"{year} AS year",
            f"{month} AS month",
        ]
        if self.kind == ImportBatch.Kind.LEDGER:
            for role in ("activity", "project"):
                fields.append(f"{expr.dimension(role if role in self.columns else None)} AS {role}")
        return fields

    def _codes_as_written(self) -> list[str]:
        """The mapped columns ``agg`` is grouped by: all but the amount and the free text."""
        time = () if "date" in self.columns else self.mapping.time_roles
        dims = ("activity", "project") if self.kind == ImportBatch.Kind.LEDGER else ()
        wanted = (*time, "unit", self.target, *dims)
        return [role for role in wanted if role in self.columns]

    def row_count(self) -> int:
        return int(self.con.execute("SELECT coalesce(sum(n), 0) FROM agg").fetchall()[0][0])

    def is_clean(self) -> bool:
        """Whether ``agg`` has no problem at all; checks what ``validate`` checks, by counts."""
        too_long = (
            "length(activity) > 40 OR length(project) > 40"
            if self.kind == ImportBatch.Kind.LEDGER
            else "false"
        )
        years = ", ".join(str(y) for y in self.fiscal_years()) or "NULL"
        (rows, problems, total) = self.con.execute(
            "SELECT coalesce(sum(n), 0), count(*) FILTER (WHERE bad_amounts > 0 OR year IS NULL "
            f"OR year NOT IN ({years}) OR unit_code IS NULL OR target_code IS NULL "
            f"OR {too_long} OR abs(amount) > {MAX_AMOUNT}), coalesce(sum(amount), 0) FROM agg"
        ).fetchall()[0]
        if not rows or problems or abs(total) > MAX_AMOUNT:
            return False
        for column, table in (
            ("unit_code", self._register_units()),
            ("target_code", self._register_targets()[0]),
        ):
            (unknown,) = self.con.execute(
                f"SELECT count(*) FROM agg WHERE {column} NOT IN (SELECT code FROM {table})"
            ).fetchall()[0]
            if unknown:
                return False
        return True

    # Validation ---------------------------------------------------------------------------

    def _column(self, role: str) -> str:
        return self.columns.get(role, role)

    def _lines(self, where: str, values: str, limit: int = MAX_LINES_LISTED) -> list[tuple]:
        return self.con.execute(
            f"SELECT line, {values} FROM parsed WHERE {where} ORDER BY line LIMIT {limit}"
        ).fetchall()

    def validate(self) -> None:
        errors: list[InputError] = []
        errors += self._bad_amounts()
        errors += self._bad_times()
        errors += self._outside_fiscal_years()
        errors += self._empty_codes()
        errors += self._unknown_units()
        errors += self._unknown_targets()
        errors += self._too_long_dimensions()
        if errors:
            raise InputErrors(errors)

    def _listed(self, total: int, found: list[InputError], what: str) -> list[InputError]:
        if total > len(found):
            found.append(
                InputError(self.display, None, "", f"… och {total - len(found)} rader till {what}")
            )
        return found

    def _bad_amounts(self) -> list[InputError]:
        (total,) = self.con.execute("SELECT coalesce(sum(bad_amounts), 0) FROM agg").fetchall()[0]
        if not total:
            return []
        roles = self.mapping.amount_roles
        found = []
        raw_roles = ", ".join(f"raw_{r}" for r in roles)
        for line, *values in self._lines("amount IS NULL", raw_roles):
            shown = {r: v for r, v in zip(roles, values, strict=True)}
            if all(v is None or not str(v).strip() for v in values):
                message = "beloppet saknas"
            else:
                text = " / ".join(repr(v) for v in values if v is not None and str(v).strip())
                message = (
                    f"beloppet {text} är inte ett belopp "
                    f"(decimaltecken {self.decimal_separator!r}, högst två decimaler)"
                )
            field = ", ".join(self._column(r) for r in roles if shown[r] is not None) or ", ".join(
                self._column(r) for r in roles
            )
            found.append(InputError(self.display, line, field, message))
        return self._listed(int(total), found, "med fel belopp")

    def _time_columns(self) -> list[str]:
        return list(self.mapping.time_roles)

    def _bad_times(self) -> list[InputError]:
        (total,) = self.con.execute(
            "SELECT coalesce(sum(n), 0) FROM agg WHERE year IS NULL"
        ).fetchall()[0]
        if not total:
            return []
        roles = self._time_columns()
        field = ", ".join(self._column(r) for r in roles)
        expected = {
            "period": "en period ÅÅÅÅMM",
            "date": f"ett datum ({self.mapping.date_format})",
            "year": "år och månad (1–12)",
        }[roles[0]]
        found = []
        for line, *values in self._lines("year IS NULL", ", ".join(f"raw_{r}" for r in roles)):
            text = " ".join("" if v is None else str(v) for v in values).strip()
            found.append(InputError(self.display, line, field, f"{text!r} är inte {expected}"))
        return self._listed(int(total), found, "med fel period")

    def fiscal_years(self) -> list[int]:
        return list(
            FiscalYear.objects.filter(organisation=self.organisation)
            .order_by("year")
            .values_list("year", flat=True)
        )

    def _outside_fiscal_years(self) -> list[InputError]:
        years = self.fiscal_years()
        allowed = ", ".join(str(y) for y in years) or "inga"
        rows = self.con.execute(
            "SELECT year, sum(n), min(first_line) FROM agg WHERE year IS NOT NULL "
            f"AND year NOT IN ({', '.join(str(y) for y in years) or 'NULL'}) "
            "GROUP BY year ORDER BY year"
        ).fetchall()
        field = ", ".join(self._column(r) for r in self._time_columns())
        return [
            InputError(
                self.display,
                first,
                field,
                f"år {year} är inte ett av förvaltningens räkenskapsår ({allowed}): "
                f"{count} rader, den första på rad {first}",
            )
            for year, count, first in rows
        ]

    def _empty_codes(self) -> list[InputError]:
        errors = []
        for role, column in (("unit", "unit_code"), (self.target, "target_code")):
            (total,) = self.con.execute(
                f"SELECT coalesce(sum(n), 0) FROM agg WHERE {column} IS NULL"
            ).fetchall()[0]
            if not total:
                continue
            found = [
                InputError(self.display, line, self._column(role), "koden saknas")
                for (line, _) in self._lines(f"{column} IS NULL", "1")
            ]
            errors += self._listed(int(total), found, f"utan {self._column(role)}")
        return errors

    def _unknown(self, column: str, known_table: str, role: str, describe) -> list[InputError]:
        rows = self.con.execute(
            f"SELECT {column}, sum(n) AS n, min(first_line) FROM agg "
            f"WHERE {column} IS NOT NULL AND {column} NOT IN (SELECT code FROM {known_table}) "
            f"GROUP BY {column} ORDER BY min(first_line)"
        ).fetchall()
        if not rows:
            return []
        first_lines: dict[str, list[int]] = {}
        for code, line in self.con.execute(
            f"SELECT {column}, line FROM parsed WHERE {column} IN "
            f"(SELECT {column} FROM agg WHERE {column} NOT IN (SELECT code FROM {known_table})) "
            f"QUALIFY row_number() OVER (PARTITION BY {column} ORDER BY line) <= {LINES_PER_CODE}"
        ).fetchall():
            first_lines.setdefault(code, []).append(line)
        errors = []
        for code, count, first in rows:
            lines = sorted(first_lines.get(code, [first]))
            shown = ", ".join(str(n) for n in lines) + (" …" if count > len(lines) else "")
            errors.append(
                InputError(
                    self.display,
                    first,
                    self._column(role),
                    f"{describe(code)} ({count} rader, på rad {shown})",
                )
            )
        return errors

    def _register(self, name: str, ids: dict[str, int], id_column: str) -> None:
        """The DuckDB table ``name`` of codes (``code``) and the ids they stand for."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest(CAST($1 AS VARCHAR[])) AS code, "
            f"unnest(CAST($2 AS BIGINT[])) AS {expr.quote_ident(id_column)}",
            [list(ids), list(ids.values())],
        )

    def _unit_map(self) -> dict[str, int]:
        codes = dict(Unit.objects.filter(organisation=self.organisation).values_list("code", "id"))
        for source_code, unit_id in UnitCodeAlias.objects.filter(
            organisation=self.organisation
        ).values_list("source_code", "unit_id"):
            codes.setdefault(source_code, unit_id)
        return codes

    def _register_units(self) -> str:
        """Registers the unit codes and aliases as a DuckDB table; returns its name."""
        self.units = self._unit_map()
        self._register("unit_map", self.units, "unit_id")
        return "unit_map"

    def _unknown_units(self) -> list[InputError]:
        return self._unknown(
            "unit_code",
            self._register_units(),
            "unit",
            lambda code: f"ansvarskoden {code!r} finns inte i förvaltningen",
        )

    def _ranges(self) -> list[tuple[int, int, int]]:
        return list(
            AccountRange.objects.filter(account_class__organisation=self.organisation).values_list(
                "first", "last", "account_class_id"
            )
        )

    def _register_targets(self) -> tuple[str, str, Callable[[str], str]]:
        """Registers the known account classes or accounts as a DuckDB table.

        An account not in the chart but inside an account range counts as known: it is
        created in the import. Returns the table's name, the role and the error message.
        """
        if self.target == "account_class":
            classes = dict(
                AccountClass.objects.filter(organisation=self.organisation).values_list(
                    "code", "id"
                )
            )
            self.classes = classes
            self._register("class_map", classes, "class_id")
            return (
                "class_map",
                "account_class",
                lambda code: f"kontoklassen {code!r} finns inte i förvaltningens kontoplan",
            )
        accounts = dict(
            Account.objects.filter(organisation=self.organisation).values_list(
                "number", "account_class_id"
            )
        )
        ranges = self._ranges()
        codes = [
            code
            for (code,) in self.con.execute(
                "SELECT DISTINCT target_code FROM agg WHERE target_code IS NOT NULL"
            ).fetchall()
        ]
        self.new_accounts = {}
        for code in codes:
            if code in accounts or not code.isdigit():
                continue
            number = int(code)
            for first, last, class_id in ranges:
                if first <= number <= last:
                    self.new_accounts[code] = class_id
                    break
        account_classes = {**accounts, **self.new_accounts}
        self.account_classes = account_classes
        self._register("account_known", account_classes, "class_id")
        return (
            "account_known",
            "account",
            lambda code: f"kontot {code!r} finns inte och ligger inte i något kontointervall",
        )

    def _unknown_targets(self) -> list[InputError]:
        table, role, describe = self._register_targets()
        return self._unknown("target_code", table, role, describe)

    def _too_long_dimensions(self) -> list[InputError]:
        if self.kind != ImportBatch.Kind.LEDGER:
            return []
        errors = []
        for role in ("activity", "project"):
            if role not in self.columns:
                continue
            (total,) = self.con.execute(
                f"SELECT coalesce(sum(n), 0) FROM agg WHERE length({role}) > 40"
            ).fetchall()[0]
            if total:
                found = [
                    InputError(
                        self.display, line, self._column(role), f"{value!r} är längre än 40 tecken"
                    )
                    for line, value in self._lines(f"length({role}) > 40", role)
                ]
                errors += self._listed(int(total), found, "med för lång kod")
        (too_large, total) = self.con.execute(
            f"SELECT count(*) FILTER (WHERE abs(amount) > {MAX_AMOUNT}), coalesce(sum(amount), 0) "
            "FROM agg"
        ).fetchall()[0]
        if too_large:
            errors.append(InputError(self.display, None, "", "en summa är för stor för att lagras"))
        elif abs(total) > MAX_AMOUNT:
            # The batch keeps the file's total in a field as large as a balance's.
            errors.append(
                InputError(self.display, None, "", "filens summa är för stor för att lagras")
            )
        return errors

    # Storing ------------------------------------------------------------------------------

    def months(self) -> list[tuple[int, int]]:
        return [
            (int(y), int(m))
            for y, m in self.con.execute(
                "SELECT DISTINCT year, month FROM agg ORDER BY year, month"
            ).fetchall()
        ]

    def store(self, actor, *, source_name: str, replace: bool, progress: Progress) -> ImportBatch:
        months = self.months()
        total, row_count = self.con.execute(
            "SELECT coalesce(sum(amount), 0), coalesce(sum(n), 0) FROM agg"
        ).fetchall()[0]
        ledger = self.kind == ImportBatch.Kind.LEDGER
        model = LedgerBalance if ledger else BudgetEntry
        target: Path | None = None
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    organisation=self.organisation,
                    kind=self.kind,
                    source_name=source_name[:500],
                    checksum=self.staged.sha256,  # or, if still computed, set below
                    row_count=int(row_count),
                    total=Decimal(total),
                    months=[f"{y:04d}-{m:02d}" for y, m in months],
                    mapping=self.mapping.name[:200],
                    imported_by=actor if actor is not None and actor.is_authenticated else None,
                )
                if ledger and self.new_accounts:
                    Account.objects.bulk_create(
                        Account(
                            organisation=self.organisation, number=code, account_class_id=class_id
                        )
                        for code, class_id in sorted(self.new_accounts.items())
                    )
                replaced_batches = sorted(
                    {
                        b
                        for b in model.objects.filter(self._months_filter(months))
                        .values_list("batch_id", flat=True)
                        .distinct()
                        if b is not None
                    }
                )
                if not replace and model.objects.filter(self._months_filter(months)).exists():
                    raise InputErrors(
                        [
                            InputError(
                                self.display,
                                None,
                                "",
                                "det finns redan värden för månaderna i filen; "
                                "välj att ersätta dem (--replace) för att importera den",
                            )
                        ]
                    )
                replaced, _ = model.objects.filter(self._months_filter(months)).delete()
                progress(80, "Sparar summorna")
                try:
                    stored = self._insert(batch)
                except duckdb.ConversionException:
                    # Codes written in two ways ("5010" and "5010 ") whose sums are each
                    # small enough but not together: too rare to check before.
                    raise InputErrors(
                        [InputError(self.display, None, "", "en summa är för stor för att lagras")]
                    ) from None
                progress(90, "Sparar raderna för spårning")
                if self.pending_checksum is not None:
                    batch.checksum = self.pending_checksum.result()
                target = raw_dir() / f"{batch.pk}.{self.raw_format}"
                shutil.move(self.staged.path, target)
                info = _RawInfo(
                    batch=batch.pk,
                    kind=self.kind,
                    source_name=source_name,
                    mapping=_mapping_dict(self.mapping),
                    decimal_separator=self.staged.decimal_separator,
                    line_offset=self.staged.line_offset,
                    format=self.raw_format,
                )
                target.with_suffix(".json").write_text(
                    json.dumps(asdict(info), ensure_ascii=False, indent=1), encoding="utf-8"
                )
                batch.raw_path = str(target)
                batch.save(update_fields=["raw_path", "checksum"])
                record(
                    f"economy.{self.kind}.imported",
                    actor=actor,
                    organisation=self.organisation,
                    obj=batch,
                    after={
                        "file": source_name,
                        "sha256": batch.checksum,
                        "rows": batch.row_count,
                        "total": str(batch.total),
                        "months": batch.months,
                        "mapping": batch.mapping,
                        "stored": stored,
                        "replaced": replaced,
                        "replaced_batches": replaced_batches,
                        "accounts_created": sorted(self.new_accounts) if ledger else [],
                    },
                )
                progress(95, "Bekräftar")
        except BaseException:
            # Nothing is stored, so neither are the raw rows.
            if target is not None:
                target.unlink(missing_ok=True)
                target.with_suffix(".json").unlink(missing_ok=True)
            raise
        return batch

    def _months_filter(self, months: list[tuple[int, int]]) -> Q:
        by_year: dict[int, list[int]] = {}
        for y, m in months:
            by_year.setdefault(y, []).append(m)
        condition = Q()
        for y, ms in by_year.items():
            condition |= Q(year=y, month__in=ms)
        owner = (
            Q(organisation=self.organisation, unit_id__in=units_of(self.organisation))
            if self.kind == ImportBatch.Kind.LEDGER
            else Q(unit__organisation=self.organisation)
        )
        return owner & condition

    def _insert(self, batch: ImportBatch) -> int:
        work_dir = self.work_dir
        if self.kind == ImportBatch.Kind.LEDGER:
            queries = [
                "SELECT u.unit_id, a.account_id, agg.year, agg.month, agg.activity, agg.project, "
                "CAST(sum(agg.amount) AS DECIMAL(18, 2)) AS amount "
                "FROM agg JOIN unit_map u ON u.code = agg.unit_code "
                "JOIN account_ids a ON a.code = agg.target_code "
                f"WHERE u.unit_id BETWEEN {first} AND {last} "
                "GROUP BY u.unit_id, a.account_id, agg.year, agg.month, agg.activity, agg.project "
                # In the order of the primary key: the database then appends to its index
                # instead of updating it at random places.
                "ORDER BY u.unit_id, agg.year, agg.month, a.account_id, agg.activity, agg.project"
                for first, last in self._unit_id_ranges(PARTS)
            ]
            accounts = dict(
                Account.objects.filter(organisation=self.organisation).values_list("number", "id")
            )
            self._register("account_ids", accounts, "account_id")
            columns = ["unit_id", "account_id", "year", "month", "activity", "project", "amount"]
            constants = {"organisation_id": self.organisation.pk, "batch_id": batch.pk}
            table = LedgerBalance._meta.db_table
        else:
            if self.target == "account_class":
                join = "JOIN class_map c ON c.code = agg.target_code"
            else:
                join = "JOIN account_known c ON c.code = agg.target_code"
            queries = [
                "SELECT u.unit_id, c.class_id AS account_class_id, agg.year, agg.month, "
                "CAST(sum(agg.amount) AS DECIMAL(18, 2)) AS amount "
                f"FROM agg JOIN unit_map u ON u.code = agg.unit_code {join} "
                "GROUP BY u.unit_id, c.class_id, agg.year, agg.month"
            ]
            columns = ["unit_id", "account_class_id", "year", "month", "amount"]
            constants = {"batch_id": batch.pk}
            table = BudgetEntry._meta.db_table
        return bulk.insert_rows(self.con, queries, table, columns, work_dir, constants=constants)

    def _unit_id_ranges(self, parts: int) -> list[tuple[int, int]]:
        """The units' ids in ``parts`` ranges of about as many units, in order: each range's
        balances can be stored while the next range's are computed."""
        ids = sorted(set(self.units.values()))
        size = max(1, -(-len(ids) // parts))
        return [
            (chunk[0], chunk[-1]) for chunk in (ids[i : i + size] for i in range(0, len(ids), size))
        ]


def _mapping_dict(mapping: Mapping) -> dict:
    data = asdict(mapping)
    return {k: v for k, v in data.items() if v is not None}


def undo_import(batch: ImportBatch, *, actor=None) -> int:
    """Remove what ``batch`` stored and mark it undone; returns the number of rows removed.

    What the batch replaced when it was imported is not restored: its months are left
    without balances (or budget) until a file covering them is imported again.
    """
    if batch.undone_at is not None:
        raise ValueError(f"importen {batch.pk} är redan ångrad")
    ledger = batch.kind == ImportBatch.Kind.LEDGER
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
        removed, _ = rows.delete()
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


def add_unit_alias(
    organisation: Organisation, source_code: str, unit: Unit, actor=None
) -> UnitCodeAlias:
    """Let rows booked on ``source_code`` count for ``unit`` in later imports."""
    source_code = source_code.strip()
    if unit.organisation_id != organisation.pk:
        raise ValueError("verksamheten hör inte till förvaltningen")
    if not source_code:
        raise ValueError("ange koden som den står i filen")
    if Unit.objects.filter(organisation=organisation, code=source_code).exists():
        raise ValueError(f"{source_code!r} är redan en verksamhets egen kod")
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


def raw_info(batch: ImportBatch) -> dict | None:
    """The JSON kept beside a batch's raw rows, or None when they are gone."""
    if not batch.raw_path:
        return None
    info = Path(batch.raw_path).with_suffix(".json")
    if not Path(batch.raw_path).is_file() or not info.is_file():
        return None
    return json.loads(info.read_text(encoding="utf-8"))


def rows_behind(
    organisation: Organisation,
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
    month_list = sorted({months} if isinstance(months, int) else set(months))
    unit = Unit.objects.get(organisation=organisation, code=unit_code)
    balances = LedgerBalance.objects.filter(
        organisation=organisation, unit=unit, year=year, month__in=month_list
    )
    if account is not None:
        balances = balances.filter(account__number=account)
    batch_ids = sorted(
        {b for b in balances.values_list("batch_id", flat=True).distinct() if b is not None}
    )
    codes = [unit.code, *unit.code_aliases.values_list("source_code", flat=True)]
    rows: list[dict] = []
    con = duckdb.connect()
    try:
        for batch in ImportBatch.objects.filter(pk__in=batch_ids).order_by("pk"):
            info = raw_info(batch)
            if info is None:
                continue
            if info.get("format") == "csv":
                info = _stage_kept_file(batch, info)
            rows += _read_raw(con, batch, info, codes, year, month_list, account)
    finally:
        con.close()
    return rows


def _stage_kept_file(batch: ImportBatch, info: dict) -> dict:
    """Stage the kept copy of a batch's CSV file once, as the slow import path would have.

    The import of a good file keeps the file as it came; the first trace of its rows gives
    them their line numbers and replaces the copy with the staged Parquet file.
    """
    kept = Path(batch.raw_path)
    work_dir = Path(tempfile.mkdtemp(prefix="stage-", dir=raw_dir()))
    con = _duckdb(work_dir)
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
    batch.raw_path = str(target)
    batch.save(update_fields=["raw_path"])
    kept.unlink()
    return info


def _read_raw(con, batch, info, codes, year, months, account) -> list[dict]:
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
    account_sql = expr.code("account")
    text = expr.dimension("text" if "text" in mapping.columns else None)
    where = [
        f"{expr.code('unit')} IN ({', '.join(expr.quote_literal(c) for c in codes)})",
        f"{y} = {int(year)}",
        f"{m} IN ({', '.join(str(int(x)) for x in months)})",
    ]
    if account is not None:
        where.append(f"{account_sql} = {expr.quote_literal(account)}")
    source = parquet_source(Path(batch.raw_path))
    query = (
        f"SELECT {staged.line_sql()} AS line, {y} AS year, {m} AS month, "
        f"{expr.code('unit')} AS unit, {account_sql} AS account, "
        f"{expr.dimension('activity' if 'activity' in mapping.columns else None)} AS activity, "
        f"{expr.dimension('project' if 'project' in mapping.columns else None)} AS project, "
        f"_amount AS amount, {text} AS text "
        f"FROM {with_amount(mapping, staged.decimal_separator, source)} "
        f"WHERE {' AND '.join(where)} ORDER BY line"
    )
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    return [
        {"batch": batch.pk, "file": info["source_name"], **dict(zip(names, row, strict=True))}
        for row in cursor.fetchall()
    ]
