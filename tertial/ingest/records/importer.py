"""Reading record exports: every row read, checked and normalised by DuckDB.

``import_records`` stages the mapped columns of a CSV, Excel, JSON lines or Parquet export
(the ledger's staging: columns the mapping does not name are never read), parses every
value, finds every problem in one pass over the file (each named by file, line and column;
nothing is stored then), pseudonymises the ids with the organisation's key and hands a
Parquet file of the kept columns to ``tertial.records.services.store_batch``, which replaces
the months the file covers.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tertial.core.errors import InputError, InputErrors
from tertial.core.sql import quote_ident, quote_literal
from tertial.ingest.ledger import expressions as expr
from tertial.ingest.ledger.importer import Progress, duckdb_connection
from tertial.ingest.ledger.staging import PARQUET_OPTIONS, Staged, parquet_source, sha256_of, stage
from tertial.ingest.records.mapping import (
    BOOLEAN_ROLES,
    CHANNELS,
    GENDERS,
    NUMBER_ROLES,
    TIMESTAMP_ROLES,
    RecordMapping,
    load_mapping,
)
from tertial.records import files, queries
from tertial.records.definitions import COLUMNS
from tertial.records.services import NewBatch, pseudonymisation_key, store_batch

MAX_LISTED = 50
GENDER_CODES = {"k": "K", "kvinna": "K", "f": "K", "w": "K", "m": "M", "man": "M"}


def resolve_mapping(mapping: RecordMapping | str | Path) -> RecordMapping:
    return mapping if isinstance(mapping, RecordMapping) else load_mapping(mapping)


def import_records(
    organisation,
    path: str | Path,
    *,
    mapping: RecordMapping | str | Path,
    actor=None,
    progress: Progress | None = None,
    source_name: str | None = None,
):
    """Import a record export; returns the RecordBatch. Raises InputErrors, storing nothing."""
    progress = progress or Progress()
    mapping = resolve_mapping(mapping)
    new = read_records(
        organisation, path, mapping=mapping, source_name=source_name, progress=progress
    )
    try:
        progress(80, "Sparar")
        batch = store_batch(organisation, new, actor=actor)
    finally:
        shutil.rmtree(new.path.parent, ignore_errors=True)
    progress(100, "Klar")
    return batch


def read_records(
    organisation,
    path: str | Path,
    *,
    mapping: RecordMapping,
    source_name: str | None = None,
    progress: Progress | None = None,
) -> NewBatch:
    """The file read and checked, its kept columns in a Parquet file of a temporary folder
    (``NewBatch.path``; the caller removes the folder)."""
    progress = progress or Progress()
    path = Path(path)
    display = source_name or path.name
    if not path.is_file():
        raise InputErrors([InputError(display, None, "", _("filen finns inte"))])
    root = files.records_dir(organisation.pk).parent
    root.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="import-", dir=root))
    con = duckdb_connection(work_dir)
    try:
        progress(5, _("Läser filen"))
        staged = _stage(path, mapping, work_dir, con, display)
        if staged.mapping is not None:
            present = {
                role: c for role, c in mapping.columns.items() if role in staged.mapping.columns
            }
            mapping = replace(mapping, columns=present)
        progress(40, _("Kontrollerar raderna"))
        key = pseudonymisation_key(organisation) if mapping.pseudonymise else None
        units = queries.unit_codes(organisation)
        parse = _parse_sql(staged, mapping, key)
        checks = _checks(mapping, units)
        # One pass counts what is wrong and which months the file covers; only a file with
        # errors is read again, to list them by line.
        counted = ", ".join(f"count(*) FILTER (WHERE {bad})" for _role, bad, _message in checks)
        rows, months_found, *bad_counts = con.execute(
            f"SELECT count(*), list(DISTINCT year * 100 + month) FILTER (WHERE year IS NOT NULL), "
            f"{counted} FROM ({parse})"
        ).fetchone()
        if any(bad_counts):
            failing = [c for c, n in zip(checks, bad_counts, strict=True) if n]
            con.execute(f"CREATE TABLE parsed AS {parse}")
            _list_errors(con, failing, mapping, display)
        progress(65, _("Skriver posterna"))
        kept = work_dir / "records.parquet"
        select = ", ".join(f"CAST({quote_ident(c)} AS {t}) AS {c}" for c, t in COLUMNS.items())
        extra = "".join(f", keep_{i}" for i in range(len(mapping.keep)))
        # In the order of the file: DuckDB keeps the order of the rows it reads.
        con.execute(
            f"COPY (SELECT {select}{extra} FROM ({parse})) "
            f"TO {quote_literal(str(kept))} {PARQUET_OPTIONS}"
        )
        months = [files.month_key(ym // 100, ym % 100) for ym in sorted(months_found or [])]
        staged.path.unlink(missing_ok=True)
    except BaseException:
        con.close()
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    con.close()
    return NewBatch(
        kind=mapping.kind,
        path=kept,
        source_name=display,
        checksum=staged.sha256,
        row_count=rows,
        months=months,
        mapping=mapping.name,
        columns=sorted(mapping.columns) + [f"keep:{name}" for name in mapping.keep],
    )


def _stage(path: Path, mapping: RecordMapping, work_dir: Path, con, display: str) -> Staged:
    if mapping.source_format(path) != "jsonl":
        return stage(path, mapping.staging(), work_dir, con, display_name=display)
    columns = mapping.staging().columns
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_json({quote_literal(str(path))}, "
            "format = 'newline_delimited', sample_size = -1)"
        ).fetchall()
    except Exception as exc:  # duckdb raises several kinds for a file that is not JSON lines
        raise InputErrors(
            [
                InputError(
                    display,
                    None,
                    "",
                    _("filen är inte läsbar som JSON lines: %(error)s") % {"error": exc},
                )
            ]
        ) from exc
    found = {row[0].casefold(): row[0] for row in described}
    missing = [name for name in columns.values() if name.casefold() not in found]
    if missing:
        raise InputErrors([InputError(display, 1, ", ".join(missing), _("fälten saknas i filen"))])
    select = ", ".join(
        f"CAST({quote_ident(found[name.casefold()])} AS VARCHAR) AS {quote_ident(role)}"
        for role, name in sorted(columns.items())
    )
    staged_path = work_dir / "staged.parquet"
    (rows,) = con.execute(
        f"COPY (SELECT {select}, row_number() OVER () AS line FROM "
        f"read_json({quote_literal(str(path))}, format = 'newline_delimited', "
        f"sample_size = -1)) TO {quote_literal(str(staged_path))} {PARQUET_OPTIONS}"
    ).fetchone()
    if rows == 0:
        raise InputErrors([InputError(display, None, "", _("filen har inga rader"))])
    return Staged(staged_path, rows, sha256_of(path), path.stat().st_size, ".", None, None)


def _text(role: str) -> str:
    return f"nullif(trim(CAST({quote_ident(role)} AS VARCHAR)), '')"


def _coded(mapping: RecordMapping, role: str) -> str:
    """The role's code as written, translated by the mapping's ``codes`` where listed."""
    text = _text(role)
    table = mapping.codes.get(role)
    if not table:
        return text
    cases = " ".join(
        f"WHEN {quote_literal(source)} THEN {quote_literal(target)}"
        for source, target in table.items()
    )
    return f"(CASE lower({text}) {cases} ELSE {text} END)"


def _timestamp(mapping: RecordMapping, role: str) -> str:
    text = _text(role)
    tries = ", ".join(f"TRY_STRPTIME({text}, {quote_literal(f)})" for f in mapping.date_formats)
    return f"CAST(coalesce({tries}) AS TIMESTAMP)"


def _boolean(mapping: RecordMapping, role: str) -> str:
    text = f"lower(coalesce(trim(CAST({quote_ident(role)} AS VARCHAR)), ''))"
    true = ", ".join(quote_literal(v) for v in mapping.true_values)
    false = ", ".join(quote_literal(v) for v in mapping.false_values)
    return f"(CASE WHEN {text} IN ({true}) THEN true WHEN {text} IN ({false}) THEN false END)"


def _number(role: str) -> str:
    return f"TRY_CAST(replace({_text(role)}, ',', '.') AS DOUBLE)"


def _parse_sql(staged: Staged, mapping: RecordMapping, key: str | None) -> str:
    """Each row with its line, its raw mapped columns (``raw_<role>``) and the parsed ones."""
    roles = set(mapping.columns)
    source = parquet_source(staged.path)
    if "amount" in roles:
        source = expr.amount_relation(source, "amount", staged.decimal_separator, "amount_value")
    parsed: dict[str, str] = {"line": staged.line_sql()}
    for role in roles:
        parsed[f"raw_{role}"] = _text(role)
    for role in roles & set(TIMESTAMP_ROLES):
        parsed[f"ts_{role}"] = _timestamp(mapping, role)
    time = f"ts_{mapping.time_role}"
    fields: dict[str, str] = {}
    raw_id = _text("id") if "id" in roles else "NULL"
    if key is not None and "id" in roles:
        fields["id"] = (
            f"CASE WHEN {raw_id} IS NOT NULL THEN sha256({quote_literal(key)} || {raw_id}) END"
        )
    else:
        fields["id"] = raw_id
    fields["year"] = f"year({time})"
    fields["month"] = f"month({time})"
    fields["at"] = time
    if "unit" in roles:
        unit = _coded(mapping, "unit")
        fields["unit"] = (
            f"coalesce({unit}, {quote_literal(mapping.default_unit)})"
            if mapping.default_unit
            else unit
        )
    else:
        fields["unit"] = quote_literal(mapping.default_unit) if mapping.default_unit else "NULL"
    for role in ("channel", "category", "queue", "question"):
        fields[role] = _coded(mapping, role) if role in roles else "NULL"
    if "channel" in roles:
        fields["channel"] = f"lower({fields['channel']})"
    if "gender" in roles:
        gender = _coded(mapping, "gender")
        cases = " ".join(
            f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in GENDER_CODES.items()
        )
        fields["gender"] = f"(CASE lower({gender}) {cases} ELSE {gender} END)"
    for role in ("priority", "supplier", "supplier_org_number", "account", "contract"):
        if role in roles:
            fields[role] = _text(role)
    for role in roles & set(BOOLEAN_ROLES):
        fields[role] = _boolean(mapping, role)
    for role in roles & set(NUMBER_ROLES):
        fields[role] = _number(role)
    if "amount" in roles:
        fields["amount"] = "amount_value"
    if mapping.kind == "contacts":
        waited = "(epoch(ts_answered) - epoch(ts_offered))" if "answered" in roles else "NULL"
        fields["wait_seconds"] = (
            f"coalesce({_number('wait_seconds')}, {waited})" if "wait_seconds" in roles else waited
        )
        abandoned = _boolean(mapping, "abandoned") if "abandoned" in roles else None
        answered = "ts_answered IS NOT NULL" if "answered" in roles else None
        if abandoned is None:
            abandoned = f"NOT ({answered})" if answered else "false"
        fields["abandoned"] = abandoned
        fields["answered"] = (
            f"({answered}) AND NOT coalesce({abandoned}, false)"
            if answered
            else (f"NOT coalesce({abandoned}, false)")
        )
        if "ended" in roles and "answered" in roles:
            fields["duration_seconds"] = "(epoch(ts_ended) - epoch(ts_answered))"
    if mapping.kind == "cases":
        if "closed" in roles:
            fields["duration_seconds"] = "(epoch(ts_closed) - epoch(ts_opened))"
        if "due" in roles and "delivered" in roles:
            fields["on_time"] = (
                "CASE WHEN ts_due IS NOT NULL THEN "
                "coalesce(CAST(ts_delivered AS DATE) <= CAST(ts_due AS DATE), false) END"
            )
    if mapping.kind == "invoices" and "contract" in roles:
        fields["under_contract"] = f"{_text('contract')} IS NOT NULL"
    for name, sql_type in COLUMNS.items():
        if name != "line":
            fields.setdefault(name, f"NULL::{sql_type}")
    first = ", ".join(f"{sql} AS {quote_ident(name)}" for name, sql in parsed.items())
    keep = "".join(f", keep_{i}" for i in range(len(mapping.keep)))
    inner = f"(SELECT *, {first} FROM {source})"
    second = ", ".join(f"{sql} AS {quote_ident(name)}" for name, sql in fields.items())
    raws = ", ".join(f"raw_{role}" for role in sorted(roles))
    stamps = "".join(f", ts_{r}" for r in sorted(roles & set(TIMESTAMP_ROLES)))
    return f"SELECT line, {raws}{stamps}{keep}, {second} FROM {inner}"


def _checks(mapping: RecordMapping, units: set[str]) -> list[tuple[str, str, str]]:
    """(role, condition of a bad row, message) of every check of the parsed rows."""
    roles = set(mapping.columns)
    checks: list[tuple[str, str, str]] = []
    time = mapping.time_role
    formats = ", ".join(mapping.date_formats)
    checks.append(
        (
            time,
            f"ts_{time} IS NULL",
            _("saknas eller är inte en tidpunkt (%(formats)s)") % {"formats": formats},
        )
    )
    for role in sorted(roles & set(TIMESTAMP_ROLES) - {time}):
        checks.append(
            (
                role,
                f"raw_{role} IS NOT NULL AND ts_{role} IS NULL",
                _("inte en tidpunkt (%(formats)s)") % {"formats": formats},
            )
        )
    for role in sorted(roles & set(BOOLEAN_ROLES)):
        checks.append(
            (
                role,
                f"{role} IS NULL",
                _("inte ja eller nej (%(yes)s / %(no)s)")
                % {
                    "yes": ", ".join(mapping.true_values),
                    "no": ", ".join(v for v in mapping.false_values if v),
                },
            )
        )
    for role in sorted(roles & set(NUMBER_ROLES)):
        checks.append((role, f"raw_{role} IS NOT NULL AND {role} IS NULL", _("inte ett tal")))
    if "amount" in roles:
        checks.append(("amount", "amount IS NULL", _("inte ett belopp (högst två decimaler)")))
    if "id" in roles:
        checks.append(("id", "raw_id IS NULL", _("id saknas")))
    if "channel" in roles:
        listed = ", ".join(quote_literal(c) for c in CHANNELS)
        checks.append(
            ("channel", f"channel IS NOT NULL AND channel NOT IN ({listed})",
             _("okänd kanal; översätt den under codes.channel i mappningen till en av "
               "%(channels)s") % {"channels": ", ".join(CHANNELS)})
        )  # fmt: skip
    if "gender" in roles:
        checks.append(
            ("gender", "gender IS NOT NULL AND gender NOT IN ('K', 'M')",
             _("okänt kön; %(genders)s") % {"genders": " eller ".join(GENDERS)})
        )  # fmt: skip
    known = ", ".join(quote_literal(u) for u in sorted(units)) or "NULL"
    checks.append(
        ("unit", f"unit IS NULL OR unit NOT IN ({known})",
         _("okänd enhet; ange enhetens ansvarskod eller översätt koden under codes.unit"))
    )  # fmt: skip
    return checks


def _list_errors(con, failing, mapping: RecordMapping, display: str) -> None:
    """Raise InputErrors naming the lines of every failed check (the table ``parsed``)."""
    roles = set(mapping.columns)
    errors: list[InputError] = []
    for role, bad, message in failing:
        column = mapping.columns.get(role, role)
        shown = f"raw_{role}" if role in roles else "NULL"
        total, found = con.execute(
            f"SELECT count(*), list([line::VARCHAR, {shown}] ORDER BY line)[:{MAX_LISTED}] "
            f"FROM parsed WHERE {bad}"
        ).fetchone()
        for line, value in found or []:
            written = f" ({value!r})" if value is not None else ""
            errors.append(InputError(display, int(line), column, message + written))
        if total > len(found or []):
            errors.append(
                InputError(
                    display,
                    None,
                    column,
                    ngettext(
                        "och %(count)d rad till med samma fel",
                        "och %(count)d rader till med samma fel",
                        total - len(found),
                    )
                    % {"count": total - len(found)},
                )
            )
    errors.sort(key=lambda e: (e.line is None, e.line or 0))
    raise InputErrors(errors)
