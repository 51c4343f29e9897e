"""Reading ledger and budget exports: every row read, checked and summed by DuckDB.

``import_ledger`` reads a CSV, Excel or Parquet export through a column mapping (see
``mapping`` and docs/ledger-import.md), finds every problem in one pass, and either raises
``InputErrors`` naming file, line and column of each, storing nothing, or hands the file's
exact sums per unit, account, activity, project and month to
``tertial.economy.services.imports.store_imports``, which replaces the balances of the months
the file covers in one transaction. ``import_budget`` does the same for the monthly budget.

``read_export`` is the reading alone, for a caller that stores several files in a
transaction of its own (the organisation folder): it checks the codes against the
``KnownCodes`` it is given, which need not be in the database yet, and by ``Rules`` that may
be stricter than an export's.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tertial.core.errors import InputError, InputErrors
from tertial.core.formatting import format_number
from tertial.core.numbers import LARGEST_AMOUNT
from tertial.core.sql import quote_ident, quote_literal
from tertial.economy.services.imports import (
    BUDGET,
    LEDGER,
    ImportFile,
    KnownCodes,
    known_codes,
    raw_dir,
    store_imports,
)
from tertial.economy.services.jobs import temporary_prefix
from tertial.ingest.ledger import expressions as expr
from tertial.ingest.ledger.mapping import Mapping, load_mapping
from tertial.ingest.ledger.staging import (
    CsvPlan,
    Staged,
    csv_select,
    has_comment_lines,
    judge_decimal_separator,
    parquet_source,
    plan_csv,
    read_head,
    sha256_of,
    stage,
    write_copy,
)

MAX_LINES_LISTED = 50
LINES_PER_CODE = 5
DUCKDB_MEMORY_LIMIT = "1GB"
# The largest sum both databases keep exactly (docs/decisions/0007).
MAX_AMOUNT = LARGEST_AMOUNT
# The longest account number the chart keeps (Account.number).
MAX_ACCOUNT_LENGTH = 20


@dataclass(frozen=True)
class Rules:
    """How strictly a file is read; an export's rules by default.

    ``one_row_per_key``: a second row for the same unit, account (or class), month and
    dimensions is an error naming both lines, where an export's rows are summed. Such a file
    is always read by the exact path, which knows every row's line.
    ``only_mapped_columns``: a column the mapping does not name, or a column named twice, is
    an error, where an export's other columns are ignored.
    """

    one_row_per_key: bool = False
    only_mapped_columns: bool = False


# The organisation folder's ledger and budget files (docs/input-format.md).
FOLDER_RULES = Rules(one_row_per_key=True, only_mapped_columns=True)


@dataclass(frozen=True)
class Progress:
    """How far an import has come, told to whoever follows it.

    ``saved`` hears of the steps outside the import's transaction only: it may write them
    where another connection reads them (the job a web page polls), which that connection
    could not see before the transaction ends. ``shown`` hears of every step (a progress
    bar on the screen).
    """

    saved: Callable[[int, str], None] | None = None
    shown: Callable[[int, str], None] | None = None

    def __call__(self, percent: int, message: str) -> None:
        """A step outside the import's transaction."""
        if self.saved is not None:
            self.saved(percent, message)
        if self.shown is not None:
            self.shown(percent, message)

    def in_transaction(self, percent: int, message: str) -> None:
        if self.shown is not None:
            self.shown(percent, message)


def import_ledger(
    organisation,
    path: str | Path,
    *,
    mapping: Mapping | str | Path,
    actor=None,
    progress: Progress | None = None,
    source_name: str | None = None,
    replace: bool = True,
):
    """Import a ledger export; replaces the organisation's balances of the months it covers.

    With ``replace=False`` a file covering a month that already has balances is refused.
    Returns the ImportBatch.
    """
    return _import(LEDGER, organisation, path, mapping, actor, progress, source_name, replace)


