"""Reading and validating a whole organisation folder into plain data (no database).

``read_folder`` reads every file docs/input-format.md describes, checks each value and every
reference between files, and returns a FolderData; when anything is wrong it raises
InputErrors with every error it found, so a controller can fix a folder in one round.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tertial.core import evaluation, formula
from tertial.core.conventions import ConventionsError, conventions_from_settings
from tertial.core.errors import InputError, InputErrors
from tertial.core.numbers import VALUE_DIGITS
from tertial.core.targets import TargetFormatError, parse_target
from tertial.economy.services.imports import BUDGET, LEDGER, KnownCodes
from tertial.ingest.folder.fields import (
    YamlFields,
    check_amount,
    csv_decimal,
    parse_period_key,
)
from tertial.ingest.folder.reading import (
    FileError,
    LineDict,
    parse_csv,
    parse_yaml,
    read_text,
)
from tertial.ingest.ledger.importer import FOLDER_RULES, Export, doubled_keys, read_export
from tertial.ingest.ledger.mapping import MappingError
from tertial.ingest.records.mapping import load_mapping as load_record_mapping
from tertial.platform.i18n import translated
from tertial.records import definitions as records_definitions
from tertial.records.services import RETENTION_SETTING, check_retention
from tertial.reports.definition import ReportDefinitionError, parse_definition

if TYPE_CHECKING:
    from tertial.ingest.indicators import IndicatorValueData

SLUG = re.compile(r"^[a-z0-9-]{1,50}$")
UNIT_KEYS = ("code", "name", "parent", "starts_on", "ends_on")
PERIOD_KINDS = ("month", "tertial", "interim", "annual")
PERIOD_STATUSES = ("open", "submitted", "approved", "locked")
ACCOUNT_CLASS_KINDS = ("revenue", "cost", "financial")
MEASURES = ("percent", "count", "index", "ksek", "seconds", "score", "ratio")
DIRECTIONS = ("higher", "lower", "band")
ASSESSMENT_VALUES = ("met", "partly_met", "not_met", "not_assessable")
ITEM_KINDS = ("result", "activity", "deviation")
# Settings validated by tertial.core.evaluation; tertial.core.conventions knows every key.
GOAL_SETTINGS = ("partly_met_threshold", "zero_result_tolerance", "assessment_rule")
KOLADA_MUNICIPALITY = re.compile(r"^\d{4}$")
KOLADA_OU = re.compile(r"^[A-Za-z0-9]{1,40}$")


# --- the data a folder holds ------------------------------------------------------------


@dataclass
class UnitData:
    code: str
    name: str
    parent: str | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None


@dataclass
class AccountClassData:
    code: str
    name: str
    kind: str
    ranges: list[tuple[int, int]]


@dataclass
class PeriodData:
    key: str
    kind: str
    end_month: int
    title: str
    status: str
    deadline: datetime.date | None


@dataclass
class FiscalYearData:
    year: int
    periods: list[PeriodData]


@dataclass
class PerspectiveData:
    code: str
    name: str
    long_name: str


@dataclass
class CouncilGoalData:
    code: str
    year: int
    perspective: str
    name: str


@dataclass
class BoardGoalData:
    code: str
    year: int
    council_goal: str
    name: str
    description: str
    responsible_units: list[str]
    carried_over_from: str | None


@dataclass
class TargetData:
    year: int
    text: str
    comparator: str
    value: Decimal
    tolerance: Decimal | None


@dataclass
class IndicatorData:
    code: str
    name: str
    description: str
    board_goals: list[str]
    measure: str
    decimals: int | None
    direction: str
    unit: str | None
    parent: str | None
    is_part_of_parent: bool
    gender_split: bool
    formula: str
    in_core_volumes: bool
    in_personnel: bool
    partly_met_threshold: Decimal | None
    same_as: str | None
    kolada_kpi: str
    targets: list[TargetData]
    accumulates: bool = False
    # The definition over records (tertial.records.definitions), as written.
    records: dict | None = None


@dataclass
class RecordSourceData:
    """A file of records in the folder's records/ and the mapping it is read by."""

    path: Path
    file: str
    mapping: object  # a RecordMapping


@dataclass
class ForecastData:
    period: str
    unit: str
    net_result: Decimal
    revenues: Decimal | None
    costs: Decimal | None
    pandemic_net_cost: Decimal | None
    comment: str


@dataclass
class SectionData:
    period: str
    key: str
    title: str
    body: str
    instructions: str = ""
    unit: str = ""  # the code of the unit whose heads write it


@dataclass
class AssessmentData:
    period: str
    goal: str
    value: str
    justification: str
    items: list[tuple[str, str]]


@dataclass
class DecisionEventData:
    period: str
    kind: str
    text: str
    date: datetime.date | None


@dataclass
class PlanData:
    period: str
    title: str
    body: str
    unit: str = ""


@dataclass
class FrameData:
    year: int
    amount: Decimal
    approved_on: datetime.date | None
    note: str


@dataclass
class OutcomeData:
    period: str
    expenditure_to_date: Decimal
    income_to_date: Decimal
    forecast_expenditure: Decimal
    forecast_income: Decimal
    comment: str


@dataclass
class InvestmentProjectData:
    code: str
    name: str
    unit: str
    frames: list[FrameData]
    outcomes: list[OutcomeData]


