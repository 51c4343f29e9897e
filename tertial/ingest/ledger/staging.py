"""Staging a source file as Parquet: the mapped columns as text, in file order.

The staged file is what the import validates and aggregates, and it is kept afterwards as the
raw rows of the batch, so every balance can be traced back to the lines it came from. Its rows
are in the order of the source, which gives every row its line number without storing one:
``line = line_offset + row index``. Only a CSV file with blank lines or line breaks inside
quoted fields, and an Excel sheet, need the numbers stored, in a ``line`` column.

Large files are never loaded into memory: one streaming pass computes the checksum and counts
lines, DuckDB reads the CSV in parallel and writes Parquet (compressed and columnar, so the
checks and sums read it back fast), and a Windows-1252 file is read by
DuckDB's Latin-1 decoder unless it contains one of the 27 characters where the two differ
(€, –, ’ …), in which case it is first transcoded to UTF-8 in chunks.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import hashlib
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from tertial.core.errors import InputError, InputErrors
from tertial.core.sql import quote_ident, quote_literal
from tertial.ingest.ledger.mapping import Mapping

CHUNK = 1 << 22
SNIFF_BYTES = 1 << 20
MAX_LISTED = 50
# Bytes where Windows-1252 has printable characters and Latin-1 has C1 control codes.
_C1 = bytes(range(0x80, 0xA0))

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class FileScan:
    size: int
    sha256: str
    newlines: int
    blank_lines: int
    ends_with_newline: bool
    has_c1: bool
    head: bytes
    has_comments: bool = False

    @property
    def physical_lines(self) -> int:
        if self.size == 0:
            return 0
        return self.newlines + (0 if self.ends_with_newline else 1)


STAGED_FILE = "staged.parquet"
PARQUET_OPTIONS = "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"


@dataclass(frozen=True)
class Staged:
    """The staged rows: ``path`` holds one text column per mapped role, in file order."""

    path: Path
    rows: int
    sha256: str
    size: int
    decimal_separator: str
    line_offset: int | None  # None: the file has a ``line`` column
    # The mapping as it applies to this file: without the optional columns it lacks, and
    # with the line of its header.
    mapping: Mapping | None = None

    def line_sql(self, row_index: str = "file_row_number") -> str:
        if self.line_offset is None:
            return "line"
        return f"({row_index} + {self.line_offset})"


def scan_file(path: Path, comment: str | None = None) -> FileScan:
    """Checksum, line counts and a sample, in one streaming pass over the file; whether it
    has a line starting with ``comment`` (after spaces)."""
    digest = hashlib.sha256()
    size = newlines = blank = 0
    has_c1 = has_comments = False
    comments = _CommentLines(comment)
    head = b""
    previous_end = b"\n"  # a blank first line counts as blank
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            has_comments = has_comments or comments.found_in(chunk)
            digest.update(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            size += len(chunk)
            newlines += chunk.count(b"\n")
            # A blank line is a line break right after a line break (\n\n or \n\r\n).
            joined = previous_end[-2:] + chunk
            blank += joined.count(b"\n\n") + joined.count(b"\n\r\n")
            blank -= previous_end[-2:].count(b"\n\n") + previous_end[-2:].count(b"\n\r\n")
            previous_end = chunk[-2:] if len(chunk) >= 2 else previous_end[-1:] + chunk
            if not has_c1 and len(chunk.translate(None, _C1)) != len(chunk):
                has_c1 = True
    return FileScan(
        size=size,
        sha256=digest.hexdigest(),
        newlines=newlines,
        blank_lines=blank,
        ends_with_newline=previous_end.endswith(b"\n"),
        has_c1=has_c1,
        head=head,
        has_comments=has_comments,
    )


class _CommentLines:
    """Finds a line starting with ``comment`` (after spaces) in a file read chunk by chunk."""

    def __init__(self, comment: str | None):
        self.pattern = (
            None if comment is None else re.compile(rb"\n[ \t]*" + re.escape(comment.encode()))
        )
        self.line_start = b"\n"  # the last chunk's unfinished line, after its line break

    def found_in(self, chunk: bytes) -> bool:
        if self.pattern is None:
            return False
        joined = self.line_start + chunk
        self.line_start = joined[joined.rfind(b"\n") :][-SNIFF_BYTES:]
        return self.pattern.search(joined) is not None


def has_comment_lines(path: Path, comment: str) -> bool:
    comments = _CommentLines(comment)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if comments.found_in(chunk):
                return True
    return False


def sha256_of(path: Path, copy_to: Path | None = None) -> str:
    """The checksum of the file; copied to ``copy_to`` on the way if given."""
    digest = hashlib.sha256()
    with path.open("rb") as f, copy_to.open("wb") if copy_to else nullcontext() as copy:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            if copy is not None:
                copy.write(chunk)
    return digest.hexdigest()


def sniff_encoding(head: bytes, complete: bool) -> str:
    """UTF-8 when the sample is valid UTF-8 (possibly cut mid-character), else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _match_columns(
    mapping: Mapping,
    header: list[str],
    source: str,
    line: int | None,
    only_mapped_columns: bool = False,
) -> tuple[dict[str, int], Mapping]:
    """The index of each mapped column in ``header``, and the mapping less the optional
    columns the file lacks; every column missing, every mapped column given twice (and,
    with ``only_mapped_columns``, every column not mapped or given twice) named in one
    InputErrors."""
    shown = [h.strip().lstrip("\ufeff") for h in header]
    normalised = [h.casefold() for h in shown]
    positions: dict[str, int] = {}
    missing: list[str] = []
    absent: list[str] = []
    for role, name in mapping.columns.items():
        try:
            positions[role] = normalised.index(name.casefold())
        except ValueError:
            (absent if role in mapping.optional else missing).append(role)
    errors = []
    if missing:
        names = [mapping.columns[role] for role in missing]
        found = "; ".join(shown) or _("(tom)")
        errors.append(
            InputError(
                source,
                line,
                ", ".join(names),
                ngettext(
                    "filen stämmer inte med mappningen %(name)s: kolumnen %(columns)s saknas. "
                    "Rubrikraden som hittades: %(found)s",
                    "filen stämmer inte med mappningen %(name)s: kolumnerna %(columns)s saknas. "
                    "Rubrikraden som hittades: %(found)s",
                    len(names),
                )
                % {"name": repr(mapping.name), "columns": ", ".join(names), "found": found},
            )
        )
    known = {name.casefold() for name in mapping.columns.values()}
    seen: set[str] = set()
    for name, folded in zip(shown, normalised, strict=True):
        # A mapped column given twice: which of the two holds the figures is anyone's guess.
        if folded in seen and (only_mapped_columns or folded in known):
            errors.append(InputError(source, line, name, _("kolumnen finns två gånger")))
        elif only_mapped_columns and folded not in known:
            errors.append(
                InputError(
                    source,
                    line,
                    name,
                    _("okänd kolumn; kolumnerna är %(value)s")
                    % {"value": ", ".join(mapping.columns.values())},
                )
            )
        seen.add(folded)
    if errors:
        raise InputErrors(errors)
    return positions, mapping.without(absent)