def import_budget(
    organisation,
    path: str | Path,
    *,
    mapping: Mapping | str | Path,
    actor=None,
    progress: Progress | None = None,
    source_name: str | None = None,
    replace: bool = True,
):
    """Import a budget file; replaces the organisation's budget of the months it covers.

    With ``replace=False`` a file covering a month that already has a budget is refused.
    Returns the ImportBatch.
    """
    return _import(BUDGET, organisation, path, mapping, actor, progress, source_name, replace)


def _import(kind, organisation, path, mapping, actor, progress, source_name, replace):
    progress = progress or Progress()
    codes = known_codes(organisation)
    with read_export(
        path,
        kind=kind,
        mapping=mapping,
        codes=codes,
        source_name=source_name,
        progress=progress,
    ) as export:
        progress(75, "Sparar")
        [batch] = store_imports(
            organisation,
            [export.to_store()],
            replace=replace,
            actor=actor,
            progress=progress.in_transaction,
        )
    progress(100, "Klar")
    return batch


def resolve_mapping(mapping: Mapping | str | Path) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def read_export(
    path: str | Path,
    *,
    kind: str,
    mapping: Mapping | str | Path,
    codes: KnownCodes,
    source_name: str | None = None,
    rules: Rules = Rules(),  # noqa: B008 - frozen
    progress: Progress | None = None,
) -> Export:
    """The file read, checked against ``codes`` and ``rules`` and summed, ready to store.

    Raises InputErrors with every problem found. The result holds temporary files until it
    is closed (it is a context manager); storing it moves the rows it keeps for tracing.
    """
    mapping = resolve_mapping(mapping)
    path = Path(path)
    display = source_name or path.name
    if mapping.kind != kind:
        raise InputErrors(
            [
                InputError(
                    display,
                    None,
                    "",
                    _("mappningen %(name)s gäller %(kind)s")
                    % {"name": repr(mapping.name), "kind": mapping.kind},
                )
            ]
        )
    if not path.is_file():
        raise InputErrors([InputError(display, None, "", _("filen finns inte"))])
    raw_dir().mkdir(parents=True, exist_ok=True)
    export = Export(kind, mapping, codes, display, rules)
    try:
        export.read(path, progress or Progress())
    except BaseException:
        export.close()
        raise
    return export


class Export:
    """A ledger or budget file read, checked and summed in a DuckDB connection of its own."""

    def __init__(self, kind: str, mapping: Mapping, codes: KnownCodes, display: str, rules):
        self.kind = kind
        self.mapping = mapping
        self.codes = codes
        self.display = display
        self.rules = rules
        self.work_dir = Path(tempfile.mkdtemp(prefix=temporary_prefix("import"), dir=raw_dir()))
        self.con = duckdb_connection(self.work_dir)
        self.analysis: _Analysis | None = None

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, path: Path, progress: Progress) -> None:
        progress(0, _("Läser filen"))
        single_pass = (
            self.mapping.source_format(path) == "csv"
            and "amount" in self.mapping.columns
            and not self.rules.one_row_per_key
        )
        if single_pass:
            self.analysis = _single_pass(self, path)
        if self.analysis is None:
            # Something is not as it should be (or the file is not a plain CSV file): the
            # rows are staged with their line numbers, to name every problem exactly.
            self.con.close()
            self.con = duckdb_connection(self.work_dir)
            staged = stage(
                path,
                self.mapping,
                self.work_dir,
                self.con,
                display_name=self.display,
                only_mapped_columns=self.rules.only_mapped_columns,
                progress=progress,
            )
            progress(45, _("Summerar per månad"))
            self.analysis = _Analysis(self, staged, parquet_source(staged.path), staged.mapping)
            self.analysis.aggregate()
            progress(60, _("Kontrollerar koder och belopp"))
            self.analysis.validate()

    @property
    def row_count(self) -> int:
        return self.analysis.row_count()

    def keys(self):
        """The file's keys with their first line, as an Arrow table (the exact path only)."""
        return self.con.sql(
            f"SELECT unit_code, target_code, year, month{self.analysis.dims}, first_line FROM agg"
        ).to_arrow_table()

    def to_store(self) -> ImportFile:
        analysis = self.analysis
        self.con.execute(
            "CREATE OR REPLACE VIEW sums AS SELECT unit_code AS unit, "
            f"target_code AS {analysis.target}, year, month{analysis.dims}, amount FROM agg"
        )
        staged = analysis.staged
        pending = analysis.pending_checksum
        info = {
            "kind": self.kind,
            "source_name": self.display,
            "mapping": _mapping_dict(analysis.mapping),
            "decimal_separator": staged.decimal_separator,
            "line_offset": staged.line_offset,
            # "parquet": the staged rows; "csv": the file itself, staged when first traced.
            "format": analysis.raw_format,
        }
        return ImportFile(
            kind=self.kind,
            source_name=self.display,
            mapping=self.mapping.name,
            row_count=analysis.row_count(),
            con=self.con,
            sums="sums",
            checksum=pending.result if pending is not None else (lambda: staged.sha256),
            raw_rows=staged.path,
            raw_info=info,
        )

    def close(self) -> None:
        if self.analysis is not None and self.analysis.pending_checksum is not None:
            self.analysis.pending_checksum.join()  # it may be writing into work_dir
        self.con.close()
        shutil.rmtree(self.work_dir, ignore_errors=True)


