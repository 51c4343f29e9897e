"""Record mappings: which column of a source system's export is which, and how its codes
become tertial's (docs/record-import.md documents every key).

Shipped mappings live in ``tertial/ingest/records/mappings/``, named by file stem; an
installation can give a path to its own. Only the columns a mapping names are read: every
other column of the export (names, phone numbers, e-mail addresses, free text) is never
stored, unless the mapping lists it under ``keep``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from tertial.ingest.ledger.mapping import (
    DELIMITERS,
    ENCODINGS,
    Mapping,
    MappingError,
)

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

FORMATS = ("auto", "csv", "xlsx", "parquet", "jsonl")
KINDS = ("cases", "contacts", "surveys", "invoices")

# The roles each kind's columns can play; the first time role is the record's month.
ROLES = {
    "cases": (
        "id", "opened", "closed", "channel", "category", "unit", "first_contact",
        "priority", "due", "delivered", "gender",
    ),
    "contacts": (
        "id", "queue", "offered", "answered", "ended", "abandoned", "channel", "unit",
        "wait_seconds", "gender",
    ),
    "surveys": ("id", "date", "unit", "question", "score", "channel", "gender"),
    "invoices": (
        "id", "date", "supplier", "supplier_org_number", "amount", "unit", "account",
        "e_invoice", "e_commerce", "contract",
    ),
}  # fmt: skip
TIME_ROLE = {"cases": "opened", "contacts": "offered", "surveys": "date", "invoices": "date"}
TIMESTAMP_ROLES = ("opened", "closed", "offered", "answered", "ended", "date", "due", "delivered")
BOOLEAN_ROLES = ("first_contact", "abandoned", "e_invoice", "e_commerce")
NUMBER_ROLES = ("wait_seconds", "score")
# Roles whose source codes the mapping may translate (``codes``).
CODED_ROLES = ("unit", "channel", "category", "queue", "gender", "question")
CHANNELS = ("phone", "chat", "email", "visit", "web", "letter", "other")
GENDERS = ("K", "M")

TRUE_VALUES = ("1", "ja", "j", "yes", "y", "true", "sant", "x")
FALSE_VALUES = ("0", "nej", "n", "no", "false", "falskt", "")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclass(frozen=True)
class RecordMapping:
    name: str
    kind: str
    system: str = ""
    format: str = "auto"
    encoding: str = "auto"
    delimiter: str = "auto"
    quote: str = '"'
    decimal_separator: str = ","
    header_row: int = 1
    sheet: str | None = None
    date_formats: tuple[str, ...] = DATE_FORMATS
    columns: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    default_unit: str | None = None
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES
    keep: tuple[str, ...] = ()
    pseudonymise: bool = True
    comment: str | None = None

    @property
    def time_role(self) -> str:
        return TIME_ROLE[self.kind]

    def source_format(self, path: Path) -> str:
        if self.format != "auto":
            return self.format
        if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
            return "jsonl"
        return self.staging().source_format(path)

    def staging(self) -> Mapping:
        """The mapping the ledger's staging reads the file by: the named columns as text,
        each kept column under its own name ``keep_N``."""
        columns = dict(self.columns)
        columns.update({f"keep_{i}": name for i, name in enumerate(self.keep)})
        return Mapping(
            name=self.name,
            kind="records",
            format=self.format if self.format != "jsonl" else "auto",
            encoding=self.encoding,
            delimiter=self.delimiter,
            quote=self.quote,
            decimal_separator=self.decimal_separator,
            header_row=self.header_row,
            sheet=self.sheet,
            columns=columns,
            # A file without the column of a role reads as if it were empty there; the
            # record's time, and an invoice's amount or a survey answer's score, it must have.
            optional=tuple(
                role for role in self.columns if role not in (self.time_role, "amount", "score")
            ),
            comment=self.comment,
        )


def shipped_mappings() -> dict[str, Path]:
    return {p.stem: p for p in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def load_mapping(name_or_path: str | Path) -> RecordMapping:
    """A shipped mapping by name (``tertial-cases``) or a mapping file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        shipped = shipped_mappings()
        if str(name_or_path) not in shipped:
            known = ", ".join(shipped)
            raise MappingError(
                _("okänd mappning %(name)s; de som följer med: %(known)s")
                % {"name": repr(name_or_path), "known": known}
            )
        path = shipped[str(name_or_path)]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(
            _("%(path)s: kan inte läsas: %(error)s") % {"path": path, "error": exc}
        ) from exc
    except yaml.YAMLError as exc:
        raise MappingError(
            _("%(path)s: inte giltig YAML: %(error)s") % {"path": path, "error": exc}
        ) from exc
    return mapping_from_dict(data, default_name=path.stem, source=str(path))


