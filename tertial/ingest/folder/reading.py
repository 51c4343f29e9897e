"""Reading the files of an organisation folder: encodings, CSV and YAML with line numbers.

Plain Python (no Django) so that it can be tested without a database. Every problem becomes
an InputError naming the file (relative to the folder), the line as an editor shows it
(first line = 1) and the field.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from tertial.core.errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"


class FileError(Exception):
    """A file that cannot be read at all; carries the one InputError that says why."""

    def __init__(self, error: InputError):
        self.error = error
        super().__init__(str(error))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, file: str, errors: list[InputError] | None = None) -> str:
    """Text of a file in UTF-8 (with or without BOM) or Windows-1252; refuse anything else.

    With ``errors``, a byte that neither encoding has is an error added there, and the text
    comes back with U+FFFD in its place, so that the file's other errors are found too;
    without, it is a FileError. A file of UTF-16 or binary is always a FileError.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise FileError(
            InputError(
                file,
                None,
                "",
                _(
                    "filen ser ut att vara UTF-16 eller binär (den innehåller NUL-byte); spara "
                    "den som UTF-8 eller Windows-1252"
                ),
            )
        )
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            error = InputError(
                file,
                _line_of(data, len(UTF8_BOM) + exc.start),
                "",
                _("filen börjar med en UTF-8-byteordningsmarkering men är inte giltig UTF-8"),
            )
            if errors is None:
                raise FileError(error) from exc
            errors.append(error)
            return body.decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        error = InputError(
            file,
            _line_of(data, exc.start),
            "",
            _("filen är varken UTF-8 eller Windows-1252 (byte 0x%(byte)s); spara den som UTF-8")
            % {"byte": format(byte, "02X")},
        )
        if errors is None:
            raise FileError(error) from exc
        errors.append(error)
        return data.decode("cp1252", "replace")


def read_text(path: Path, file: str, errors: list[InputError] | None = None) -> tuple[str, bytes]:
    """The decoded text of a file and its raw bytes (for a checksum); ``errors`` as for
    ``decode``."""
    data = path.read_bytes()
    return decode(data, file, errors), data


# --- CSV ---------------------------------------------------------------------------------


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class CsvTable:
    file: str
    separator: str
    header_line: int
    columns: list[str]
    rows: list[CsvRow] = field(default_factory=list)


def _is_skipped(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _records(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each CSV record; a quoted field may span lines."""
    buffer: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if not buffer:
            if _is_skipped(line):
                continue
            start = number
        buffer.append(line)
        # "" inside a quoted field keeps the count even, so an odd count means still open
        if "".join(buffer).count('"') % 2 == 0:
            yield start, "".join(buffer)
            buffer = []
    if buffer:
        yield start, "".join(buffer)


def detect_separator(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def parse_csv(
    text: str,
    file: str,
    errors: list[InputError],
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> CsvTable | None:
    """Rows of a CSV text as dicts keyed by lower-case column name.

    Header problems (missing, unknown or repeated columns) are errors on line 1 of the header
    and give no table; a row with the wrong number of fields is an error on its own line.
    """
    records = _records(text)
    try:
        header_line, header_text = next(records)
    except StopIteration:
        errors.append(InputError(file, None, "", _("filen är tom: en rubrikrad behövs")))
        return None
    separator = detect_separator(header_text)
    columns = [c.strip().lower() for c in next(csv.reader([header_text], delimiter=separator))]
    known = set(required) | set(optional)
    ok = True
    for column in columns:
        if columns.count(column) > 1:
            errors.append(InputError(file, header_line, column, _("kolumnen anges två gånger")))
            ok = False
            break
    for column in columns:
        if column not in known:
            errors.append(
                InputError(
                    file,
                    header_line,
                    column,
                    _("okänd kolumn; kolumnerna är %(value)s")
                    % {"value": ", ".join(required + optional)},
                )
            )
            ok = False
    for column in required:
        if column not in columns:
            errors.append(InputError(file, header_line, column, _("kolumnen saknas men krävs")))
            ok = False
    if not ok:
        return None
    table = CsvTable(file, separator, header_line, columns)
    for line, record in records:
        try:
            fields = next(csv.reader([record], delimiter=separator, strict=True))
        except csv.Error as exc:
            errors.append(
                InputError(file, line, "", _("raden kan inte läsas: %(exc)s") % {"exc": exc})
            )
            continue
        if len(fields) != len(columns):
            errors.append(
                InputError(
                    file,
                    line,
                    "",
                    _("%(fields)s fält där rubrikraden har %(columns)s (avgränsare %(separator)s)")
                    % {
                        "fields": len(fields),
                        "columns": len(columns),
                        "separator": repr(separator),
                    },
                )
            )
            continue
        table.rows.append(
            CsvRow(line, {c: v.strip() for c, v in zip(columns, fields, strict=True)})
        )
    return table


# --- YAML --------------------------------------------------------------------------------


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    def __init__(self, *args, line: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    def __init__(self, items=(), line: int = 1):
        super().__init__(items)
        self.line = line
        self.item_lines: list = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict(line=node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                _("i en mappning"),
                node.start_mark,
                _("en nyckel som inte kan vara nyckel"),
                key_node.start_mark,
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                _("i en mappning"),
                node.start_mark,
                _("nyckeln %(key)s finns två gånger") % {"key": repr(key)},
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList(
        (loader.construct_object(child, deep=True) for child in node.value),
        line=node.start_mark.line + 1,
    )
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    # YAML reads 2020-02-30 as a date and Python refuses it with a bare ValueError: the
    # error must name the line like any other.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            _("%(value)s är inget datum: %(exc)s") % {"value": repr(node.value), "exc": exc},
            node.start_mark,
        ) from exc


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, file: str):
    """The document of a YAML text with LineDict/LineList in place of dict/list."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        raise FileError(
            InputError(
                file,
                line,
                "",
                _("YAML-syntaxfel: %(problem)s%(context)s")
                % {"problem": problem, "context": context},
            )
        ) from exc
    except yaml.YAMLError as exc:
        raise FileError(InputError(file, None, "", _("YAML-fel: %(exc)s") % {"exc": exc})) from exc