@dataclass
class FolderData:
    slug: str = ""
    name: str = ""
    short_name: str = ""
    municipality: str = ""
    board: str = ""
    settings: dict = field(default_factory=dict)
    units: list[UnitData] = field(default_factory=list)
    account_classes: list[AccountClassData] = field(default_factory=list)
    account_names: dict[str, str] = field(default_factory=dict)
    fiscal_years: list[FiscalYearData] = field(default_factory=list)
    perspectives: list[PerspectiveData] = field(default_factory=list)
    council_goals: list[CouncilGoalData] = field(default_factory=list)
    board_goals: list[BoardGoalData] = field(default_factory=list)
    indicators: list[IndicatorData] = field(default_factory=list)
    indicator_values: list[IndicatorValueData] = field(default_factory=list)
    # Read by the ledger importer, each holding its sums until stored or closed.
    ledger_files: list[Export] = field(default_factory=list)
    budget_files: list[Export] = field(default_factory=list)
    forecasts: list[ForecastData] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)
    assessments: list[AssessmentData] = field(default_factory=list)
    decisions_events: list[DecisionEventData] = field(default_factory=list)
    plans: list[PlanData] = field(default_factory=list)
    investment_projects: list[InvestmentProjectData] = field(default_factory=list)
    record_sources: list[RecordSourceData] = field(default_factory=list)

    def __enter__(self) -> FolderData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary files of the ledger and budget files read."""
        for export in [*self.ledger_files, *self.budget_files]:
            export.close()

    def known_codes(self) -> KnownCodes:
        """The units, accounts, account classes and years the ledger and budget files may name."""
        return KnownCodes(
            units=frozenset(u.code for u in self.units),
            account_classes=frozenset(c.code for c in self.account_classes),
            accounts=frozenset(self.account_names),
            ranges=tuple(r for c in self.account_classes for r in c.ranges),
            fiscal_years=frozenset(self.years),
        )

    def account_class_of(self, number: str) -> str | None:
        """The code of the account class whose range holds account ``number``."""
        if not number.isdigit():
            return None
        value = int(number)
        for account_class in self.account_classes:
            for first, last in account_class.ranges:
                if first <= value <= last:
                    return account_class.code
        return None

    @property
    def years(self) -> set[int]:
        return {fy.year for fy in self.fiscal_years}

    @property
    def period_keys(self) -> set[str]:
        return {p.key for fy in self.fiscal_years for p in fy.periods}

    def counts(self) -> dict[str, int]:
        return {
            "units": len(self.units),
            "account_classes": len(self.account_classes),
            "periods": len(self.period_keys),
            "goals": len(self.board_goals),
            "indicators": len(self.indicators),
            "indicator_values": len(self.indicator_values),
            "ledger_rows": sum(f.row_count for f in self.ledger_files),
            "budget_rows": sum(f.row_count for f in self.budget_files),
            "forecasts": len(self.forecasts),
            "assessments": len(self.assessments),
            "sections": len(self.sections),
            "investment_projects": len(self.investment_projects),
        }


# --- reading -----------------------------------------------------------------------------


def read_folder(path: Path) -> FolderData:
    """Every file of the folder read and checked; InputErrors with all errors otherwise.

    The result holds the ledger and budget files' sums in temporary files until it is
    closed (it is a context manager).
    """
    reader = _FolderReader(Path(path))
    data = reader.read()
    if reader.errors:
        data.close()
        raise InputErrors(reader.errors)
    return data


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _parse_range(text: str) -> tuple[int, int] | None:
    first, sep, last = str(text).replace(" ", "").partition("-")
    if not sep:
        last = first
    if not (first.isdigit() and last.isdigit()) or int(first) > int(last):
        return None
    return int(first), int(last)


class _FolderReader:
    def __init__(self, root: Path):
        self.root = root
        self.errors: list[InputError] = []
        self.data = FolderData()

    def error(self, file: str, line: int | None, field: str, message: str) -> None:
        self.errors.append(InputError(file, line, field, message))

    def read(self) -> FolderData:
        if not self.root.is_dir():
            self.error(str(self.root), None, "", _("ingen mapp"))
            return self.data
        if not (self.root / "organisation.yaml").is_file():
            self.error("organisation.yaml", None, "", _("mappen har ingen organisation.yaml"))
            return self.data
        self.read_organisation()
        self.read_goals()
        self.read_indicator_values()
        self.read_ledger()
        self.read_budget()
        self.read_investments()
        self.read_followups()
        self.read_record_sources()
        return self.data

    # -- helpers --

    def _text(self, relative: str) -> tuple[str, bytes] | None:
        try:
            return read_text(self.root / relative, relative, self.errors)
        except FileError as exc:
            self.errors.append(exc.error)
            return None

    def _yaml(self, relative: str):
        """The document of a YAML file, or None (after an error) when it cannot be read."""
        if not (self.root / relative).is_file():
            return None
        content = self._text(relative)
        if content is None:
            return None
        try:
            document = parse_yaml(content[0], relative)
        except FileError as exc:
            self.errors.append(exc.error)
            return None
        if document is None:
            return LineDict()
        if not isinstance(document, LineDict):
            self.error(relative, 1, "", _("överst i filen ska stå en mappning av nycklar"))
            return None
        return document

    def _csv_files(self, folder: str) -> list[str]:
        directory = self.root / folder
        if not directory.is_dir():
            return []
        return [
            f"{folder}/{p.name}" for p in sorted(directory.iterdir()) if p.suffix.lower() == ".csv"
        ]

    # -- organisation.yaml --

    def read_organisation(self) -> None:
        file = "organisation.yaml"
        doc = self._yaml(file)
        if doc is None:
            return
        y = YamlFields(file, self.errors)
        d = self.data
        y.mapping(
            doc,
            "",
            1,
            required=("slug", "name", "municipality"),
            optional=(
                "short_name",
                "board",
                "settings",
                "units",
                "account_classes",
                "accounts",
                "fiscal_years",
            ),
        )
        d.slug = y.text(doc, "slug", "", required=True)
        if d.slug and not SLUG.match(d.slug):
            self.error(
                file, doc.line_of("slug"), "slug", _("använd gemena bokstäver, siffror och '-'")
            )
        d.name = y.text(doc, "name", "", required=True, max_length=200)
        d.short_name = y.text(doc, "short_name", "", max_length=40)
        d.municipality = y.text(doc, "municipality", "", required=True, max_length=200)
        d.board = y.text(doc, "board", "", max_length=200)
        settings = doc.get("settings")
        if settings is not None:
            if isinstance(settings, LineDict):
                d.settings = _json_safe(settings)
                self.check_settings(settings, d.settings)
            else:
                self.error(file, doc.line_of("settings"), "settings", _("här ska stå en mappning"))

        unit_lines: dict[str, tuple[int, str, int]] = {}  # code line, path, parent line
        for path, item, line in y.items(doc, "units", ""):
            unit = y.mapping(item, path, line, required=("code", "name"), optional=UNIT_KEYS)
            if unit is None:
                continue
            code = y.code(unit, "code", path, required=True)
            name = y.text(unit, "name", path, required=True, max_length=200)
            parent = y.code(unit, "parent", path)
            starts_on, ends_on = y.date(unit, "starts_on", path), y.date(unit, "ends_on", path)
            if starts_on and ends_on and starts_on > ends_on:
                self.error(
                    file,
                    unit.line_of("ends_on"),
                    f"{path}.ends_on",
                    _("enheten upphör (%(ends_on)s) innan den börjar (%(starts_on)s)")
                    % {"ends_on": ends_on, "starts_on": starts_on},
                )
            if code is None:
                continue
            if not self._first_in_tree(file, unit, path, unit_lines, _("enheten"), code):
                continue
            d.units.append(UnitData(code, name, parent, starts_on, ends_on))
        parents = {}
        for unit in d.units:
            if unit.parent is None:
                continue
            _code_line, path, line = unit_lines[unit.code]
            if unit.parent not in unit_lines:
                self.error(
                    file,
                    line,
                    f"{path}.parent",
                    _("okänd enhet %(parent)s") % {"parent": unit.parent},
                )
            else:
                parents[unit.code] = unit.parent
        for code in _cycle_members(parents):
            _code_line, path, line = unit_lines[code]
            self.error(
                file,
                line,
                f"{path}.parent",
                _("enheten %(code)s är sin egen överordnade (en cirkel)") % {"code": code},
            )

        class_codes: set[str] = set()
        ranges: list[tuple[int, int, str, int, str]] = []
        for path, item, line in y.items(doc, "account_classes", ""):
            cls = y.mapping(item, path, line, required=("code", "name", "kind", "ranges"))
            if cls is None:
                continue
            code = y.code(cls, "code", path, required=True)
            name = y.text(cls, "name", path, required=True, max_length=200)
            kind = y.choice(cls, "kind", path, ACCOUNT_CLASS_KINDS)
            if code is not None and code in class_codes:
                self.error(
                    file,
                    cls.line_of("code"),
                    f"{path}.code",
                    _("kontoklassen %(code)s anges två gånger") % {"code": code},
                )
                code = None
            own_ranges = []
            for range_path, text, range_line in y.items(cls, "ranges", path):
                parsed = _parse_range(text) if isinstance(text, str | int) else None
                if parsed is None:
                    self.error(
                        file,
                        range_line,
                        range_path,
                        _('%(text)s är inget kontointervall som "3000-3499"')
                        % {"text": repr(text)},
                    )
                    continue
                own_ranges.append(parsed)
                ranges.append((*parsed, code or "?", range_line, range_path))
            if code is not None and kind is not None:
                class_codes.add(code)
                d.account_classes.append(AccountClassData(code, name, kind, own_ranges))
        ranges.sort()
        for (first, last, code, _l, _p), (next_first, next_last, next_code, line, path) in zip(
            ranges, ranges[1:], strict=False
        ):
            if next_first <= last:
                self.error(
                    file,
                    line,
                    path,
                    _(
                        "intervallet %(next_first)s-%(next_last)s i %(next_code)s överlappar "
                        "%(first)s-%(last)s i %(code)s"
                    )
                    % {
                        "next_first": next_first,
                        "next_last": next_last,
                        "next_code": next_code,
                        "first": first,
                        "last": last,
                        "code": code,
                    },
                )

        for path, item, line in y.items(doc, "accounts", ""):
            account = y.mapping(item, path, line, required=("number",), optional=("number", "name"))
            if account is None:
                continue
            number = y.text(account, "number", path, required=True)
            name = y.text(account, "name", path, max_length=200)
            if not number:
                continue
            if not number.isdigit() or len(number) > 20:
                self.error(
                    file,
                    account.line_of("number"),
                    f"{path}.number",
                    _("%(number)s är inget kontonummer") % {"number": repr(number)},
                )
            elif number in d.account_names:
                self.error(
                    file,
                    account.line_of("number"),
                    f"{path}.number",
                    _("kontot %(number)s anges två gånger") % {"number": number},
                )
            elif d.account_class_of(number) is None:
                self.error(
                    file,
                    account.line_of("number"),
                    f"{path}.number",
                    _("kontot %(number)s ligger utanför alla kontoklassers intervall")
                    % {"number": number},
                )
            else:
                d.account_names[number] = name

        for path, item, line in y.items(doc, "fiscal_years", ""):
            fy = y.mapping(item, path, line, required=("year",), optional=("year", "periods"))
            if fy is None:
                continue
            year = y.integer(fy, "year", path, minimum=1901, maximum=2099)
            if year is None:
                continue
            if year in d.years:
                self.error(
                    file,
                    fy.line_of("year"),
                    f"{path}.year",
                    _("året %(year)s anges två gånger") % {"year": year},
                )
                continue
            fiscal_year = FiscalYearData(year, [])
            for p_path, p_item, p_line in y.items(fy, "periods", path):
                period = y.mapping(
                    p_item,
                    p_path,
                    p_line,
                    required=("key", "kind"),
                    optional=("title", "status", "deadline"),
                )
                if period is None:
                    continue
                key = y.text(period, "key", p_path, required=True)
                kind = y.choice(period, "kind", p_path, PERIOD_KINDS)
                title = y.text(period, "title", p_path, max_length=200)
                status = y.choice(period, "status", p_path, PERIOD_STATUSES, default="open")
                deadline = y.date(period, "deadline", p_path)
                parsed = parse_period_key(key) if key else None
                if key and parsed is None:
                    self.error(
                        file,
                        period.line_of("key"),
                        f"{p_path}.key",
                        _("%(key)s är ingen periodnyckel ÅÅÅÅ-MM") % {"key": repr(key)},
                    )
                elif parsed and parsed[0] != year:
                    self.error(
                        file,
                        period.line_of("key"),
                        f"{p_path}.key",
                        _("perioden %(key)s ligger utanför räkenskapsåret %(year)s")
                        % {"key": key, "year": year},
                    )
                elif parsed and key in d.period_keys | {p.key for p in fiscal_year.periods}:
                    self.error(
                        file,
                        period.line_of("key"),
                        f"{p_path}.key",
                        _("perioden %(key)s anges två gånger") % {"key": key},
                    )
                elif parsed and kind and status:
                    fiscal_year.periods.append(
                        PeriodData(key, kind, parsed[1], title, status, deadline)
                    )
            d.fiscal_years.append(fiscal_year)

    def check_settings(self, raw: LineDict, settings: dict) -> None:
        """Each setting through the validator of the part that reads it.

        One key at a time, so that every error names its own key and line.
        """
        file = "organisation.yaml"
        for key, value in list(settings.items()):
            line, field_path = raw.line_of(key), f"settings.{key}"
            try:
                conventions_from_settings({key: value})
                if key in GOAL_SETTINGS:
                    evaluation.goal_settings({key: value})
            except (ConventionsError, evaluation.SettingsError) as exc:
                message = translated(exc).removeprefix(f"{field_path}: ")
                self.error(file, line, field_path, message)
                continue
            if key == "report":
                try:
                    parse_definition(value)
                except ReportDefinitionError as exc:
                    for problem in exc.problems:
                        self.error(file, line, field_path, problem)
            elif key in ("kolada_municipality", "kolada_ou"):
                pattern, example = (
                    (KOLADA_MUNICIPALITY, '"0580"')
                    if key == "kolada_municipality"
                    else (KOLADA_OU, '"V15E058000301"')
                )
                # unquoted, 0114 would be read as the octal number 76
                if not isinstance(value, str) or not pattern.match(value):
                    self.error(
                        file,
                        line,
                        field_path,
                        _(
                            "%(value)s är inget Kolada-id; skriv det inom citattecken, t.ex. "
                            "%(example)s"
                        )
                        % {"value": repr(value), "example": example},
                    )
            elif key == "kolada_compare":
                ids = list(value) if isinstance(value, list | dict) else None
                wrong = [
                    item
                    for item in ids or []
                    if not isinstance(item, str) or not KOLADA_MUNICIPALITY.match(item)
                ]
                if ids is None or wrong:
                    self.error(
                        file,
                        line,
                        field_path,
                        (
                            _("%(value)s är inget kommun-id i Kolada; ") % {"value": repr(wrong[0])}
                            if wrong
                            else ""
                        )
                        + _(
                            'skriv en lista av id inom citattecken, t.ex. ["0180", "1480"], '
                            'eller id med namn, t.ex. {"0180": Stockholm}'
                        ),
                    )
            elif key == RETENTION_SETTING:
                try:
                    check_retention(value)
                except ValueError:
                    self.error(
                        file,
                        line,
                        field_path,
                        _("%(value)s: ett helt antal månader, 1 eller fler")
                        % {"value": repr(value)},
                    )
            elif key == "browser_language" and not isinstance(value, bool):
                self.error(
                    file,
                    line,
                    field_path,
                    _("%(value)s: skriv true eller false") % {"value": repr(value)},
                )
            elif key == "word_template":
                template = self.word_template(value, line)
                if template is not None:
                    settings[key] = template

    def word_template(self, value, line: int) -> str | None:
        """The absolute path of a Word template given relative to the folder (or absolute)."""
        if not isinstance(value, str) or not value.strip():
            self.error(
                "organisation.yaml",
                line,
                "settings.word_template",
                _("här ska stå sökvägen till en .docx-fil"),
            )
            return None
        path = (self.root / value.strip()).resolve()
        if path.suffix.lower() != ".docx" or not path.is_file():
            self.error(
                "organisation.yaml",
                line,
                "settings.word_template",
                _("%(value)s: där finns ingen .docx-fil (en relativ sökväg börjar i mappen)")
                % {"value": repr(value)},
            )
            return None
        return str(path)

    # -- goals.yaml --

    def read_goals(self) -> None:
        file = "goals.yaml"
        doc = self._yaml(file)
        if doc is None:
            return
        y = YamlFields(file, self.errors)
        d = self.data
        units = {u.code for u in d.units}
        y.mapping(
            doc, "", 1, optional=("perspectives", "council_goals", "board_goals", "indicators")
        )

        for path, item, line in y.items(doc, "perspectives", ""):
            m = y.mapping(item, path, line, required=("code", "name"), optional=("long_name",))
            if m is None:
                continue
            code = y.code(m, "code", path, required=True)
            name = y.text(m, "name", path, required=True, max_length=200)
            long_name = y.text(m, "long_name", path, max_length=200)
            if code is not None and code in {p.code for p in d.perspectives}:
                self.error(
                    file,
                    m.line_of("code"),
                    f"{path}.code",
                    _("perspektivet %(code)s anges två gånger") % {"code": code},
                )
            elif code is not None:
                d.perspectives.append(PerspectiveData(code, name, long_name))
        perspectives = {p.code for p in d.perspectives}

        for path, item, line in y.items(doc, "council_goals", ""):
            m = y.mapping(item, path, line, required=("code", "year", "perspective", "name"))
            if m is None:
                continue
            code = y.code(m, "code", path, required=True)
            year = self._fiscal_year(y, m, "year", path)
            perspective = y.code(m, "perspective", path, required=True)
            name = y.text(m, "name", path, required=True, max_length=300)
            if perspective is not None and perspective not in perspectives:
                self.error(
                    file,
                    m.line_of("perspective"),
                    f"{path}.perspective",
                    _("okänt perspektiv %(perspective)s") % {"perspective": perspective},
                )
                continue
            if code is None or year is None or perspective is None:
                continue
            if self._given_twice(file, m, path, d.council_goals, _("fullmäktigemålet"), code, year):
                continue
            d.council_goals.append(CouncilGoalData(code, year, perspective, name))
        council_goals = {(g.year, g.code) for g in d.council_goals}

        carried: list[tuple[BoardGoalData, int, str]] = []
        for path, item, line in y.items(doc, "board_goals", ""):
            m = y.mapping(
                item,
                path,
                line,
                required=("code", "year", "council_goal", "name"),
                optional=("description", "responsible_units", "carried_over_from"),
            )
            if m is None:
                continue
            code = y.code(m, "code", path, required=True)
            year = self._fiscal_year(y, m, "year", path)
            council_goal = y.code(m, "council_goal", path, required=True)
            name = y.text(m, "name", path, required=True, max_length=300)
            description = y.text(m, "description", path)
            responsible = []
            for unit, unit_line, unit_field in y.codes(m, "responsible_units", path):
                if unit not in units:
                    self.error(
                        file, unit_line, unit_field, _("okänd enhet %(unit)s") % {"unit": unit}
                    )
                else:
                    responsible.append(unit)
            carried_over_from = y.code(m, "carried_over_from", path)
            if (
                year is not None
                and council_goal is not None
                and (year, council_goal) not in council_goals
            ):
                self.error(
                    file,
                    m.line_of("council_goal"),
                    f"{path}.council_goal",
                    _("okänt fullmäktigemål %(council_goal)s för %(year)s")
                    % {"council_goal": council_goal, "year": year},
                )
                continue
            if code is None or year is None or council_goal is None:
                continue
            if self._given_twice(file, m, path, d.board_goals, _("målet"), code, year):
                continue
            goal = BoardGoalData(
                code, year, council_goal, name, description, responsible, carried_over_from
            )
            d.board_goals.append(goal)
            if carried_over_from is not None:
                carried.append((goal, m.line_of("carried_over_from"), f"{path}.carried_over_from"))
        for goal, line, field_path in carried:
            if not any(
                g.code == goal.carried_over_from and g.year < goal.year for g in d.board_goals
            ):
                self.error(
                    file,
                    line,
                    field_path,
                    _("okänt mål %(carried_over_from)s under ett år före %(year)s")
                    % {"carried_over_from": goal.carried_over_from, "year": goal.year},
                )
                goal.carried_over_from = None
        goal_codes = {g.code for g in d.board_goals}

        indicator_lines: dict[str, tuple[int, str, int]] = {}
        formula_lines: dict[str, tuple[int, str]] = {}
        links: list[tuple[IndicatorData, str, int, str]] = []
        for path, item, line in y.items(doc, "indicators", ""):
            m = y.mapping(
                item,
                path,
                line,
                required=("code", "name", "measure"),
                optional=(
                    "description",
                    "board_goals",
                    "decimals",
                    "direction",
                    "unit",
                    "parent",
                    "part_of_parent",
                    "gender_split",
                    "formula",
                    "in_core_volumes",
                    "in_personnel",
                    "accumulates",
                    "partly_met_threshold",
                    "same_as",
                    "kolada_kpi",
                    "targets",
                    "records",
                ),
            )
            if m is None:
                continue
            code = y.code(m, "code", path, required=True, max_length=60)
            goals = []
            for goal, goal_line, goal_field in y.codes(m, "board_goals", path):
                if goal not in goal_codes:
                    self.error(
                        file, goal_line, goal_field, _("okänt mål %(goal)s") % {"goal": goal}
                    )
                else:
                    goals.append(goal)
            direction = y.choice(m, "direction", path, DIRECTIONS, default="higher")
            unit = y.code(m, "unit", path)
            if unit is not None and unit not in units:
                self.error(
                    file,
                    m.line_of("unit"),
                    f"{path}.unit",
                    _("okänd enhet %(unit)s") % {"unit": unit},
                )
            threshold = y.decimal(m, "partly_met_threshold", path, digits=(2, 4))
            if threshold is not None:
                # the goals engine refuses a threshold outside 0–1 when it judges a value
                try:
                    evaluation.check_threshold(threshold)
                except evaluation.SettingsError:
                    self.error(
                        file,
                        m.line_of("partly_met_threshold"),
                        f"{path}.partly_met_threshold",
                        _("%(threshold)s är ingen andel mellan 0 och 1, t.ex. 0.8")
                        % {"threshold": threshold},
                    )
                    threshold = None
            indicator = IndicatorData(
                code=code or "",
                name=y.text(m, "name", path, required=True, max_length=300),
                description=y.text(m, "description", path),
                board_goals=goals,
                measure=y.choice(m, "measure", path, MEASURES) or "count",
                decimals=y.integer(m, "decimals", path, minimum=0, maximum=6),
                direction=direction or "higher",
                unit=unit,
                parent=y.code(m, "parent", path, max_length=60),
                is_part_of_parent=y.boolean(m, "part_of_parent", path),
                gender_split=y.boolean(m, "gender_split", path),
                formula=y.text(m, "formula", path, max_length=500).strip(),
                in_core_volumes=y.boolean(m, "in_core_volumes", path),
                in_personnel=y.boolean(m, "in_personnel", path),
                partly_met_threshold=threshold,
                same_as=y.code(m, "same_as", path, max_length=60),
                kolada_kpi=y.text(m, "kolada_kpi", path, max_length=20),
                targets=[],
                accumulates=y.boolean(m, "accumulates", path),
                records=self.record_definition(file, m, path),
            )
            for t_path, t_item, t_line in y.items(m, "targets", path):
                t = y.mapping(t_item, t_path, t_line, required=("year", "target"))
                if t is None:
                    continue
                year = y.integer(t, "year", t_path, minimum=1901, maximum=2099)
                text = y.text(t, "target", t_path, max_length=100)
                if year is not None and any(x.year == year for x in indicator.targets):
                    self.error(
                        file,
                        t.line_of("year"),
                        f"{t_path}.year",
                        _("ett andra målvärde för %(year)s") % {"year": year},
                    )
                    continue
                try:
                    parsed = parse_target(text, direction or "higher")
                except TargetFormatError as exc:
                    self.error(file, t.line_of("target"), f"{t_path}.target", translated(exc))
                    continue
                if parsed is not None and year is not None:
                    problem = _target_value_problem(parsed.value, parsed.tolerance)
                    if problem:
                        self.error(file, t.line_of("target"), f"{t_path}.target", problem)
                        continue
                    indicator.targets.append(
                        TargetData(year, text, parsed.comparator, parsed.value, parsed.tolerance)
                    )
            if code is None:
                continue
            if not self._first_in_tree(file, m, path, indicator_lines, _("indikatorn"), code):
                continue
            d.indicators.append(indicator)
            if indicator.formula:
                formula_lines[code] = (m.line_of("formula"), f"{path}.formula")
            for key in ("parent", "same_as"):
                if getattr(indicator, key) is not None:
                    links.append((indicator, key, m.line_of(key), f"{path}.{key}"))
        for indicator, key, line, field_path in links:
            target = getattr(indicator, key)
            if target not in indicator_lines:
                self.error(
                    file, line, field_path, _("okänd indikator %(target)s") % {"target": target}
                )
                setattr(indicator, key, None)
            elif target == indicator.code and key == "same_as":
                self.error(
                    file, line, field_path, _("en indikator kan inte vara densamma som sig själv")
                )
                indicator.same_as = None
        parents = {i.code: i.parent for i in d.indicators if i.parent is not None}
        for code in _cycle_members(parents):
            _code_line, path, line = indicator_lines[code]
            self.error(
                file,
                line,
                f"{path}.parent",
                _("indikatorn %(code)s är sin egen överordnade (en cirkel)") % {"code": code},
            )
        self.check_formulas(file, formula_lines)

    def record_definition(self, file: str, m: LineDict, path: str) -> dict | None:
        """The indicator's definition over records, checked; None without one."""
        if "records" not in m:
            return None
        raw = _json_safe(m["records"])
        try:
            records_definitions.parse(raw)
        except records_definitions.DefinitionError as exc:
            self.error(file, m.line_of("records"), f"{path}.records", str(exc))
            return None
        return raw

    def read_record_sources(self) -> None:
        """records/sources.yaml: each file of records and its mapping (docs/record-import.md);
        the files are read when the folder is stored, by the organisation's units and key."""
        file = "records/sources.yaml"
        document = self._yaml(file)
        if document is None:
            return
        y = YamlFields(file, self.errors)
        for path, item, line in y.items(document, "files", ""):
            m = y.mapping(item, path, line, required=("file", "mapping"))
            if m is None:
                continue
            name = y.text(m, "file", path, required=True, max_length=300)
            mapping_name = y.text(m, "mapping", path, required=True, max_length=300)
            source = self.root / "records" / name
            if not source.is_file() or ".." in Path(name).parts:
                self.error(file, m.line_of("file"), f"{path}.file", f"no file records/{name}")
                continue
            local = self.root / "records" / mapping_name
            try:
                mapping = load_record_mapping(local if local.is_file() else mapping_name)
            except MappingError as exc:
                self.error(file, m.line_of("mapping"), f"{path}.mapping", str(exc))
                continue
            self.data.record_sources.append(RecordSourceData(source, f"records/{name}", mapping))

    def check_formulas(self, file: str, formula_lines: dict[str, tuple[int, str]]) -> None:
        """Each formula readable and naming only indicators of the folder, and no cycles."""
        codes = {i.code for i in self.data.indicators}
        readable: dict[str, str] = {}
        for indicator in self.data.indicators:
            if not indicator.formula:
                continue
            line, field_path = formula_lines[indicator.code]
            try:
                formula.check_names(indicator.formula, codes)
            except formula.FormulaError as exc:
                self.error(file, line, field_path, str(exc))
                continue
            readable[indicator.code] = indicator.formula
        try:
            formula.check_cycles(readable)
        except formula.FormulaError as exc:
            first = min(_formula_cycle_members(readable), key=lambda code: formula_lines[code][0])
            self.error(file, *formula_lines[first], str(exc))

    def _first_in_tree(
        self, file: str, m: LineDict, path: str, seen: dict, label: str, code: str
    ) -> bool:
        """Record ``code`` of a unit or indicator, with the lines its tree checks report on;
        False (and an error naming the first line) when the code was given before."""
        if code in seen:
            self.error(
                file,
                m.line_of("code"),
                f"{path}.code",
                _("%(label)s %(code)s anges två gånger (först på rad %(line)s)")
                % {"label": label, "code": code, "line": seen[code][0]},
            )
            return False
        seen[code] = (m.line_of("code"), path, m.line_of("parent"))
        return True

    def _given_twice(
        self, file: str, m: LineDict, path: str, goals, label: str, code, year
    ) -> bool:
        """Whether one of ``goals`` already has ``code`` in ``year`` (an error if so)."""
        if not any(g.code == code and g.year == year for g in goals):
            return False
        self.error(
            file,
            m.line_of("code"),
            f"{path}.code",
            _("%(label)s %(code)s anges två gånger för %(year)s")
            % {"label": label, "code": code, "year": year},
        )
        return True

    def _fiscal_year(self, y: YamlFields, m: LineDict, key: str, path: str) -> int | None:
        year = y.integer(m, key, path, minimum=1901, maximum=2099)
        if year is not None and year not in self.data.years:
            y.error(
                m.line_of(key),
                f"{path}.{key}",
                _("%(year)s är inget räkenskapsår i organisation.yaml") % {"year": year},
            )
            return None
        return year

    # -- indicator_values.csv --

    def read_indicator_values(self) -> None:
        # Not at the top: the indicator reader reads CSV with this package's reading module.
        from tertial.ingest.indicators import read_indicator_values

        file = "indicator_values.csv"
        if not (self.root / file).is_file():
            return
        content = self._text(file)
        if content is None:
            return
        indicators = {i.code: i for i in self.data.indicators}
        self.data.indicator_values = read_indicator_values(
            content[0], file, indicators, self.errors
        )

    def _csv(self, file: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        if not (self.root / file).is_file():
            return None
        content = self._text(file)
        if content is None:
            return None
        return parse_csv(content[0], file, self.errors, required=required, optional=optional)

    # -- ledger/*.csv and budget/*.csv --

    def read_ledger(self) -> None:
        self.data.ledger_files = self._read_exports("ledger", LEDGER, "tertial")

    def read_budget(self) -> None:
        self.data.budget_files = self._read_exports("budget", BUDGET, "tertial-budget")

    def _read_exports(self, folder: str, kind: str, mapping: str) -> list[Export]:
        """The folder's files of one kind, read as ``tertial import`` reads them, by the
        folder's stricter rules: one row per key (in all the files together), no column
        the format does not know."""
        codes = self.data.known_codes()
        exports = []
        for file in self._csv_files(folder):
            try:
                exports.append(
                    read_export(
                        self.root / file,
                        kind=kind,
                        mapping=mapping,
                        codes=codes,
                        source_name=file,
                        rules=FOLDER_RULES,
                    )
                )
            except InputErrors as exc:
                self.errors += exc.errors
        self.errors += doubled_keys(exports)
        return exports

    # -- investments.yaml --

    def read_investments(self) -> None:
        file = "investments.yaml"
        doc = self._yaml(file)
        if doc is None:
            return
        y = YamlFields(file, self.errors)
        units = {u.code for u in self.data.units}
        periods = self.data.period_keys
        y.mapping(doc, "", 1, optional=("projects",))
        for path, item, line in y.items(doc, "projects", ""):
            m = y.mapping(
                item, path, line, required=("code", "name", "unit"), optional=("frames", "outcomes")
            )
            if m is None:
                continue
            code = y.code(m, "code", path, required=True)
            name = y.text(m, "name", path, required=True, max_length=200)
            unit = y.code(m, "unit", path, required=True)
            if unit is not None and unit not in units:
                self.error(
                    file,
                    m.line_of("unit"),
                    f"{path}.unit",
                    _("okänd enhet %(unit)s") % {"unit": unit},
                )
            project = InvestmentProjectData(code or "", name, unit or "", [], [])
            for f_path, f_item, f_line in y.items(m, "frames", path):
                f = y.mapping(
                    f_item,
                    f_path,
                    f_line,
                    required=("year", "amount"),
                    optional=("approved_on", "note"),
                )
                if f is None:
                    continue
                year = y.integer(f, "year", f_path, minimum=1901, maximum=2099)
                amount = y.decimal(f, "amount", f_path, required=True)
                if year is not None and amount is not None:
                    project.frames.append(
                        FrameData(
                            year,
                            amount,
                            y.date(f, "approved_on", f_path),
                            y.text(f, "note", f_path, max_length=500),
                        )
                    )
            outcome_periods = set()
            for o_path, o_item, o_line in y.items(m, "outcomes", path):
                amounts = (
                    "expenditure_to_date",
                    "income_to_date",
                    "forecast_expenditure",
                    "forecast_income",
                )
                o = y.mapping(
                    o_item, o_path, o_line, required=("period", *amounts), optional=("comment",)
                )
                if o is None:
                    continue
                period = y.text(o, "period", o_path, required=True)
                if period and period not in periods:
                    self.error(
                        file,
                        o.line_of("period"),
                        f"{o_path}.period",
                        _("okänd period %(period)s") % {"period": period},
                    )
                    continue
                if period in outcome_periods:
                    self.error(
                        file,
                        o.line_of("period"),
                        f"{o_path}.period",
                        _("ett andra utfall för %(period)s") % {"period": period},
                    )
                    continue
                values = [y.decimal(o, key, o_path, required=True) for key in amounts]
                if period and all(v is not None for v in values):
                    outcome_periods.add(period)
                    project.outcomes.append(
                        OutcomeData(period, *values, y.text(o, "comment", o_path))
                    )
            if code is None:
                continue
            if any(p.code == code for p in self.data.investment_projects):
                self.error(
                    file,
                    m.line_of("code"),
                    f"{path}.code",
                    _("projektet %(code)s anges två gånger") % {"code": code},
                )
                continue
            self.data.investment_projects.append(project)

    # -- followups/<period>/ --

    def read_followups(self) -> None:
        directory = self.root / "followups"
        if not directory.is_dir():
            return
        periods = self.data.period_keys
        for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
            key = folder.name
            if key not in periods:
                self.error(
                    f"followups/{key}",
                    None,
                    "",
                    _(
                        "okänd period %(key)s: mappen ska heta som en periodnyckel i "
                        "organisation.yaml"
                    )
                    % {"key": key},
                )
                continue
            comments = self.read_report(key)
            self.read_forecasts(key, comments)

    def read_forecasts(self, period: str, comments: dict[str, tuple[str, int]]) -> None:
        file = f"followups/{period}/forecasts.csv"
        units = {u.code for u in self.data.units}
        table = self._csv(
            file, ("unit", "net_result"), ("revenues", "costs", "pandemic_net_cost", "comment")
        )
        seen: dict[str, int] = {}
        if table is not None:
            for row in table.rows:
                errors_before = len(self.errors)
                unit = row.get("unit")
                if unit not in units:
                    self.error(
                        file, row.line, "unit", _("okänd enhet %(unit)s") % {"unit": repr(unit)}
                    )
                elif unit in seen:
                    self.error(
                        file,
                        row.line,
                        "unit",
                        _("en andra prognos för enheten %(unit)s (först på rad %(seen)s)")
                        % {"unit": unit, "seen": seen[unit]},
                    )
                net_result = csv_decimal(row, "net_result", file, self.errors)
                revenues = csv_decimal(row, "revenues", file, self.errors, required=False)
                costs = csv_decimal(row, "costs", file, self.errors, required=False)
                pandemic = csv_decimal(row, "pandemic_net_cost", file, self.errors, required=False)
                if None not in (net_result, revenues, costs) and net_result != revenues - costs:
                    self.error(
                        file,
                        row.line,
                        "net_result",
                        _(
                            "net_result %(net_result)s är inte intäkter − kostnader (%(revenues)s "
                            "− %(costs)s = %(value)s)"
                        )
                        % {
                            "net_result": net_result,
                            "revenues": revenues,
                            "costs": costs,
                            "value": revenues - costs,
                        },
                    )
                comment = row.get("comment")
                if comment and unit in comments:
                    self.error(
                        file,
                        row.line,
                        "comment",
                        _(
                            "enheten %(unit)s har en kommentar både här och i report.yaml "
                            "forecast_comments (rad %(value)s); behåll en"
                        )
                        % {"unit": unit, "value": comments[unit][1]},
                    )
                if len(self.errors) > errors_before:
                    continue
                seen[unit] = row.line
                if unit in comments:
                    comment = comments[unit][0]
                self.data.forecasts.append(
                    ForecastData(period, unit, net_result, revenues, costs, pandemic, comment)
                )
        for unit, (_comment, line) in comments.items():
            if unit not in seen and unit in units:
                self.error(
                    f"followups/{period}/report.yaml",
                    line,
                    f"forecast_comments.{unit}",
                    _("enheten %(unit)s har ingen prognos i forecasts.csv") % {"unit": unit},
                )

    def read_report(self, period: str) -> dict[str, tuple[str, int]]:
        """Read report.yaml; returns the forecast comments by unit code (text, line)."""
        file = f"followups/{period}/report.yaml"
        doc = self._yaml(file)
        if doc is None:
            return {}
        y = YamlFields(file, self.errors)
        d = self.data
        year = int(period[:4])
        units = {u.code for u in d.units}
        goals = {g.code for g in d.board_goals if g.year == year}
        y.mapping(
            doc,
            "",
            1,
            optional=(
                "sections",
                "forecast_comments",
                "assessments",
                "decisions",
                "events",
                "plans",
            ),
        )

        keys: set[str] = set()
        for path, item, line in y.items(doc, "sections", ""):
            m = y.mapping(
                item,
                path,
                line,
                required=("key",),
                optional=("title", "body", "instructions", "unit"),
            )
            if m is None:
                continue
            key = y.code(m, "key", path, required=True, max_length=80)
            title = y.text(m, "title", path, max_length=300)
            body = y.text(m, "body", path)
            instructions = y.text(m, "instructions", path)
            writer = self._writer_unit(m, path, file, units)
            if key is not None and key in keys:
                self.error(
                    file,
                    m.line_of("key"),
                    f"{path}.key",
                    _("avsnittet %(key)s anges två gånger") % {"key": key},
                )
            elif key is not None:
                keys.add(key)
                d.sections.append(SectionData(period, key, title, body, instructions, writer))

        comments: dict[str, tuple[str, int]] = {}
        raw_comments = doc.get("forecast_comments")
        if raw_comments is not None and not isinstance(raw_comments, LineDict):
            self.error(
                file,
                doc.line_of("forecast_comments"),
                "forecast_comments",
                _("här ska stå en mappning från enhetskod till kommentar"),
            )
        elif raw_comments:
            for unit, text in raw_comments.items():
                field = f"forecast_comments.{unit}"
                line = raw_comments.line_of(unit)
                if str(unit) not in units:
                    self.error(file, line, field, _("okänd enhet %(unit)s") % {"unit": unit})
                elif not isinstance(text, str):
                    self.error(file, line, field, _("här ska stå en text"))
                else:
                    comments[str(unit)] = (text.strip("\n"), line)

        assessed: set[str] = set()
        for path, item, line in y.items(doc, "assessments", ""):
            m = y.mapping(
                item, path, line, required=("goal", "value", "justification"), optional=("items",)
            )
            if m is None:
                continue
            goal = y.code(m, "goal", path, required=True)
            value = y.choice(m, "value", path, ASSESSMENT_VALUES)
            justification = y.text(m, "justification", path, required=True)
            if "value" in m and m.get("value") in (None, ""):
                self.error(
                    file,
                    m.line_of("value"),
                    f"{path}.value",
                    _("en bedömning behöver ett värde: %(value)s")
                    % {"value": ", ".join(ASSESSMENT_VALUES)},
                )
            items = []
            for i_path, i_item, i_line in y.items(m, "items", path):
                i = y.mapping(i_item, i_path, i_line, required=("kind", "text"))
                if i is None:
                    continue
                kind = y.choice(i, "kind", i_path, ITEM_KINDS)
                text = y.text(i, "text", i_path, required=True)
                if kind and text:
                    items.append((kind, text))
            if goal is not None and goal not in goals:
                self.error(
                    file,
                    m.line_of("goal"),
                    f"{path}.goal",
                    _("okänt mål %(goal)s för %(year)s") % {"goal": goal, "year": year},
                )
                continue
            if goal in assessed:
                self.error(
                    file,
                    m.line_of("goal"),
                    f"{path}.goal",
                    _("målet %(goal)s bedöms två gånger") % {"goal": goal},
                )
                continue
            if goal and value and justification:
                assessed.add(goal)
                d.assessments.append(AssessmentData(period, goal, value, justification, items))

        for key, kind in (("decisions", "decision"), ("events", "event")):
            for path, item, line in y.items(doc, key, ""):
                if isinstance(item, str):
                    text, date = item.strip("\n"), None
                else:
                    m = y.mapping(item, path, line, required=("text",), optional=("date",))
                    if m is None:
                        continue
                    text, date = y.text(m, "text", path, required=True), y.date(m, "date", path)
                if text:
                    d.decisions_events.append(DecisionEventData(period, kind, text, date))

        for path, item, line in y.items(doc, "plans", ""):
            m = y.mapping(item, path, line, required=("title", "body"), optional=("unit",))
            if m is None:
                continue
            title = y.text(m, "title", path, required=True, max_length=300)
            body = y.text(m, "body", path, required=True)
            writer = self._writer_unit(m, path, file, units)
            if title:
                d.plans.append(PlanData(period, title, body, writer))
        return comments

    def _writer_unit(self, m, path: str, file: str, units) -> str:
        """The code of the unit whose heads write a text, or "" (checked against ``units``)."""
        if m.get("unit") in (None, ""):
            return ""
        code = str(m.get("unit"))
        if code not in units:
            self.error(
                file, m.line_of("unit"), f"{path}.unit", _("okänd enhet %(code)s") % {"code": code}
            )
            return ""
        return code


def _target_value_problem(value: Decimal, tolerance: Decimal | None) -> str | None:
    problem = check_amount(value, VALUE_DIGITS)
    if problem is None and tolerance is not None:
        problem = check_amount(tolerance, VALUE_DIGITS)
    return problem


def _formula_cycle_members(formulas: dict[str, str]) -> list[str]:
    """Codes of computed indicators whose formula depends on itself through others."""
    graph = {code: formula.references(text) & set(formulas) for code, text in formulas.items()}

    def reaches_itself(start: str) -> bool:
        stack, seen = list(graph[start]), set()
        while stack:
            code = stack.pop()
            if code == start:
                return True
            if code not in seen:
                seen.add(code)
                stack.extend(graph[code])
        return False

    return [code for code in graph if reaches_itself(code)]


def _cycle_members(parents: dict[str, str]) -> list[str]:
    """Codes that are their own ancestor through ``parents`` (child code → parent code)."""
    members = []
    for start in parents:
        seen = set()
        code = start
        while code in parents and code not in seen:
            seen.add(code)
            code = parents[code]
            if code == start:
                members.append(start)
                break
    return members