def _strings(value, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise MappingError(where + _("%(key)s: en lista av texter") % {"key": key})
    return tuple(str(v) for v in value)


def mapping_from_dict(data: object, *, default_name: str = "", source: str = "") -> RecordMapping:
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise MappingError(where + _("en mappning ska vara en YAML-tabell med nycklar"))
    allowed = {
        "name", "kind", "system", "format", "encoding", "delimiter", "quote",
        "decimal_separator", "header_row", "sheet", "date_formats", "columns", "codes",
        "default_unit", "true_values", "false_values", "keep", "pseudonymise", "comment",
    }  # fmt: skip
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MappingError(where + _("okända nycklar: %(keys)s") % {"keys": ", ".join(unknown)})

    def choice(key: str, options: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        value = "\t" if value in {"\\t", "tab"} else value
        if key == "encoding" and isinstance(value, str):
            value = {"utf8": "utf-8", "cp1252": "windows-1252", "latin1": "windows-1252"}.get(
                value.lower(), value.lower()
            )
        if value not in options:
            raise MappingError(
                where
                + _("%(key)s: %(value)s är inte ett av %(options)s")
                % {"key": key, "value": repr(value), "options": ", ".join(map(repr, options))}
            )
        return value

    kind = data.get("kind")
    if kind not in KINDS:
        raise MappingError(where + _("kind: ett av %(kinds)s") % {"kinds": ", ".join(KINDS)})
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(where + _("columns: ange vilken kolumn som har vilken uppgift"))
    bad = sorted(set(columns) - set(ROLES[kind]))
    if bad:
        raise MappingError(
            where
            + _("columns: okända roller för %(kind)s: %(bad)s; möjliga: %(roles)s")
            % {"kind": kind, "bad": ", ".join(map(str, bad)), "roles": ", ".join(ROLES[kind])}
        )
    columns = {role: str(name).strip() for role, name in columns.items() if name is not None}
    if TIME_ROLE[kind] not in columns:
        raise MappingError(
            where
            + _("columns: %(kind)s behöver kolumnen %(column)s")
            % {"kind": kind, "column": TIME_ROLE[kind]}
        )
    if kind == "invoices" and "amount" not in columns:
        raise MappingError(
            where
            + _("columns: %(kind)s behöver kolumnen %(column)s")
            % {"kind": "invoices", "column": "amount"}
        )
    if kind == "surveys" and "score" not in columns:
        raise MappingError(
            where
            + _("columns: %(kind)s behöver kolumnen %(column)s")
            % {"kind": "surveys", "column": "score"}
        )
    codes = data.get("codes") or {}
    if not isinstance(codes, dict) or any(
        role not in CODED_ROLES or not isinstance(table, dict) for role, table in codes.items()
    ):
        raise MappingError(
            where
            + _("codes: per roll (%(roles)s) en tabell källkod: tertials kod")
            % {"roles": ", ".join(CODED_ROLES)}
        )
    codes = {
        role: {str(k).strip().casefold(): str(v).strip() for k, v in table.items()}
        for role, table in codes.items()
    }
    for source_code, channel in codes.get("channel", {}).items():
        if channel not in CHANNELS:
            raise MappingError(
                where
                + _("codes.channel: %(code)s → %(channel)s; kanalerna är %(channels)s")
                % {"code": source_code, "channel": repr(channel), "channels": ", ".join(CHANNELS)}
            )
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise MappingError(where + _("header_row: ett radnummer från 1"))
    pseudonymise = data.get("pseudonymise", True)
    if not isinstance(pseudonymise, bool):
        raise MappingError(where + _("pseudonymise: true eller false"))
    keep = _strings(data.get("keep") or [], where, "keep")
    default_unit = data.get("default_unit")
    return RecordMapping(
        name=str(data.get("name") or default_name),
        kind=kind,
        system=str(data.get("system") or ""),
        format=choice("format", FORMATS, "auto"),
        encoding=choice("encoding", ENCODINGS, "auto"),
        delimiter=choice("delimiter", DELIMITERS, "auto"),
        quote=str(data.get("quote", '"') or ""),
        decimal_separator=choice("decimal_separator", (",", "."), ","),
        header_row=header_row,
        sheet=str(data["sheet"]) if data.get("sheet") is not None else None,
        date_formats=_strings(
            data.get("date_formats") or list(DATE_FORMATS), where, "date_formats"
        ),
        columns=columns,
        codes=codes,
        default_unit=str(default_unit) if default_unit is not None else None,
        true_values=tuple(
            v.casefold()
            for v in _strings(data.get("true_values", list(TRUE_VALUES)), where, "true_values")
        ),
        false_values=tuple(
            v.casefold()
            for v in _strings(data.get("false_values", list(FALSE_VALUES)), where, "false_values")
        ),
        keep=keep,
        pseudonymise=pseudonymise,
        comment=data.get("comment"),
    )
