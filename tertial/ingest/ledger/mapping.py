"""Column mappings: which column of a source system's export holds what.

A mapping is a small YAML file (docs/ledger-import.md documents every key). Mappings shipped
with tertial live in ``tertial/ingest/ledger/mappings/`` and are named by their file stem
(``unit4-agresso``); an installation can use its own by giving a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from django.utils.translation import gettext as _

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

KINDS = ("ledger", "budget")
FORMATS = ("auto", "csv", "xlsx", "parquet")
ENCODINGS = ("auto", "utf-8", "windows-1252")
DELIMITERS = ("auto", ";", ",", "\t", "|")
DECIMAL_SEPARATORS = ("auto", ",", ".")

# The roles a column can play; a mapping names the source column for each role it uses.
TIME_ROLES = ("period", "date", "year", "month")
LEDGER_ROLES = ("unit", "account", "activity", "project", "amount", "debit", "credit", "text")
BUDGET_ROLES = ("unit", "account_class", "account", "amount", "debit", "credit", "text")
# Roles a mapping may mark optional: a file without their column reads as if they were empty.
OPTIONAL_ROLES = ("activity", "project", "text")

_ENCODING_ALIASES = {
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "windows-1252",
    "win1252": "windows-1252",
    "windows1252": "windows-1252",
    "ansi": "windows-1252",
    "latin-1": "windows-1252",
    "latin1": "windows-1252",
    "iso-8859-1": "windows-1252",
}


class MappingError(ValueError):
    """A mapping file that cannot be used; the message says which key is wrong."""


@dataclass(frozen=True)
class Mapping:
    name: str
    kind: str = "ledger"
    system: str = ""
    format: str = "auto"
    encoding: str = "auto"
    delimiter: str = "auto"
    quote: str = '"'
    decimal_separator: str = "auto"
    header_row: int = 1
    sheet: str | None = None
    date_format: str = "%Y-%m-%d"
    columns: dict[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    # A line whose first character other than a space is this one is a comment, skipped.
    comment: str | None = None

    @property
    def time_roles(self) -> tuple[str, ...]:
        return tuple(r for r in TIME_ROLES if r in self.columns)

    @property
    def amount_roles(self) -> tuple[str, ...]:
        return tuple(r for r in ("amount", "debit", "credit") if r in self.columns)

    def without(self, roles: list[str]) -> Mapping:
        """The mapping of a file that lacks the columns of ``roles`` (optional ones)."""
        if not roles:
            return self
        columns = {role: name for role, name in self.columns.items() if role not in roles}
        optional = tuple(role for role in self.optional if role not in roles)
        return replace(self, columns=columns, optional=optional)

    def source_format(self, path: Path) -> str:
        if self.format != "auto":
            return self.format
        suffix = path.suffix.lower()
        if suffix in {".xlsx", ".xlsm"}:
            return "xlsx"
        if suffix in {".parquet", ".pq"}:
            return "parquet"
        return "csv"


def shipped_mappings() -> dict[str, Path]:
    return {p.stem: p for p in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A shipped mapping by name (``raindance``) or a mapping file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        shipped = shipped_mappings()
        if str(name_or_path) not in shipped:
            known = ", ".join(shipped)
            raise MappingError(
                _("okänd mappning %(name_or_path)s; de som följer med: %(known)s")
                % {"name_or_path": repr(name_or_path), "known": known}
            )
        path = shipped[str(name_or_path)]
    # The folder's YAML reader names the line of an error (2020-02-30 too); imported here
    # because the folder reads its ledger files through this package.
    from tertial.ingest.folder.reading import FileError, parse_yaml

    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            _("%(path)s: kan inte läsas: %(exc)s") % {"path": path, "exc": exc}
        ) from exc
    except FileError as exc:
        raise MappingError(_("inte giltig YAML: %(error)s") % {"error": exc.error}) from exc
    return mapping_from_dict(data, default_name=path.stem, source=str(path))


def mapping_from_dict(data: object, *, default_name: str = "", source: str = "") -> Mapping:
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise MappingError(
            _("%(where)sen mappning ska vara en YAML-tabell med nycklar") % {"where": where}
        )
    allowed = {
        "name", "kind", "system", "format", "encoding", "delimiter", "quote",
        "decimal_separator", "header_row", "sheet", "date_format", "columns", "optional",
        "comment",
    }  # fmt: skip
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MappingError(
            _("%(where)sokända nycklar: %(value)s") % {"where": where, "value": ", ".join(unknown)}
        )

    def choice(key: str, options: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        value = "\t" if value in {"\\t", "tab"} else value
        if key == "encoding" and isinstance(value, str):
            value = _ENCODING_ALIASES.get(value.lower(), value.lower())
        if value not in options:
            raise MappingError(
                _("%(where)s%(key)s: %(value)s är inte ett av %(value2)s")
                % {
                    "where": where,
                    "key": key,
                    "value": repr(value),
                    "value2": ", ".join(map(repr, options)),
                }
            )
        return value

    kind = choice("kind", KINDS, "ledger")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(
            _("%(where)scolumns: ange vilken kolumn som har vilken uppgift") % {"where": where}
        )
    roles = TIME_ROLES + (LEDGER_ROLES if kind == "ledger" else BUDGET_ROLES)
    bad_roles = sorted(set(columns) - set(roles))
    if bad_roles:
        raise MappingError(
            _("%(where)scolumns: okända roller %(value)s; möjliga: %(value2)s")
            % {"where": where, "value": ", ".join(bad_roles), "value2": ", ".join(roles)}
        )
    columns = {role: str(name).strip() for role, name in columns.items() if name is not None}
    time = [r for r in TIME_ROLES if r in columns]
    if time not in (["period"], ["date"], ["year", "month"]):
        raise MappingError(
            _("%(where)scolumns: ange antingen period, date eller year och month (fick %(time)s)")
            % {"where": where, "time": time}
        )
    amounts = [r for r in ("amount", "debit", "credit") if r in columns]
    if amounts not in (["amount"], ["debit", "credit"]):
        raise MappingError(
            _("%(where)scolumns: ange antingen amount eller debit och credit") % {"where": where}
        )
    required = ["unit", "account"] if kind == "ledger" else ["unit"]
    missing = [r for r in required if r not in columns]
    if kind == "budget" and ("account_class" in columns) == ("account" in columns):
        missing.append(_("account_class eller account (en av dem)"))
    if missing:
        raise MappingError(
            _("%(where)scolumns: saknar %(missing)s")
            % {"where": where, "missing": ", ".join(missing)}
        )
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise MappingError(_("%(where)sheader_row: ett radnummer från 1") % {"where": where})
    quote = data.get("quote", '"')
    if not isinstance(quote, str) or len(quote) > 1:
        raise MappingError(
            _("%(where)squote: ett tecken, eller tomt för inga citattecken") % {"where": where}
        )
    optional = data.get("optional") or []
    if not isinstance(optional, list) or any(
        role not in OPTIONAL_ROLES or role not in columns for role in optional
    ):
        raise MappingError(
            _(
                "%(where)soptional: en lista av rollerna i columns som får saknas i filen "
                "(%(value)s)"
            )
            % {"where": where, "value": ", ".join(OPTIONAL_ROLES)}
        )
    comment = data.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) != 1):
        raise MappingError(
            _("%(where)scomment: ett tecken, som inleder en kommentarsrad") % {"where": where}
        )
    return Mapping(
        name=str(data.get("name") or default_name),
        kind=kind,
        system=str(data.get("system") or ""),
        format=choice("format", FORMATS, "auto"),
        encoding=choice("encoding", ENCODINGS, "auto"),
        delimiter=choice("delimiter", DELIMITERS, "auto"),
        quote=quote,
        decimal_separator=choice("decimal_separator", DECIMAL_SEPARATORS, "auto"),
        header_row=header_row,
        sheet=str(data["sheet"]) if data.get("sheet") is not None else None,
        date_format=str(data.get("date_format") or "%Y-%m-%d"),
        columns=columns,
        optional=tuple(optional),
        comment=comment,
    )