def doubled_keys(exports: list[Export]) -> list[InputError]:
    """An error for each key that one of ``exports`` has and an earlier one has too.

    For files that each have a key once (read by ``Rules(one_row_per_key=True)``) but are
    stored together, as the organisation folder's are.
    """
    if len(exports) < 2:
        return []
    con = duckdb.connect()
    try:
        for index, export in enumerate(exports):
            con.register(f"keys_{index}", export.keys())
        union = " UNION ALL ".join(
            f"SELECT *, {index} AS file FROM keys_{index}" for index in range(len(exports))
        )
        dims = exports[0].analysis.dims
        key = f"unit_code, target_code, year, month{dims}"
        rows = con.execute(
            f"SELECT {key}, file, first_line, "
            "first_value(file) OVER w AS first_file, first_value(first_line) OVER w AS first "
            f"FROM ({union}) WINDOW w AS (PARTITION BY {key} ORDER BY file, first_line) "
            "QUALIFY row_number() OVER w > 1 ORDER BY file, first_line"
        ).fetchall()
    finally:
        con.close()
    errors = []
    for *values, file, line, first_file, first in rows:
        export = exports[file]
        errors.append(
            InputError(
                export.display,
                line,
                export.analysis.time_field(),
                _("en andra rad för %(value)s (den första i %(display)s på rad %(first)s)")
                % {
                    "value": export.analysis.describe_key(values),
                    "display": exports[first_file].display,
                    "first": first,
                },
            )
        )
    return errors


def duckdb_connection(work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'; "
        f"SET temp_directory = {quote_literal(str(work_dir / 'spill'))}; "
        "SET preserve_insertion_order = true"
    )
    return con