def stage(
    source: Path,
    mapping: Mapping,
    work_dir: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    display_name: str,
    only_mapped_columns: bool = False,
    progress: Progress | None = None,
) -> Staged:
    """Write the mapped columns of ``source`` to ``work_dir/staged.parquet``, or raise.

    ``only_mapped_columns``: a column the mapping does not name is an error.
    """
    fmt = mapping.source_format(source)
    if fmt == "xlsx":
        return _stage_xlsx(source, mapping, work_dir, con, display_name, only_mapped_columns)
    if fmt == "parquet":
        return _stage_parquet(source, mapping, work_dir, con, display_name, only_mapped_columns)
    return _stage_csv(source, mapping, work_dir, con, display_name, only_mapped_columns, progress)


def _empty(display_name: str, message: str | None = None) -> InputErrors:
    return InputErrors([InputError(display_name, None, "", message or _("filen är tom"))])


@dataclass(frozen=True)
class CsvPlan:
    """How to read a CSV file by its mapping, decided from its first megabyte."""

    encoding: str  # "utf-8" or "windows-1252"
    delimiter: str
    header: list[str]
    positions: dict[str, int]
    mapping: Mapping  # as it applies to this file (``Staged.mapping``)


def read_head(path: Path) -> tuple[bytes, int]:
    """The first ``SNIFF_BYTES`` of the file and its size."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    return head, path.stat().st_size


def plan_csv(
    head: bytes,
    size: int,
    mapping: Mapping,
    display_name: str,
    only_mapped_columns: bool = False,
) -> CsvPlan:
    """Encoding, delimiter and columns of a CSV file; raises when it does not fit the mapping."""
    if size == 0 or not head.strip():
        raise _empty(display_name)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise _empty(
            display_name,
            _(
                "filen ser ut att vara UTF-16 eller binär (den har NUL-tecken); spara den som "
                "UTF-8 eller Windows-1252"
            ),
        )
    encoding = mapping.encoding
    if encoding == "auto":
        encoding = sniff_encoding(head, complete=len(head) == size)
    text_head = head.decode("utf-8-sig" if encoding == "utf-8" else "cp1252", "replace")
    head_lines = text_head.splitlines()
    header_row = mapping.header_row
    if mapping.comment is not None:
        # Comments and blank lines before the header are skipped too.
        while header_row <= len(head_lines) and (
            not head_lines[header_row - 1].strip()
            or head_lines[header_row - 1].lstrip(" \t").startswith(mapping.comment)
        ):
            header_row += 1
    if len(head_lines) < header_row:
        raise _empty(
            display_name,
            _("filen har ingen rubrikrad på rad %(header_row)s") % {"header_row": header_row},
        )
    header_line = head_lines[header_row - 1]
    delimiter = mapping.delimiter if mapping.delimiter != "auto" else sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter, quotechar=mapping.quote or '"'))
    positions, applied = _match_columns(
        mapping, header, display_name, header_row, only_mapped_columns
    )
    return CsvPlan(encoding, delimiter, header, positions, replace(applied, header_row=header_row))


def csv_select(
    read_path: Path, duck_encoding: str, plan: CsvPlan, mapping: Mapping, *, rejects: bool
) -> str:
    """The mapped columns of the CSV file as text, one column per role.

    With ``rejects`` the lines DuckDB cannot read are collected in ``reject_errors``;
    without, the first one raises.
    """
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(plan.header)))
    quote = quote_literal(mapping.quote) if mapping.quote else "''"
    collect = f", store_rejects=true, rejects_limit={MAX_LISTED}" if rejects else ""
    reader = (
        f"read_csv({quote_literal(str(read_path))}, delim={quote_literal(plan.delimiter)}, "
        f"quote={quote}, escape={quote}, header=false, skip={plan.mapping.header_row}, "
        f"columns={{{columns}}}, auto_detect=false, encoding={quote_literal(duck_encoding)}, "
        f"strict_mode=true{collect})"
    )
    select = ", ".join(
        f"c{index} AS {quote_ident(role)}" for role, index in sorted(plan.positions.items())
    )
    return f"(SELECT {select} FROM {reader})"


def _stage_csv(
    source: Path,
    mapping: Mapping,
    work_dir: Path,
    con: duckdb.DuckDBPyConnection,
    display_name: str,
    only_mapped_columns: bool,
    progress: Progress | None,
) -> Staged:
    scan = scan_file(source, mapping.comment)
    if progress:
        progress(10, _("Filen är läst och kontrollsumman beräknad"))
    plan = plan_csv(scan.head, scan.size, mapping, display_name, only_mapped_columns)
    mapping = plan.mapping

    read_path, duck_encoding = source, "utf-8"
    if scan.has_comments or (plan.encoding == "windows-1252" and scan.has_c1):
        read_path = work_dir / "source-utf8.csv"
        write_copy(source, read_path, display_name, encoding=plan.encoding, comment=mapping.comment)
    elif plan.encoding == "windows-1252":
        duck_encoding = "latin-1"

    select = csv_select(read_path, duck_encoding, plan, mapping, rejects=True)
    staged_path = work_dir / STAGED_FILE
    rows = con.execute(
        f"COPY {select} TO {quote_literal(str(staged_path))} {PARQUET_OPTIONS}"
    ).fetchall()[0][0]
    _raise_rejects(con, plan.header, display_name, scan)
    if rows == 0:
        raise _empty(display_name, _("filen har inga rader under rubrikraden"))
    if progress:
        progress(40, _("Raderna är lästa"))

    regular = (
        not scan.has_comments
        and scan.blank_lines == 0
        and scan.physical_lines == mapping.header_row + rows
    )
    line_offset: int | None = mapping.header_row + 1
    if not regular:
        starts = _record_start_lines(read_path, duck_encoding, plan.delimiter, mapping, rows)
        _add_line_column(con, staged_path, starts)
        line_offset = None
    decimal_separator = mapping.decimal_separator
    if decimal_separator == "auto":
        decimal_separator = sniff_decimal_separator(con, staged_path, mapping, plan.delimiter)
    return Staged(
        staged_path, rows, scan.sha256, scan.size, decimal_separator, line_offset, mapping
    )


def parquet_source(path: Path) -> str:
    """The staged rows with their index in the file as ``file_row_number``."""
    return f"read_parquet({quote_literal(str(path))}, file_row_number = true)"


def write_copy(
    source: Path, target: Path, display_name: str, *, encoding: str, comment: str | None = None
) -> None:
    """``source`` in UTF-8 at ``target``, each comment line left empty.

    A Windows-1252 file is transcoded; a comment line keeps its line break, so every line
    keeps its number and DuckDB skips it as a blank line.
    """
    python_encoding = "cp1252" if encoding == "windows-1252" else "utf-8"
    decoder = codecs.getincrementaldecoder(python_encoding)()
    offset = 0
    unfinished = ""
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                position = offset + exc.start
                with source.open("rb") as again:
                    line = again.read(position).count(b"\n") + 1
                raise InputErrors(
                    [
                        InputError(
                            display_name,
                            line,
                            "",
                            _(
                                "byte 0x%(byte)s finns inte i %(encoding)s; filen har en annan "
                                "teckenkodning än mappningen anger"
                            )
                            % {
                                "byte": format(chunk[exc.start], "02X"),
                                "encoding": "Windows-1252"
                                if encoding == "windows-1252"
                                else "UTF-8",
                            },
                        )
                    ]
                ) from exc
            offset += len(chunk)
            if comment is None:
                dst.write(text)
                continue
            *lines, unfinished = (unfinished + text).split("\n")
            dst.writelines(_uncommented(line, comment) + "\n" for line in lines)
        rest = unfinished + decoder.decode(b"", final=True)
        dst.write(rest if comment is None else _uncommented(rest, comment))


def _uncommented(line: str, comment: str) -> str:
    """The line, or only its carriage return when it is a comment."""
    if line.lstrip(" \t").startswith(comment):
        return "\r" if line.endswith("\r") else ""
    return line


_REJECT_TEXT = {
    "MISSING COLUMNS": gettext_noop("raden har för få kolumner"),
    "TOO MANY COLUMNS": gettext_noop("raden har för många kolumner"),
    "UNQUOTED VALUE": gettext_noop("ett värde har citattecken på fel ställe"),
    "LINE SIZE OVER MAXIMUM": gettext_noop("raden är för lång"),
    "INVALID ENCODING": gettext_noop("raden har tecken som inte finns i filens teckenkodning"),
    "INVALID UNICODE": gettext_noop("raden har tecken som inte finns i filens teckenkodning"),
}


def _raise_rejects(
    con: duckdb.DuckDBPyConnection, header: list[str], display_name: str, scan: FileScan
) -> None:
    rejects = con.execute(
        "SELECT line, column_idx, error_type, csv_line FROM reject_errors ORDER BY line"
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    if not rejects:
        return
    errors: list[InputError] = []
    seen: set[int] = set()
    last_line = scan.physical_lines
    for line, column_idx, error_type, csv_line in rejects:
        if line in seen:
            continue  # DuckDB reports each missing column of a short line separately
        seen.add(line)
        message = _(_REJECT_TEXT[error_type]) if error_type in _REJECT_TEXT else error_type.lower()
        if error_type == "MISSING COLUMNS" and line == last_line and not scan.ends_with_newline:
            message = _(
                "sista raden är avbruten mitt i: filen verkar vara ofullständig (trunkerad)"
            )
        found = (csv_line or "").strip()
        detail = (
            _(" (%(value)s kolumner väntades): %(found)s")
            % {"value": len(header), "found": repr(found[:200])}
            if found
            else ""
        )
        column = ""
        if column_idx is not None and 0 < column_idx <= len(header):
            column = header[column_idx - 1].strip()
        errors.append(InputError(display_name, int(line), column, message + detail))
    raise InputErrors(errors)


def _record_start_lines(
    path: Path, encoding: str, delimiter: str, mapping: Mapping, rows: int
) -> list[int]:
    """The first line of every record, for a file whose records are not one line each.

    Reads the file once more with Python's csv module (slow, but only for files with blank
    lines or line breaks inside quoted values); blank lines are skipped as DuckDB skips them.
    """
    python_encoding = "utf-8-sig" if encoding == "utf-8" else "latin-1"
    starts: list[int] = []
    with path.open(encoding=python_encoding, newline="") as f:
        for _header_line in range(mapping.header_row):
            f.readline()
        reader = csv.reader(f, delimiter=delimiter, quotechar=mapping.quote or '"')
        previous = 0
        for record in reader:
            if record:
                starts.append(mapping.header_row + previous + 1)
            previous = reader.line_num
    if len(starts) != rows:
        raise RuntimeError(f"line count mismatch: {len(starts)} records, {rows} rows")
    return starts


def _add_line_column(con: duckdb.DuckDBPyConnection, staged_path: Path, starts: list[int]) -> None:
    import pyarrow as pa

    lines = pa.table({"idx": pa.array(range(len(starts)), pa.int64()), "line": starts})
    con.register("line_numbers", lines)
    numbered = staged_path.with_name("numbered.parquet")
    con.execute(
        f"COPY (SELECT s.* EXCLUDE (file_row_number), n.line FROM {parquet_source(staged_path)} s "
        "JOIN line_numbers n ON n.idx = s.file_row_number ORDER BY s.file_row_number) "
        f"TO {quote_literal(str(numbered))} {PARQUET_OPTIONS}"
    )
    con.unregister("line_numbers")
    numbered.replace(staged_path)


_DECIMAL_COMMA = re.compile(r",\d{1,2}-?\)?$")
_DECIMAL_POINT = re.compile(r"\.\d{1,2}-?\)?$")


def sniff_decimal_separator(
    con: duckdb.DuckDBPyConnection, staged_path: Path, mapping: Mapping, delimiter: str
) -> str:
    """The decimal separator the amounts use, judged from a sample of them."""
    roles = [r for r in ("amount", "debit", "credit") if r in mapping.columns]
    union = " UNION ALL ".join(
        f"SELECT {quote_ident(r)} AS v FROM read_parquet({quote_literal(str(staged_path))}) "
        f"WHERE {quote_ident(r)} IS NOT NULL"
        for r in roles
    )
    sample = [v for (v,) in con.execute(f"SELECT v FROM ({union}) LIMIT 20000").fetchall()]
    return judge_decimal_separator(sample, delimiter)


def judge_decimal_separator(sample: list[str], delimiter: str) -> str:
    """The decimal separator most of the amounts in ``sample`` are written with."""
    commas = sum(1 for v in sample if _DECIMAL_COMMA.search(v.strip()))
    points = sum(1 for v in sample if _DECIMAL_POINT.search(v.strip()))
    if commas or points:
        return "," if commas >= points else "."
    return "," if delimiter == ";" else "."


def _stage_parquet(
    source: Path,
    mapping: Mapping,
    work_dir: Path,
    con: duckdb.DuckDBPyConnection,
    display_name: str,
    only_mapped_columns: bool,
) -> Staged:
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({quote_literal(str(source))})"
        ).fetchall()
    except duckdb.Error as exc:
        raise _empty(
            display_name, _("filen är inte en läsbar Parquet-fil: %(exc)s") % {"exc": exc}
        ) from exc
    header = [row[0] for row in described]
    types = [row[1] for row in described]
    positions, mapping = _match_columns(mapping, header, display_name, None, only_mapped_columns)
    decimal_separator = "." if mapping.decimal_separator == "auto" else mapping.decimal_separator

    def as_text(index: int) -> str:
        text = f"CAST({quote_ident(header[index])} AS VARCHAR)"
        numeric = types[index].startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL"))
        if numeric and decimal_separator != ".":
            # Numbers are converted to text with the mapping's decimal separator, so that
            # text columns written the same way read alike.
            text = f"replace({text}, '.', {quote_literal(decimal_separator)})"
        return text

    select = ", ".join(
        f"{as_text(index)} AS {quote_ident(role)}" for role, index in sorted(positions.items())
    )
    staged_path = work_dir / STAGED_FILE
    rows = con.execute(
        f"COPY (SELECT {select} FROM read_parquet({quote_literal(str(source))})) "
        f"TO {quote_literal(str(staged_path))} {PARQUET_OPTIONS}"
    ).fetchall()[0][0]
    if rows == 0:
        raise _empty(display_name, _("filen har inga rader"))
    # A Parquet file has no lines: a row is named by its number, counting from 1.
    size = source.stat().st_size
    return Staged(staged_path, rows, sha256_of(source), size, decimal_separator, 1, mapping)


def _cell_text(value: object, decimal_separator: str) -> str | None:
    """The text of an Excel cell as a CSV export by the same mapping would have written it."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # The shortest text that reads back as the same float: what the user typed for an
        # amount in kronor and öre; integral numbers (codes, years) without ".0".
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", decimal_separator)
    if isinstance(value, decimal.Decimal):
        return format(value, "f").replace(".", decimal_separator)
    return str(value)


