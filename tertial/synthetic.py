"""A synthetic municipality: many administrations with many units, for benchmarks.

``build_municipality()`` fills the database with administrations shaped like the example
(examples/vss-2020): the same chart of account classes, fiscal years 2019–2020 with the same
follow-up periods, a monthly ledger (2019 whole, 2020 January–August), a monthly budget,
forecasts, investments, goals with indicators, targets, values and assessments, and the texts
of the delårsrapport, so that every page and every report table has real data to show.
Everything is drawn from one seeded random generator, so the same arguments give the same data.
Rows are written in bulk: about 5 s for 20 administrations and 2 000 units (SQLite, idle machine).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction

from tertial.core.targets import parse_target
from tertial.economy.models import (
    Account,
    AccountClass,
    AccountRange,
    BudgetEntry,
    Forecast,
    InvestmentFrame,
    InvestmentOutcome,
    InvestmentProject,
    LedgerBalance,
)
from tertial.goals.models import (
    Assessment,
    AssessmentItem,
    BoardGoal,
    CouncilGoal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Perspective,
)
from tertial.ingest.folder.storing import insert_rows
from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit
from tertial.platform import cache

YEARS = (2019, 2020)
CURRENT_YEAR = 2020
CURRENT_MONTH = 8  # the ledger of the current year runs January–August

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
    ("sales", "Försäljning av verksamhet", "revenue", [(3500, 3599)]),
    ("grants", "Bidrag", "revenue", [(3300, 3499)]),
    ("other_revenue", "Övriga intäkter", "revenue", [(3000, 3299), (3600, 3999)]),
    ("personnel", "Personalkostnader", "cost", [(5000, 5999)]),
    ("premises", "Lokalkostnader", "cost", [(6000, 6199)]),
    ("consultants", "Konsulttjänster", "cost", [(6400, 6499)]),
    ("licences", "Licenser och IT-tjänster", "cost", [(6500, 6599)]),
    ("other_costs", "Övriga kostnader", "cost", [(4000, 4999), (6200, 6399), (6600, 7799)]),
    ("depreciation", "Avskrivningar", "cost", [(7800, 7899)]),
    ("financial", "Finansiella poster", "financial", [(8000, 8999)]),
]
# (number, name, class, share of the unit's yearly size, sign in the ledger)
LEDGER_ACCOUNTS = [
    ("3511", "Försäljning av verksamhet", "sales", Decimal("1.00"), -1),
    ("5110", "Lön månadsavlönade", "personnel", Decimal("0.62"), 1),
    ("6110", "Lokalhyror", "premises", Decimal("0.18"), 1),
    ("6540", "IT-licenser", "licences", Decimal("0.17"), 1),
]
PERIODS = [
    (2019, "2019-04", "tertial", 4, "Tertialrapport januari–april 2019", "locked"),
    (2019, "2019-08", "interim", 8, "Delårsrapport januari–augusti 2019", "locked"),
    (2019, "2019-12", "annual", 12, "Verksamhetsberättelse 2019", "locked"),
    (2020, "2020-04", "tertial", 4, "Tertialrapport januari–april 2020", "locked"),
    (2020, "2020-08", "interim", 8, "Delårsrapport januari–augusti 2020", "open"),
    (2020, "2020-12", "annual", 12, "Verksamhetsberättelse 2020", "open"),
]
PERSPECTIVES = [
    ("medborgare", "Medborgare", "Medborgare/Kund"),
    ("ekonomi", "Ekonomi", "Ekonomi"),
    ("verksamhet", "Verksamhet", "Verksamhet"),
    ("medarbetare", "Medarbetare", "Medarbetare"),
]


@dataclass(frozen=True)
class IndicatorKind:
    code: str
    name: str
    measure: str
    direction: str
    target: str
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


def _kr(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in kronor with öre, between low and high kronor."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _paragraphs(rng: random.Random, subject: str, count: int = 2) -> str:
    sentences = [
        f"{subject} följer i stort planen för året.",
        "Arbetet med digitalisering fortsätter och fler ärenden hanteras i e-tjänster.",
        "Pandemin har påverkat verksamheten under våren, främst genom högre frånvaro.",
        "Efterfrågan på tjänsterna är fortsatt hög och ärendevolymerna ökar.",
        "Kostnaderna för lokaler och licenser är högre än budgeterat.",
        "Rekryteringar har genomförts enligt plan och personalomsättningen är låg.",
        "Ett förbättringsarbete pågår för att korta ledtiderna.",
    ]
    return "\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(count))


def _bulk(model: type[models.Model], objects: Iterable[models.Model]) -> list:
    return model.objects.bulk_create(list(objects), batch_size=2000)


def build_municipality(
    administrations: int = 20, units: int = 2000, seed: int = 0
) -> list[Organisation]:
    """Create ``administrations`` organisations (adm-01, adm-02, …) with ``units`` units in all.

    Refuses to run when any of the slugs already exists, so it never mixes with real data.
    """
    if administrations < 1 or units < administrations:
        raise ValueError("need at least one administration and one unit per administration")
    slugs = [f"adm-{number:02d}" for number in range(1, administrations + 1)]
    existing = list(Organisation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    if existing:
        raise ValueError(f"organisations already exist: {', '.join(sorted(existing))}")
    rng = random.Random(seed)
    per_administration = [
        units // administrations + (1 if index < units % administrations else 0)
        for index in range(administrations)
    ]
    with transaction.atomic():
        organisations = _bulk(
            Organisation,
            (
                Organisation(
                    slug=slug,
                    name=_administration_name(index),
                    short_name=f"ADM{index + 1:02d}",
                    municipality="Syntetiska kommun",
                    board="Kommunstyrelsen",
                    settings={"forecast_comment_threshold_kr": 500000},
                )
                for index, slug in enumerate(slugs)
            ),
        )
        builder = _Builder(rng)
        for organisation, unit_count in zip(organisations, per_administration, strict=True):
            builder.add(organisation, unit_count)
        builder.flush()
        # Written in bulk, without signals: the pages keep nothing of an organisation that
        # has no cache version yet.
        for organisation in organisations:
            cache.bump(organisation.pk)
    return organisations


def _administration_name(index: int) -> str:
    base = ADMINISTRATION_NAMES[index % len(ADMINISTRATION_NAMES)]
    round_ = index // len(ADMINISTRATION_NAMES)
    return base if round_ == 0 else f"{base} {round_ + 1}"


class _Builder:
    """Collects the bulk rows of many organisations and writes each kind in one go."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ledger: list[tuple] = []
        self.budget: list[tuple] = []
        self.values: list[IndicatorValue] = []

    def add(self, organisation: Organisation, unit_count: int) -> None:
        units = _bulk(
            Unit,
            (
                Unit(
                    organisation=organisation,
                    code=str(1000 + number * 10),
                    name=f"{UNIT_WORDS[number % len(UNIT_WORDS)]} {number + 1}",
                    sort_order=number,
                    # One unit joined this year, so tables show "-" for last year as in the example.
                    starts_on=datetime.date(CURRENT_YEAR, 1, 1)
                    if number == unit_count - 1
                    else None,
                )
                for number in range(unit_count)
            ),
        )
        classes = {
            code: AccountClass(
                organisation=organisation, code=code, name=name, kind=kind, sort_order=order
            )
            for order, (code, name, kind, _ranges) in enumerate(ACCOUNT_CLASSES)
        }
        _bulk(AccountClass, classes.values())
        _bulk(
            AccountRange,
            (
                AccountRange(account_class=classes[code], first=first, last=last)
                for code, _name, _kind, ranges in ACCOUNT_CLASSES
                for first, last in ranges
            ),
        )
        accounts = {
            number: Account(
                organisation=organisation,
                number=number,
                name=name,
                account_class=classes[class_code],
            )
            for number, name, class_code, _share, _sign in LEDGER_ACCOUNTS
        }
        _bulk(Account, accounts.values())
        fiscal_years = {year: FiscalYear(organisation=organisation, year=year) for year in YEARS}
        _bulk(FiscalYear, fiscal_years.values())
        periods = {
            key: Period(
                fiscal_year=fiscal_years[year],
                key=key,
                kind=kind,
                end_month=end_month,
                title=title,
                status=status,
                deadline=datetime.date(year, end_month, 1) + datetime.timedelta(days=45)
                if end_month < 12
                else datetime.date(year + 1, 2, 15),
            )
            for year, key, kind, end_month, title, status in PERIODS
        }
        _bulk(Period, periods.values())

        self._economy(organisation, units, classes, accounts, periods)
        self._investments(organisation, units, periods)
        self._goals(organisation, units, fiscal_years, periods)
        self._narrative(organisation, periods["2020-08"])

    def _economy(self, organisation, units, classes, accounts, periods) -> None:
        rng = self.rng
        forecasts = []
        for unit in units:
            # A unit's yearly turnover in kronor; sales cover its costs give or take a few per cent.
            size = Decimal(rng.randint(2_000_000, 60_000_000))
            monthly_ore = {
                number: int(size * share * 100) // 12
                for number, _name, _class, share, _sign in LEDGER_ACCOUNTS
            }
            months_by_year = {2019: range(1, 13), 2020: range(1, CURRENT_MONTH + 1)}
            for year, months in months_by_year.items():
                if unit.starts_on and unit.starts_on.year > year:
                    continue
                for month in months:
                    for number, _name, _class, _share, sign in LEDGER_ACCOUNTS:
                        # Integer öre: exact, and much faster than Decimal arithmetic here.
                        ore = monthly_ore[number] * (10000 + rng.randint(-800, 800)) // 10000
                        self.ledger.append(
                            (
                                organisation.pk,
                                unit.pk,
                                accounts[number].pk,
                                year,
                                month,
                                "",
                                "",
                                Decimal(sign * ore).scaleb(-2),
                            )
                        )
            for month in range(1, 13):
                for number, _name, class_code, _share, sign in LEDGER_ACCOUNTS:
                    self.budget.append(
                        (
                            unit.pk,
                            classes[class_code].pk,
                            CURRENT_YEAR,
                            month,
                            Decimal(sign * monthly_ore[number]).scaleb(-2),
                        )
                    )
            revenues = (size * Decimal(rng.randint(96, 106)) / 100).quantize(Decimal("1"))
            costs = (size * Decimal(rng.randint(95, 105)) / 100).quantize(Decimal("1"))
            net = revenues - costs
            outcome = "ett överskott" if net >= 0 else "ett underskott"
            comment = (
                f"{unit.name} prognostiserar {outcome} för helåret, främst på grund av "
                "förändrade volymer."
            )
            for key in ("2020-04", "2020-08"):
                forecasts.append(
                    Forecast(
                        unit=unit,
                        period=periods[key],
                        net_result=net,
                        revenues=revenues,
                        costs=costs,
                        pandemic_net_cost=_kr(rng, 0, 300_000) if rng.random() < 0.2 else None,
                        comment=comment if abs(net) > 500_000 else "",
                    )
                )
        _bulk(Forecast, forecasts)

    def _investments(self, organisation, units, periods) -> None:
        rng = self.rng
        projects = _bulk(
            InvestmentProject,
            (
                InvestmentProject(
                    organisation=organisation,
                    unit=units[number % len(units)],
                    code=f"inv-{number + 1}",
                    name=name,
                    sort_order=number,
                )
                for number, name in enumerate(["IT-utrustning", "Inventarier", "Verksamhetssystem"])
            ),
        )
        frames, outcomes = [], []
        for project in projects:
            frame = Decimal(rng.randint(2, 40) * 1_000_000)
            frames.append(
                InvestmentFrame(
                    project=project,
                    year=CURRENT_YEAR,
                    amount=frame,
                    approved_on=datetime.date(CURRENT_YEAR - 1, 11, 26),
                    note=f"Budget {CURRENT_YEAR}",
                )
            )
            for key, share in (("2020-04", Decimal("0.3")), ("2020-08", Decimal("0.6"))):
                outcomes.append(
                    InvestmentOutcome(
                        project=project,
                        period=periods[key],
                        expenditure_to_date=(frame * share).quantize(Decimal("0.01")),
                        income_to_date=Decimal(0),
                        forecast_expenditure=frame * Decimal(rng.randint(80, 130)) / 100,
                        forecast_income=Decimal(0),
                    )
                )
        _bulk(InvestmentFrame, frames)
        _bulk(InvestmentOutcome, outcomes)

    def _goals(self, organisation, units, fiscal_years, periods) -> None:
        rng = self.rng
        perspectives = _bulk(
            Perspective,
            (
                Perspective(
                    organisation=organisation,
                    code=code,
                    name=name,
                    long_name=long_name,
                    sort_order=order,
                )
                for order, (code, name, long_name) in enumerate(PERSPECTIVES)
            ),
        )
        indicator_kinds = [kind for kinds in GOAL_INDICATORS.values() for kind in kinds]
        indicators = {
            kind.code: Indicator(
                organisation=organisation,
                code=kind.code,
                name=kind.name,
                measure=kind.measure,
                decimals=kind.decimals,
                direction=kind.direction,
                gender_split=kind.gender_split,
                in_core_volumes=kind.core_volume,
                in_personnel=kind.personnel,
                sort_order=order,
            )
            for order, kind in enumerate([*indicator_kinds, *OTHER_INDICATORS])
        }
        _bulk(Indicator, indicators.values())
        kinds = {kind.code: kind for kind in [*indicator_kinds, *OTHER_INDICATORS]}

        targets = []
        for code, indicator in indicators.items():
            parsed = parse_target(kinds[code].target, kinds[code].direction)
            if parsed is None:
                continue
            for year in YEARS:
                targets.append(
                    IndicatorTarget(
                        indicator=indicator,
                        year=year,
                        text=parsed.text,
                        comparator=parsed.comparator,
                        value=parsed.value,
                        tolerance=parsed.tolerance,
                    )
                )
        _bulk(IndicatorTarget, targets)

        for code, indicator in indicators.items():
            kind = kinds[code]
            genders = ["T", "K", "M"] if kind.gender_split else ["T"]
            scale = Decimal(10) ** kind.decimals
            for year, through_month in ((2018, 12), (2019, 12), (2020, 4), (2020, 8)):
                for gender in genders:
                    # About one value in twenty is missing: shown as I.U., never as 0.
                    missing = rng.random() < 0.05
                    value = None if missing else Decimal(rng.randint(kind.low, kind.high)) / scale
                    self.values.append(
                        IndicatorValue(
                            indicator=indicator,
                            year=year,
                            through_month=through_month,
                            gender=gender,
                            value=value,
                            source="Syntetiska data",
                        )
                    )
            if kind.core_volume:
                self.values.append(
                    IndicatorValue(
                        indicator=indicator,
                        year=CURRENT_YEAR,
                        through_month=12,
                        kind=IndicatorValue.Kind.FORECAST,
                        value=Decimal(rng.randint(kind.low, kind.high)),
                        source="Syntetiska data",
                    )
                )

        assessments, items = [], []
        for year, fiscal_year in fiscal_years.items():
            council_goals, board_goals, links = [], [], []
            for perspective in perspectives:
                kinds_here = GOAL_INDICATORS[perspective.code]
                for number in range(2):
                    council_goal = CouncilGoal(
                        fiscal_year=fiscal_year,
                        perspective=perspective,
                        code=f"{perspective.code}-{number + 1}",
                        name=f"Kommunövergripande mål {perspective.name.lower()} {number + 1}",
                        sort_order=number,
                    )
                    council_goals.append(council_goal)
                    board_goals.append(
                        BoardGoal(
                            fiscal_year=fiscal_year,
                            council_goal=council_goal,
                            code=f"{perspective.code}-mal-{number + 1}",
                            name=f"Nämndmål {perspective.name.lower()} {number + 1}",
                            description=f"Nämndens mål inom {perspective.name.lower()}.",
                            sort_order=number,
                        )
                    )
                    links.append(
                        [
                            kinds_here[number % len(kinds_here)].code,
                            kinds_here[(number + 1) % len(kinds_here)].code,
                        ]
                    )
            _bulk(CouncilGoal, council_goals)
            for board_goal in board_goals:
                board_goal.council_goal_id = board_goal.council_goal.pk
            _bulk(BoardGoal, board_goals)
            through = BoardGoal.indicators.through
            _bulk(
                through,
                (
                    through(boardgoal_id=goal.pk, indicator_id=indicators[code].pk)
                    for goal, codes in zip(board_goals, links, strict=True)
                    for code in codes
                ),
            )
            responsible = BoardGoal.responsible_units.through
            _bulk(
                responsible,
                (
                    responsible(boardgoal_id=goal.pk, unit_id=rng.choice(units).pk)
                    for goal in board_goals
                ),
            )
            if year != CURRENT_YEAR:
                continue
            values = list(Assessment.Value)
            for goal in board_goals:
                for key in ("2020-04", "2020-08"):
                    assessments.append(
                        Assessment(
                            board_goal=goal,
                            period=periods[key],
                            value=rng.choice(values[:3]),
                            justification=_paragraphs(rng, goal.name, 1),
                            proposed_value=rng.choice(values),
                        )
                    )
        _bulk(Assessment, assessments)
        for assessment in assessments:
            for order, kind in enumerate(AssessmentItem.Kind.values):
                items.append(
                    AssessmentItem(
                        assessment=assessment,
                        kind=kind,
                        sort_order=order,
                        text=f"{AssessmentItem.Kind(kind).label.capitalize()}: "
                        f"{_paragraphs(rng, 'Arbetet', 1)}",
                    )
                )
        _bulk(AssessmentItem, items)

    def _narrative(self, organisation, period) -> None:
        rng = self.rng
        _bulk(
            NarrativeSection,
            (
                NarrativeSection(
                    period=period,
                    key=key,
                    title=title,
                    sort_order=order,
                    body=_paragraphs(rng, organisation.name),
                )
                for order, (key, title) in enumerate(NARRATIVE_KEYS)
            ),
        )
        _bulk(
            DecisionEvent,
            (
                DecisionEvent(
                    period=period,
                    kind=kind,
                    sort_order=order,
                    date=datetime.date(CURRENT_YEAR, 2 + order * 2, 10),
                    text=f"{'Beslut' if kind == 'decision' else 'Händelse'} {order + 1}: "
                    f"{_paragraphs(rng, organisation.name, 1)}",
                )
                for kind in DecisionEvent.Kind.values
                for order in range(3)
            ),
        )
        _bulk(
            PlanFollowUp,
            (
                PlanFollowUp(
                    period=period, title=title, sort_order=order, body=_paragraphs(rng, title, 1)
                )
                for order, title in enumerate(["Lokalförsörjningsplan", "Internkontrollplan"])
            ),
        )

    def flush(self) -> None:
        insert_rows(
            LedgerBalance,
            ["organisation", "unit", "account", "year", "month", "activity", "project", "amount"],
            self.ledger,
        )
        insert_rows(BudgetEntry, ["unit", "account_class", "year", "month", "amount"], self.budget)
        _bulk(IndicatorValue, self.values)
        self.ledger, self.budget, self.values = [], [], []