def _single_pass(export: Export, path: Path) -> _Analysis | None:
    """Read, check and sum a CSV file in one DuckDB query, or None if anything is wrong.

    This is the path of a good file, which is nearly every file: no line numbers, no staged
    copy of the rows. The file itself is kept as the raw rows (a hard link, or a copy made
    by the thread that computes the checksum while the balances are stored). Any problem at
    all (a line DuckDB cannot read, an amount not written plainly, an unknown code …)
    returns None, and the caller takes the slower path that finds each problem with its
    line, or reads the unusual amounts.
    """
    display, work_dir = export.display, export.work_dir
    head, size = read_head(path)
    plan = plan_csv(head, size, export.mapping, display, export.rules.only_mapped_columns)
    mapping = plan.mapping
    if mapping.comment is not None and has_comment_lines(path, mapping.comment):
        return None  # DuckDB would read a comment line with enough separators as a row
    decimal_separator = mapping.decimal_separator
    if decimal_separator == "auto":
        decimal_separator = _sniff_decimal_separator(head, size, plan, mapping)
    duck_encoding = "utf-8" if plan.encoding == "utf-8" else "latin-1"
    analysis = _Analysis(
        export,
        None,
        csv_select(path, duck_encoding, plan, mapping, rejects=False),
        mapping,
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
        write_copy(path, utf8, display, encoding="windows-1252")
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
    analysis.staged = Staged(kept, analysis.row_count(), "", size, decimal_separator, None, mapping)
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
    """Parses, validates and aggregates one file's rows inside its export's DuckDB connection.

    ``source`` is the relation of the mapped columns as text: the staged Parquet file, whose
    rows have line numbers (``staged`` given), or the CSV file read directly (``staged``
    None), which only ``is_clean`` can judge.
    """

    def __init__(
        self,
        export: Export,
        staged: Staged | None,
        source: str,
        mapping: Mapping,
        *,
        decimal_separator: str | None = None,
    ):
        self.con = export.con
        self.work_dir = export.work_dir
        self.codes = export.codes
        self.rules = export.rules
        self.display = export.display
        self.kind = export.kind
        self.staged = staged
        self.source = source
        self.decimal_separator = staged.decimal_separator if staged else decimal_separator
        self.raw_format = "parquet"
        self.pending_checksum: _Background | None = None
        # The export's mapping less the optional columns the file lacks.
        self.mapping = mapping
        self.columns = mapping.columns
        ledger = self.kind == LEDGER
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
        fields += [f"{quote_ident(r)} AS {quote_ident('raw_' + r)}" for r in self.columns]
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
        per_row = [f"{quote_ident(role)}" for role in self._codes_as_written()]
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
        if self.kind == LEDGER:
            for role in ("activity", "project"):
                fields.append(f"{expr.dimension(role if role in self.columns else None)} AS {role}")
        return fields

    def _codes_as_written(self) -> list[str]:
        """The mapped columns ``agg`` is grouped by: all but the amount and the free text."""
        time = () if "date" in self.columns else self.mapping.time_roles
        dims = ("activity", "project") if self.kind == LEDGER else ()
        wanted = (*time, "unit", self.target, *dims)
        return [role for role in wanted if role in self.columns]

    def row_count(self) -> int:
        return int(self.con.execute("SELECT coalesce(sum(n), 0) FROM agg").fetchall()[0][0])

    def is_clean(self) -> bool:
        """Whether ``agg`` has no problem at all; checks what ``validate`` checks, by counts."""
        too_long = (
            "length(activity) > 40 OR length(project) > 40" if self.kind == LEDGER else "false"
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
        errors += self._doubled_keys()
        if errors:
            raise InputErrors(errors)

    def _listed(self, total: int, found: list[InputError], what: str) -> list[InputError]:
        if total > len(found):
            found.append(
                InputError(
                    self.display,
                    None,
                    "",
                    _("… och %(value)s rader till %(what)s")
                    % {"value": total - len(found), "what": what},
                )
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
                message = _("beloppet saknas")
            else:
                text = " / ".join(repr(v) for v in values if v is not None and str(v).strip())
                message = _(
                    "beloppet %(text)s är inte ett belopp (decimaltecken %(decimal_separator)s, "
                    "högst två decimaler)"
                ) % {"text": text, "decimal_separator": repr(self.decimal_separator)}
            field = ", ".join(self._column(r) for r in roles if shown[r] is not None) or ", ".join(
                self._column(r) for r in roles
            )
            found.append(InputError(self.display, line, field, message))
        return self._listed(int(total), found, _("med fel belopp"))

    def _time_columns(self) -> list[str]:
        return list(self.mapping.time_roles)

    def time_field(self) -> str:
        """The time's column(s), as an error names them."""
        return ", ".join(self._column(r) for r in self._time_columns())

    def describe_key(self, values) -> str:
        """A key (unit, account or class, year, month and dimensions) as a message names it."""
        unit, target, year, month, *dims = values
        if self.target == "account":
            text = _("ansvar %(unit)s, konto %(target)s") % {"unit": unit, "target": target}
        else:
            text = _("ansvar %(unit)s, kontoklass %(target)s") % {"unit": unit, "target": target}
        # "verksamhet" alone is the catalogue's word for a unit: the dimension's code goes with it
        for shown, value in zip(
            (_("verksamhet %(code)s"), _("projekt %(code)s")), dims, strict=False
        ):
            if value:
                text += ", " + shown % {"code": value}
        return f"{text}, {year}-{int(month):02d}"

    def _doubled_keys(self) -> list[InputError]:
        """With ``Rules.one_row_per_key``: every row after the first of the same key."""
        if not self.rules.one_row_per_key:
            return []
        key = f"unit_code, target_code, year, month{self.dims}"
        complete = "year IS NOT NULL AND unit_code IS NOT NULL AND target_code IS NOT NULL"
        (total,) = self.con.execute(
            f"SELECT coalesce(sum(n - 1), 0) FROM agg WHERE n > 1 AND {complete}"
        ).fetchall()[0]
        if not total:
            return []
        rows = self.con.execute(
            f"SELECT line, {key}, min(line) OVER (PARTITION BY {key}) AS first FROM parsed "
            f"WHERE {complete} QUALIFY line > first ORDER BY line LIMIT {MAX_LINES_LISTED}"
        ).fetchall()
        found = [
            InputError(
                self.display,
                line,
                self.time_field(),
                _("en andra rad för %(value)s (den första på rad %(first)s)")
                % {"value": self.describe_key(values), "first": first},
            )
            for line, *values, first in rows
        ]
        return self._listed(int(total), found, _("med en nyckel som redan finns"))

    def _bad_times(self) -> list[InputError]:
        (total,) = self.con.execute(
            "SELECT coalesce(sum(n), 0) FROM agg WHERE year IS NULL"
        ).fetchall()[0]
        if not total:
            return []
        roles = self._time_columns()
        field = ", ".join(self._column(r) for r in roles)
        expected = {
            "period": _("en period ÅÅÅÅMM"),
            "date": _("ett datum (%(date_format)s)") % {"date_format": self.mapping.date_format},
            "year": _("år och månad (1–12)"),
        }[roles[0]]
        found = []
        for line, *values in self._lines("year IS NULL", ", ".join(f"raw_{r}" for r in roles)):
            text = " ".join("" if v is None else str(v) for v in values).strip()
            found.append(
                InputError(
                    self.display,
                    line,
                    self._bad_time_field(values) or field,
                    _("%(text)s är inte %(expected)s") % {"text": repr(text), "expected": expected},
                )
            )
        return self._listed(int(total), found, _("med fel period"))

    def _bad_time_field(self, values: list) -> str | None:
        """Of a year and a month in two columns, the one that cannot be read, if only one."""
        if self.mapping.time_roles != ("year", "month"):
            return None
        year, month = ("" if v is None else str(v).strip() for v in values)
        year_ok = len(year) == 4 and year.isdigit()
        month_ok = month.isdigit() and 1 <= int(month) <= 12
        if year_ok == month_ok:
            return None
        return self._column("month" if year_ok else "year")

    def fiscal_years(self) -> list[int]:
        return sorted(self.codes.fiscal_years)

    def _outside_fiscal_years(self) -> list[InputError]:
        years = self.fiscal_years()
        allowed = ", ".join(str(y) for y in years) or _("inga")
        rows = self.con.execute(
            "SELECT year, sum(n), min(first_line) FROM agg WHERE year IS NOT NULL "
            f"AND year NOT IN ({', '.join(str(y) for y in years) or 'NULL'}) "
            "GROUP BY year ORDER BY year"
        ).fetchall()
        field = self._column("year") if "year" in self.columns else self.time_field()
        return [
            InputError(
                self.display,
                first,
                field,
                _(
                    "år %(year)s är inte ett av förvaltningens räkenskapsår (%(allowed)s): "
                    "%(count)s rader, den första på rad %(first)s"
                )
                % {"year": year, "allowed": allowed, "count": count, "first": first},
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
                InputError(self.display, line, self._column(role), _("koden saknas"))
                for (line, _one) in self._lines(f"{column} IS NULL", "1")
            ]
            errors += self._listed(
                int(total), found, _("utan %(column)s") % {"column": self._column(role)}
            )
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
                    _("%(value)s (%(count)s rader, på rad %(shown)s)")
                    % {"value": describe(code), "count": count, "shown": shown},
                )
            )
        return errors

    def _register(self, name: str, codes: list[str]) -> str:
        """The DuckDB table ``name`` of the known ``codes`` (column ``code``); its name."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest(CAST($1 AS VARCHAR[])) AS code",
            [sorted(codes)],
        )
        return name

    def _register_units(self) -> str:
        """Registers the unit codes and aliases as a DuckDB table; returns its name."""
        return self._register("known_units", list(self.codes.units))

    def _unknown_units(self) -> list[InputError]:
        return self._unknown(
            "unit_code",
            self._register_units(),
            "unit",
            lambda code: (
                _("ansvarskoden %(code)s finns inte i förvaltningen") % {"code": repr(code)}
            ),
        )

    def _register_targets(self) -> tuple[str, str, Callable[[str], str]]:
        """Registers the known account classes or accounts as a DuckDB table.

        An account not in the chart but inside an account range counts as known: it is
        created when the file is stored. Returns the table's name, the role and the error
        message.
        """
        if self.target == "account_class":
            return (
                self._register("known_targets", list(self.codes.account_classes)),
                "account_class",
                lambda code: (
                    _("kontoklassen %(code)s finns inte i förvaltningens kontoplan")
                    % {"code": repr(code)}
                ),
            )
        codes = [
            code
            for (code,) in self.con.execute(
                "SELECT DISTINCT target_code FROM agg WHERE target_code IS NOT NULL"
            ).fetchall()
        ]
        ranges = self.codes.ranges
        in_range = [
            code
            for code in codes
            if code not in self.codes.accounts
            and code.isdigit()
            and len(code) <= MAX_ACCOUNT_LENGTH
            and any(first <= int(code) <= last for first, last in ranges)
        ]
        return (
            self._register("known_targets", [*self.codes.accounts, *in_range]),
            "account",
            lambda code: (
                _("kontot %(code)s finns inte och ligger inte i något kontointervall")
                % {"code": repr(code)}
            ),
        )

    def _unknown_targets(self) -> list[InputError]:
        table, role, describe = self._register_targets()
        return self._unknown("target_code", table, role, describe)

    def _too_long_dimensions(self) -> list[InputError]:
        if self.kind != LEDGER:
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
                        self.display,
                        line,
                        self._column(role),
                        _("%(value)s är längre än 40 tecken") % {"value": repr(value)},
                    )
                    for line, value in self._lines(f"length({role}) > 40", role)
                ]
                errors += self._listed(int(total), found, _("med för lång kod"))
        (too_large, total) = self.con.execute(
            f"SELECT count(*) FILTER (WHERE abs(amount) > {MAX_AMOUNT}), coalesce(sum(amount), 0) "
            "FROM agg"
        ).fetchall()[0]
        if too_large:
            errors.append(
                InputError(
                    self.display,
                    None,
                    "",
                    _(
                        "en summa är för stor: större än %(value)s kr, det största belopp som "
                        "lagras exakt"
                    )
                    % {"value": format_number(MAX_AMOUNT, 2)},
                )
            )
        elif abs(total) > MAX_AMOUNT:
            # The batch keeps the file's total in a field as large as a balance's.
            errors.append(
                InputError(
                    self.display,
                    None,
                    "",
                    _(
                        "filens summa är för stor: större än %(value)s kr, det största belopp som "
                        "lagras exakt"
                    )
                    % {"value": format_number(MAX_AMOUNT, 2)},
                )
            )
        return errors


def _mapping_dict(mapping: Mapping) -> dict:
    data = asdict(mapping)
    return {k: v for k, v in data.items() if v is not None}
