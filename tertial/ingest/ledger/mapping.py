"""Column mappings: which column of a source system's export holds what.

A mapping is a small YAML file (docs/ledger-import.md documents every key). Mappings shipped
with tertial live in ``tertial/ingest/ledger/mappings/`` and are named by their file stem
(``unit4-agresso``); an installation can use its own by giving a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

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
            raise MappingError(f"okänd mappning {name_or_path!r}; de som följer med: {known}")
        path = shipped[str(name_or_path)]
    # The folder's YAML reader names the line of an error (2020-02-30 too); imported here
    # because the folder reads its ledger files through this package.
    from tertial.ingest.folder.reading import FileError, parse_yaml

    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: kan inte läsas: {exc}") from exc
    except FileError as exc:
        raise MappingError(f"inte giltig YAML: {exc.error}") from exc
    return mapping_from_dict(data, default_name=path.stem, source=str(path))


def mapping_from_dict(data: object, *, default_name: str = "", source: str = "") -> Mapping:
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise MappingError(f"{where}en mappning ska vara en YAML-tabell med nycklar")
    allowed = {
        "name", "kind", "system", "format", "encoding", "delimiter", "quote",
        "decimal_separator", "header_row", "sheet", "date_format", "columns", "optional",
        "comment",
    }  # fmt: skip
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MappingError(f"{where}okända nycklar: {', '.join(unknown)}")

    def choice(key: str, options: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        value = "\t" if value in {"\\t", "tab"} else value
        if key == "encoding" and isinstance(value, str):
            value = _ENCODING_ALIASES.get(value.lower(), value.lower())
        if value not in options:
            raise MappingError(
                f"{where}{key}: {value!r} är inte ett av {', '.join(map(repr, options))}"
            )
        return value

    kind = choice("kind", KINDS, "ledger")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(f"{where}columns: ange vilken kolumn som har vilken uppgift")
    roles = TIME_ROLES + (LEDGER_ROLES if kind == "ledger" else BUDGET_ROLES)
    bad_roles = sorted(set(columns) - set(roles))
    if bad_roles:
        raise MappingError(
            f"{where}columns: okända roller {', '.join(bad_roles)}; möjliga: {', '.join(roles)}"
        )
    columns = {role: str(name).strip() for role, name in columns.items() if name is not None}
    time = [r for r in TIME_ROLES if r in columns]
    if time not in (["period"], ["date"], ["year", "month"]):
        raise MappingError(
            f"{where}columns: ange antingen period, date eller year och month (fick {time})"
        )
    amounts = [r for r in ("amount", "debit", "credit") if r in columns]
    if amounts not in (["amount"], ["debit", "credit"]):
        raise MappingError(f"{where}columns: ange antingen amount eller debit och credit")
    required = ["unit", "account"] if kind == "ledger" else ["unit"]
    missing = [r for r in required if r not in columns]
    if kind == "budget" and ("account_class" in columns) == ("account" in columns):
        missing.append("account_class eller account (en av dem)")
    if missing:
        raise MappingError(f"{where}columns: saknar {', '.join(missing)}")
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise MappingError(f"{where}header_row: ett radnummer från 1")
    quote = data.get("quote", '"')
    if not isinstance(quote, str) or len(quote) > 1:
        raise MappingError(f"{where}quote: ett tecken, eller tomt för inga citattecken")
    optional = data.get("optional") or []
    if not isinstance(optional, list) or any(
        role not in OPTIONAL_ROLES or role not in columns for role in optional
    ):
        raise MappingError(
            f"{where}optional: en lista av rollerna i columns som får saknas i filen "
            f"({', '.join(OPTIONAL_ROLES)})"
        )
    comment = data.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) != 1):
        raise MappingError(f"{where}comment: ett tecken, som inleder en kommentarsrad")
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
