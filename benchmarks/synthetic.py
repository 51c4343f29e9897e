"""A synthetic municipality for the benchmarks, taken in the way real data is.

``write_municipality()`` writes each administration as an organisation folder in the format of
docs/input-format.md (like examples/vss-2020): the same chart of account classes, fiscal years
2019–2020 with the same follow-up periods, a monthly ledger (2019 whole, 2020 January–August),
a monthly budget, forecasts, investments, goals with indicators, targets, values and
assessments, and the texts of the delårsrapport. Everything is drawn from one seeded random
generator, so the same arguments give the same files. ``load_municipality()`` loads the folders
with tertial's own loader (the one behind ``tertial load``), so the data goes through the
validation, the services, the audit log and the cache versions as a controller's would;
``build_municipality()`` does both in a temporary directory and times each step.

Not part of the installed package: the benchmarks and tests/test_synthetic.py import it from
the repository. Run alone, it writes the folders for a look or a ``tertial load``:

    .venv/bin/python benchmarks/synthetic.py DIR [--administrations 20] [--units 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

YEARS = (2019, 2020)
CURRENT_YEAR = 2020
CURRENT_MONTH = 8  # the ledger of the current year runs January–August
SETTINGS = {"forecast_comment_threshold_kr": 500000}
SOURCE = "Syntetiska data"

ADMINISTRATION_NAMES = [
    "Verksamhetsstöd och service",
    "Utbildningsförvaltningen",
    "Socialförvaltningen",
    "Äldreförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Miljö- och samhällsbyggnadsförvaltningen",
    "Teknik- och fastighetsförvaltningen",
    "Arbetsmarknadsförvaltningen",
    "Barn- och ungdomsförvaltningen",
    "Omsorgsförvaltningen",
]
UNIT_WORDS = [
    "Ledning",
    "Ekonomiservice",
    "HR service",
    "Kontaktcenter",
    "Arkiv",
    "IT-drift",
    "Inköp",
    "Lönecenter",
    "Förskola",
    "Skola",
    "Hemtjänst",
    "Boende",
    "Bibliotek",
    "Fritidsgård",
    "Gata och park",
    "Bygglov",
    "Miljötillsyn",
    "Vuxenutbildning",
]

# (code, name, kind, ranges): the example's chart of account classes.
ACCOUNT_CLASSES = [
    ("sales", "Försäljning av verksamhet", "revenue", ["3500-3599"]),
    ("grants", "Bidrag", "revenue", ["3300-3499"]),
    ("other_revenue", "Övriga intäkter", "revenue", ["3000-3299", "3600-3999"]),
    ("personnel", "Personalkostnader", "cost", ["5000-5999"]),
    ("premises", "Lokalkostnader", "cost", ["6000-6199"]),
    ("consultants", "Konsulttjänster", "cost", ["6400-6499"]),
    ("licences", "Licenser och IT-tjänster", "cost", ["6500-6599"]),
    ("other_costs", "Övriga kostnader", "cost", ["4000-4999", "6200-6399", "6600-7799"]),
    ("depreciation", "Avskrivningar", "cost", ["7800-7899"]),
    ("financial", "Finansiella poster", "financial", ["8000-8999"]),
]
# (number, name, class, per cent of the unit's yearly size, sign in the ledger)
LEDGER_ACCOUNTS = [
    ("3511", "Försäljning av verksamhet", "sales", 100, -1),
    ("5110", "Lön månadsavlönade", "personnel", 62, 1),
    ("6110", "Lokalhyror", "premises", 18, 1),
    ("6540", "IT-licenser", "licences", 17, 1),
]
# (year, key, kind, end month, title, status, deadline)
PERIODS = [
    (2019, "2019-04", "tertial", 4, "Tertialrapport januari–april 2019", "locked", "2019-05-16"),
    (2019, "2019-08", "interim", 8, "Delårsrapport januari–augusti 2019", "locked", "2019-09-15"),
    (2019, "2019-12", "annual", 12, "Verksamhetsberättelse 2019", "locked", "2020-02-15"),
    (2020, "2020-04", "tertial", 4, "Tertialrapport januari–april 2020", "locked", "2020-05-16"),
    (2020, "2020-08", "interim", 8, "Delårsrapport januari–augusti 2020", "open", "2020-09-15"),
    (2020, "2020-12", "annual", 12, "Verksamhetsberättelse 2020", "open", "2021-02-15"),
]
FOLLOW_UPS = ("2020-04", "2020-08")  # the periods with forecasts, assessments and outcomes
REPORT_PERIOD = "2020-08"  # the delårsrapport, the period with texts
PERSPECTIVES = [
    ("medborgare", "Medborgare", "Medborgare/Kund"),
    ("ekonomi", "Ekonomi", "Ekonomi"),
    ("verksamhet", "Verksamhet", "Verksamhet"),
    ("medarbetare", "Medarbetare", "Medarbetare"),
]
ASSESSMENT_VALUES = ("met", "partly_met", "not_met")
ITEM_KINDS = [("result", "Resultat"), ("activity", "Aktivitet"), ("deviation", "Avvikelse")]
INVESTMENT_PROJECTS = ["IT-utrustning", "Inventarier", "Verksamhetssystem"]
PLANS = ["Lokalförsörjningsplan", "Internkontrollplan"]


@dataclass(frozen=True)
class IndicatorKind:
    code: str
    name: str
    measure: str
    direction: str
    target: str  # "-": no target
    low: int  # values are drawn from low..high in steps of 10**-decimals
    high: int
    decimals: int = 0
    gender_split: bool = False
    core_volume: bool = False
    personnel: bool = False


# Per perspective: the indicators of its two board goals; then the core volumes and personnel.
GOAL_INDICATORS = {
    "medborgare": [
        IndicatorKind(
            "svarsservice",
            "Svarsservice, andel (%) inom 120 sekunder",
            "percent",
            "higher",
            "90 %",
            80,
            96,
        ),
        IndicatorKind("nojdhet", "Kundnöjdhet, index", "index", "higher", "75", 60, 85),
        IndicatorKind("tappade", "Andel (%) tappade samtal", "percent", "lower", "<5 %", 20, 80, 1),
    ],
    "ekonomi": [
        IndicatorKind(
            "resultat",
            "Resultat jämfört med budget, tkr",
            "ksek",
            "higher",
            "Nollresultat",
            -900,
            1500,
        ),
        IndicatorKind(
            "avtalstrohet", "Avtalstrohet, andel (%)", "percent", "higher", "80 %", 60, 90
        ),
    ],
    "verksamhet": [
        IndicatorKind(
            "digitala", "Andel (%) digitala ärenden", "percent", "higher", "60 %", 35, 75
        ),
        IndicatorKind("ledtid", "Ledtid för ärenden, dagar", "count", "lower", "≤ 10", 5, 16),
    ],
    "medarbetare": [
        IndicatorKind(
            "hme",
            "Hållbart medarbetarengagemang (HME), index",
            "index",
            "higher",
            "80",
            72,
            86,
            gender_split=True,
        ),
        IndicatorKind(
            "sjukfranvaro",
            "Total sjukfrånvaro, andel (%)",
            "percent",
            "lower",
            "≤ 3,5",
            25,
            75,
            1,
            gender_split=True,
            personnel=True,
        ),
    ],
}
OTHER_INDICATORS = [
    IndicatorKind(
        "arenden", "Ärenden totalt, antal", "count", "higher", "-", 40000, 90000, core_volume=True
    ),
    IndicatorKind(
        "fakturor",
        "Hanterade fakturor, antal",
        "count",
        "higher",
        "-",
        100000,
        300000,
        core_volume=True,
    ),
    IndicatorKind(
        "anstallda", "Tillsvidareanställda, antal", "count", "higher", "-", 80, 600, personnel=True
    ),
    IndicatorKind(
        "omsattning",
        "Extern personalomsättning, andel (%)",
        "percent",
        "lower",
        "<8 %",
        30,
        120,
        1,
        personnel=True,
    ),
]
# The indicator values' periods: two whole years, then the two follow-ups of the current year.
VALUE_PERIODS = ("2018", "2019", "2020-04", "2020-08")
NARRATIVE_KEYS = [
    ("mission", "Förvaltningens uppdrag"),
    ("head_assessment", "Förvaltningschefens bedömning och analys"),
    ("corona_effects", "Coronapandemins påverkan"),
    ("overall_assessment", "Samlad bedömning"),
    ("overall_economy", "Ekonomi"),
    ("overall_operations", "Verksamhet"),
    ("overall_personnel", "Personal"),
    ("economy_summary_deviations", "Väsentliga avvikelser"),
    ("core_volumes_deviations", "Väsentliga avvikelser, basuppdrag"),
    ("personnel_deviations", "Väsentliga avvikelser, personal"),
    ("economy_units_analysis", "Analys per verksamhet"),
    ("economy_kinds_analysis", "Intäkter och kostnader per slag"),
    ("economy_forecast_analysis", "Prognos för helåret"),
    ("investments_analysis", "Investeringar"),
    ("corona_economy", "Coronapandemins ekonomiska effekter"),
    ("goals_introduction", "Uppföljning av mål"),
    ("indicators_introduction", "Nämndindikatorer"),
]
SENTENCES = [
    "följer i stort planen för året.",  # after the subject
    "Arbetet med digitalisering fortsätter och fler ärenden hanteras i e-tjänster.",
    "Pandemin har påverkat verksamheten under våren, främst genom högre frånvaro.",
    "Efterfrågan på tjänsterna är fortsatt hög och ärendevolymerna ökar.",
    "Kostnaderna för lokaler och licenser är högre än budgeterat.",
    "Rekryteringar har genomförts enligt plan och personalomsättningen är låg.",
    "Ett förbättringsarbete pågår för att korta ledtiderna.",
]


# --- plain text of the files ---------------------------------------------------------------


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: int) -> str:
    """A YAML literal block, as a controller writes Markdown in report.yaml."""
    margin = " " * indent
    return "|\n" + "\n".join(margin + line if line else "" for line in text.split("\n"))


def _number(units: int, places: int = 2) -> str:
    """``units`` of 10**-places as a decimal with a decimal comma: exact, as Excel saves it."""
    if places == 0:
        return str(units)
    whole, fraction = divmod(abs(units), 10**places)
    return f"{'-' if units < 0 else ''}{whole},{fraction:0{places}d}"


def _paragraphs(rng: random.Random, subject: str, count: int = 2) -> str:
    first, *others = SENTENCES
    sentences = [f"{subject} {first}", *others]
    return "\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(count))


def _administration_name(index: int) -> str:
    base = ADMINISTRATION_NAMES[index % len(ADMINISTRATION_NAMES)]
    round_ = index // len(ADMINISTRATION_NAMES)
    return base if round_ == 0 else f"{base} {round_ + 1}"


def _slug(index: int) -> str:
    return f"adm-{index + 1:02d}"


# --- one administration's folder -------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    new: bool  # joined this year: no ledger last year, "-" in last year's columns


class _FolderWriter:
    """Writes the files of one administration, drawing from the shared generator in a fixed
    order (files and lines alike), so that the same arguments give the same bytes."""

    def __init__(self, rng: random.Random, root: Path, index: int, unit_count: int) -> None:
        self.rng = rng
        self.root = root
        self.index = index
        self.name = _administration_name(index)
        self.units = [
            _Unit(
                str(1000 + number * 10),
                f"{UNIT_WORDS[number % len(UNIT_WORDS)]} {number + 1}",
                new=number == unit_count - 1,
            )
            for number in range(unit_count)
        ]

    def write(self) -> None:
        self.root.mkdir(parents=True)
        self._file("organisation.yaml", self.organisation())
        self.economy()
        self._file("investments.yaml", self.investments())
        goals, assessments = self.goals()
        self._file("goals.yaml", goals)
        self._file("indicator_values.csv", self.indicator_values())
        for key in FOLLOW_UPS:
            report = assessments[key]
            if key == REPORT_PERIOD:
                report += self.narrative()
            self._file(f"followups/{key}/report.yaml", report)

    def _file(self, relative: str, lines: list[str]) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def organisation(self) -> list[str]:
        lines = [
            f"slug: {_slug(self.index)}",
            f"name: {_quoted(self.name)}",
            f"short_name: ADM{self.index + 1:02d}",
            "municipality: Syntetiska kommun",
            "board: Kommunstyrelsen",
            "settings:",
            *(f"  {key}: {value}" for key, value in SETTINGS.items()),
            "units:",
        ]
        for unit in self.units:
            starts_on = f", starts_on: {CURRENT_YEAR}-01-01" if unit.new else ""
            lines.append(f'  - {{code: "{unit.code}", name: {_quoted(unit.name)}{starts_on}}}')
        lines.append("account_classes:")
        for code, name, kind, ranges in ACCOUNT_CLASSES:
            lines.append(
                f"  - {{code: {code}, name: {_quoted(name)}, kind: {kind}, "
                f"ranges: {json.dumps(ranges)}}}"
            )
        lines.append("accounts:")
        for number, name, *_ in LEDGER_ACCOUNTS:
            lines.append(f'  - {{number: "{number}", name: {_quoted(name)}}}')
        lines.append("fiscal_years:")
        for year in YEARS:
            lines += [f"  - year: {year}", "    periods:"]
            for period_year, key, kind, _end, title, status, deadline in PERIODS:
                if period_year == year:
                    lines.append(
                        f"      - {{key: {key}, kind: {kind}, title: {_quoted(title)}, "
                        f"status: {status}, deadline: {deadline}}}"
                    )
        return lines

    def economy(self) -> None:
        """Ledger, budget and forecasts: each unit's figures come from one yearly size."""
        rng = self.rng
        header = "year;month;unit;account;activity;project;amount"
        ledger = {year: [header] for year in YEARS}
        budget = ["year;month;unit;account_class;amount"]
        forecasts_header = "unit;net_result;revenues;costs;pandemic_net_cost;comment"
        forecasts = {key: [forecasts_header] for key in FOLLOW_UPS}
        months = {CURRENT_YEAR - 1: range(1, 13), CURRENT_YEAR: range(1, CURRENT_MONTH + 1)}
        for unit in self.units:
            # The yearly turnover in kronor; sales cover the costs give or take a few per cent.
            size = rng.randint(2_000_000, 60_000_000)
            # Integer öre: exact, and much faster than Decimal arithmetic here.
            monthly = {number: size * share // 12 for number, _, _, share, _ in LEDGER_ACCOUNTS}
            for year in YEARS:
                if unit.new and year < CURRENT_YEAR:
                    continue
                for month in months[year]:
                    for number, _name, _class, _share, sign in LEDGER_ACCOUNTS:
                        ore = monthly[number] * (10000 + rng.randint(-800, 800)) // 10000
                        ledger[year].append(
                            f"{year};{month};{unit.code};{number};;;{_number(sign * ore)}"
                        )
            for month in range(1, 13):
                for number, _name, class_code, _share, sign in LEDGER_ACCOUNTS:
                    budget.append(
                        f"{CURRENT_YEAR};{month};{unit.code};{class_code};"
                        f"{_number(sign * monthly[number])}"
                    )
            revenues = (size * rng.randint(96, 106) + 50) // 100
            costs = (size * rng.randint(95, 105) + 50) // 100
            net = revenues - costs
            outcome = "ett överskott" if net >= 0 else "ett underskott"
            comment = (
                f"{unit.name} prognostiserar {outcome} för helåret, främst på grund av "
                "förändrade volymer."
                if abs(net) > SETTINGS["forecast_comment_threshold_kr"]
                else ""
            )
            for key in FOLLOW_UPS:
                pandemic = _number(rng.randint(0, 300_000 * 100)) if rng.random() < 0.2 else ""
                forecasts[key].append(f"{unit.code};{net};{revenues};{costs};{pandemic};{comment}")
        for year in YEARS:
            self._file(f"ledger/{year}.csv", ledger[year])
        self._file(f"budget/{CURRENT_YEAR}.csv", budget)
        for key in FOLLOW_UPS:
            self._file(f"followups/{key}/forecasts.csv", forecasts[key])

    def investments(self) -> list[str]:
        rng = self.rng
        lines = ["projects:"]
        for number, name in enumerate(INVESTMENT_PROJECTS):
            frame = rng.randint(2, 40) * 1_000_000
            lines += [
                f"  - code: inv-{number + 1}",
                f"    name: {name}",
                f'    unit: "{self.units[number % len(self.units)].code}"',
                "    frames:",
                f"      - {{year: {CURRENT_YEAR}, amount: {frame}, "
                f"approved_on: {CURRENT_YEAR - 1}-11-26, note: Budget {CURRENT_YEAR}}}",
                "    outcomes:",
            ]
            for key, tenths in zip(FOLLOW_UPS, (3, 6), strict=True):
                forecast = frame * rng.randint(80, 130) // 100
                lines.append(
                    f"      - {{period: {key}, expenditure_to_date: {frame * tenths // 10}, "
                    f"income_to_date: 0, forecast_expenditure: {forecast}, forecast_income: 0}}"
                )
        return lines

    def goals(self) -> tuple[list[str], dict[str, list[str]]]:
        """goals.yaml, and the assessments of the current year's goals by follow-up."""
        rng = self.rng
        lines = ["perspectives:"]
        for code, name, long_name in PERSPECTIVES:
            lines.append(f"  - {{code: {code}, name: {name}, long_name: {long_name}}}")
        council_goals, board_goals = ["council_goals:"], ["board_goals:"]
        goals_of: dict[str, list[str]] = {}  # indicator code → its board goals' codes
        current_goals = []  # (code, name) of the current year's board goals
        for year in YEARS:
            for perspective, name, _long_name in PERSPECTIVES:
                kinds = GOAL_INDICATORS[perspective]
                for number in range(2):
                    council_code = f"{perspective}-{number + 1}"
                    goal_code = f"{perspective}-mal-{number + 1}"
                    goal_name = f"Nämndmål {name.lower()} {number + 1}"
                    council_goals.append(
                        f"  - {{code: {council_code}, year: {year}, perspective: {perspective}, "
                        f"name: {_quoted(f'Kommunövergripande mål {name.lower()} {number + 1}')}}}"
                    )
                    board_goals += [
                        f"  - code: {goal_code}",
                        f"    year: {year}",
                        f"    council_goal: {council_code}",
                        f"    name: {_quoted(goal_name)}",
                        f"    description: {_quoted(f'Nämndens mål inom {name.lower()}.')}",
                        f'    responsible_units: ["{rng.choice(self.units).code}"]',
                    ]
                    for kind in (kinds[number % len(kinds)], kinds[(number + 1) % len(kinds)]):
                        goals_of.setdefault(kind.code, [])
                        if goal_code not in goals_of[kind.code]:
                            goals_of[kind.code].append(goal_code)
                    if year == CURRENT_YEAR:
                        current_goals.append((goal_code, goal_name))
        lines += council_goals + board_goals + ["indicators:"]
        for kind in self.indicator_kinds():
            lines += [
                f"  - code: {kind.code}",
                f"    name: {_quoted(kind.name)}",
                f"    measure: {kind.measure}",
                f"    decimals: {kind.decimals}",
                f"    direction: {kind.direction}",
            ]
            if kind.code in goals_of:
                lines.append(f"    board_goals: [{', '.join(goals_of[kind.code])}]")
            for flag, key in (
                (kind.gender_split, "gender_split"),
                (kind.core_volume, "in_core_volumes"),
                (kind.personnel, "in_personnel"),
            ):
                if flag:
                    lines.append(f"    {key}: true")
            if kind.target != "-":
                lines.append("    targets:")
                lines += [
                    f"      - {{year: {year}, target: {_quoted(kind.target)}}}" for year in YEARS
                ]
        return lines, self.assessments(current_goals)

    @staticmethod
    def indicator_kinds() -> list[IndicatorKind]:
        return [*(kind for kinds in GOAL_INDICATORS.values() for kind in kinds), *OTHER_INDICATORS]

    def assessments(self, goals: list[tuple[str, str]]) -> dict[str, list[str]]:
        rng = self.rng
        reports = {}
        for key in FOLLOW_UPS:
            lines = ["assessments:"]
            for code, name in goals:
                lines += [
                    f"  - goal: {code}",
                    f"    value: {rng.choice(ASSESSMENT_VALUES)}",
                    f"    justification: {_block(_paragraphs(rng, name, 1), 6)}",
                    "    items:",
                ]
                for kind, label in ITEM_KINDS:
                    text = f"{label}: {_paragraphs(rng, 'Arbetet', 1)}"
                    lines.append(f"      - {{kind: {kind}, text: {_quoted(text)}}}")
            reports[key] = lines
        return reports

    def indicator_values(self) -> list[str]:
        rng = self.rng
        lines = ["indicator;period;kind;gender;value;source"]
        for kind in self.indicator_kinds():
            genders = ("T", "K", "M") if kind.gender_split else ("T",)
            for period in VALUE_PERIODS:
                for gender in genders:
                    # About one value in twenty is missing: shown as I.U., never as 0.
                    value = (
                        "I.U."
                        if rng.random() < 0.05
                        else _number(rng.randint(kind.low, kind.high), kind.decimals)
                    )
                    lines.append(f"{kind.code};{period};actual;{gender};{value};{SOURCE}")
            if kind.core_volume:
                value = rng.randint(kind.low, kind.high)
                lines.append(f"{kind.code};{CURRENT_YEAR};forecast;T;{value};{SOURCE}")
        return lines

    def narrative(self) -> list[str]:
        rng = self.rng
        lines = ["sections:"]
        for key, title in NARRATIVE_KEYS:
            lines += [
                f"  - key: {key}",
                f"    title: {_quoted(title)}",
                f"    body: {_block(_paragraphs(rng, self.name), 6)}",
            ]
        for key, word in (("decisions", "Beslut"), ("events", "Händelse")):
            lines.append(f"{key}:")
            for order in range(3):
                text = f"{word} {order + 1}: {_paragraphs(rng, self.name, 1)}"
                lines.append(
                    f"  - {{date: {CURRENT_YEAR}-{2 + order * 2:02d}-10, text: {_quoted(text)}}}"
                )
        lines.append("plans:")
        for title in PLANS:
            lines += [
                f"  - title: {title}",
                f"    body: {_block(_paragraphs(rng, title, 1), 6)}",
            ]
        return lines


# --- the municipality ----------------------------------------------------------------------


def write_municipality(
    directory: Path, administrations: int = 20, units: int = 2000, seed: int = 0
) -> list[Path]:
    """Write one organisation folder per administration into ``directory``, each named by
    its slug (adm-01, adm-02, …; ``units`` units in all, spread evenly); returns the folders in
    order. FileExistsError when a folder of that name is there already."""
    if administrations < 1 or units < administrations:
        raise ValueError("need at least one administration and one unit per administration")
    rng = random.Random(seed)
    folders = []
    for index in range(administrations):
        unit_count = units // administrations + (1 if index < units % administrations else 0)
        folder = Path(directory) / _slug(index)
        _FolderWriter(rng, folder, index, unit_count).write()
        folders.append(folder)
    return folders


def load_municipality(folders: list[Path]) -> list:
    """Load each folder of ``write_municipality`` with ``tertial load``'s loader, one
    transaction each; returns the Organisations. Refuses to load over an organisation that
    already exists, so that it never mixes with (or replaces) real data."""
    from tertial.ingest.folder import load_folder
    from tertial.organisation.models import Organisation

    names = [Path(folder).name for folder in folders]
    existing = Organisation.objects.filter(slug__in=names).values_list("slug", flat=True)
    if existing:
        raise ValueError(f"organisations already exist: {', '.join(sorted(existing))}")
    return [load_folder(Path(folder)).organisation for folder in folders]


@dataclass
class Municipality:
    organisations: list
    write_seconds: float  # the folders written
    load_seconds: float  # the folders loaded

    def timings(self) -> str:
        return f"folders written in {self.write_seconds:.1f} s, loaded in {self.load_seconds:.1f} s"


def build_municipality(administrations: int = 20, units: int = 2000, seed: int = 0) -> Municipality:
    """Write the folders into a temporary directory and load them, timing each step."""
    with tempfile.TemporaryDirectory(prefix="tertial-synthetic-") as directory:
        started = time.perf_counter()
        folders = write_municipality(Path(directory), administrations, units, seed)
        written = time.perf_counter()
        organisations = load_municipality(folders)
        loaded = time.perf_counter()
    return Municipality(organisations, written - started, loaded - written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="where the folders go (must not hold them)")
    parser.add_argument("--administrations", type=int, default=20)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    folders = write_municipality(args.directory, args.administrations, args.units, args.seed)
    print(f"{len(folders)} folders written in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