def _stage_xlsx(
    source: Path,
    mapping: Mapping,
    work_dir: Path,
    con: duckdb.DuckDBPyConnection,
    display_name: str,
    only_mapped_columns: bool,
) -> Staged:
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise _empty(
            display_name, _("filen är inte en läsbar Excel-fil (.xlsx): %(exc)s") % {"exc": exc}
        ) from exc
    try:
        if mapping.sheet is not None:
            if mapping.sheet not in workbook.sheetnames:
                sheets = ", ".join(workbook.sheetnames)
                raise _empty(
                    display_name,
                    _("bladet %(sheet)s finns inte; bladen: %(sheets)s")
                    % {"sheet": repr(mapping.sheet), "sheets": sheets},
                )
            sheet = workbook[mapping.sheet]
        else:
            sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header: list[str] | None = None
        for number, values in enumerate(rows_iter, start=1):
            if number == mapping.header_row:
                header = ["" if v is None else str(v) for v in values]
                break
        if header is None:
            raise _empty(display_name)
        positions, mapping = _match_columns(
            mapping, header, display_name, mapping.header_row, only_mapped_columns
        )
        roles = sorted(positions)
        # Numbers are converted to text with the mapping's decimal separator, so that text
        # cells written the same way read alike.
        decimal_separator = (
            "." if mapping.decimal_separator == "auto" else mapping.decimal_separator
        )
        schema = pa.schema([(role, pa.string()) for role in roles] + [("line", pa.int64())])
        staged_path = work_dir / STAGED_FILE
        count = 0
        with pq.ParquetWriter(staged_path, schema, compression="zstd") as writer:
            batch: dict[str, list] = {name: [] for name in schema.names}
            for number, values in enumerate(rows_iter, start=mapping.header_row + 1):
                if values is None or all(v is None or v == "" for v in values):
                    continue
                for role in roles:
                    index = positions[role]
                    value = values[index] if index < len(values) else None
                    batch[role].append(_cell_text(value, decimal_separator))
                batch["line"].append(number)
                count += 1
                if len(batch["line"]) >= 100_000:
                    writer.write_table(pa.table(batch, schema=schema))
                    batch = {name: [] for name in schema.names}
            if batch["line"]:
                writer.write_table(pa.table(batch, schema=schema))
    finally:
        workbook.close()
    if count == 0:
        raise _empty(display_name, _("bladet har inga rader under rubrikraden"))
    size = source.stat().st_size
    return Staged(staged_path, count, sha256_of(source), size, decimal_separator, None, mapping)
