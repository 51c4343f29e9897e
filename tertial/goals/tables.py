"""The goal and indicator tables of the report and the web, built from the database.

Each function returns a tertial.core.tables.Table (or small dataclasses for the goal
follow-up's texts); the renderers only read them. Cells keep the exact value beside the text
it is shown as, and the status of an indicator value against its target.

Values are shown as the reference prints them: with the indicator's decimals, or as written
when it has none ("99" and "98,6" in one row); a percentage with "%" unless its target is
written without one (sick leave "4,3" under target "3,5", but "91 %" under "92 %");
an amount in tkr with "tkr"; "I.U." for a missing value; nothing where no value exists;
the value's note in brackets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tertial.core.formatting import NBSP, NO_DATA, NOT_EXISTING, decimals_of, format_number
from tertial.core.months import month_abbreviation, month_name
from tertial.core.sharing import shared
from tertial.core.tables import Cell, Column, ColumnKind, Row, RowRole, Table
from tertial.core.targets import display_target
from tertial.goals.models import (
    STATUS_LABELS,
    Assessment,
    AssessmentItem,
    BoardGoal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    KoladaKpi,
    KoladaValue,
)
from tertial.goals.statuses import (
    IndicatorStatus,
    goals_indicators,
    goals_statuses,
    proposal_of,
    settings_for,
    value_status,
)
from tertial.organisation.models import Period

ACTUAL, FORECAST = IndicatorValue.Kind.ACTUAL, IndicatorValue.Kind.FORECAST
TOTAL, MEN, WOMEN = (
    IndicatorValue.Gender.TOTAL,
    IndicatorValue.Gender.MEN,
    IndicatorValue.Gender.WOMEN,
)
CORE_VOLUMES_MISSING = "N/A"
# Explicitly ordered: the models' default orderings, followed through the relations, make
# Django see two joins on fiscal_year as an ordering loop.
ITEMS = Prefetch("items", queryset=AssessmentItem.objects.order_by("sort_order", "id"))


def period_column_label(period: Period) -> str:
    """ "Aug. 2020"; the whole year "2020"."""
    if period.end_month == 12:
        return str(period.year)
    return f"{month_abbreviation(period.end_month).capitalize()} {period.year}"


def assessment_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


# ---- Formatting one value -----------------------------------------------------------------


def shows_percent_sign(indicator: Indicator, target: IndicatorTarget | None) -> bool:
    if indicator.measure != Indicator.Measure.PERCENT:
        return False
    return target is None or "%" in target.text


def format_value(
    indicator: Indicator, row: IndicatorValue | None, *, percent_sign: bool, missing: str = NO_DATA
) -> str:
    """A value as printed; "" where no value row exists, ``missing`` where the value is missing."""
    if row is None:
        return ""
    if row.value is None:
        text = missing
    else:
        decimals = indicator.decimals
        if decimals is None:
            decimals = row.written_decimals
        if decimals is None:
            decimals = decimals_of(row.value.normalize())
        text = format_number(row.value, decimals)
        if indicator.measure == Indicator.Measure.PERCENT and percent_sign:
            text += f"{NBSP}%"
        elif indicator.measure == Indicator.Measure.KSEK:
            text += f"{NBSP}tkr"
    if row.note:
        text += f" ({row.note})"
    return text


def _source(indicator: Indicator, row: IndicatorValue | None, column: str) -> str:
    text = f"indicator:{indicator.code} {column}"
    if row is not None and row.source:
        text += f" ({row.source})"
    return text


class _Values:
    """The values and targets of many indicators, read in two queries."""

    def __init__(self, indicators: list[Indicator], years: list[int]):
        ids = [i.pk for i in indicators]
        self.rows: dict[tuple, IndicatorValue] = {
            (v.indicator_id, v.year, v.through_month, v.kind, v.gender): v
            for v in IndicatorValue.objects.filter(indicator_id__in=ids, year__in=years)
        }
        self.targets: dict[tuple[int, int], IndicatorTarget] = {
            (t.indicator_id, t.year): t
            for t in IndicatorTarget.objects.filter(indicator_id__in=ids, year__in=years)
        }
        self.has_values = {key[0] for key in self.rows}

    def get(self, indicator, year, month, kind=ACTUAL, gender=TOTAL) -> IndicatorValue | None:
        return self.rows.get((indicator.pk, year, month, kind, gender))

    def target(self, indicator: Indicator, year: int) -> IndicatorTarget | None:
        return self.targets.get((indicator.pk, year))

    def status(self, indicator: Indicator, row: IndicatorValue | None, month: int, settings) -> str:
        """The status of ``row`` against its year's target, "" without a row or a status."""
        if row is None:
            return ""
        target = self.target(indicator, row.year)
        status = value_status(indicator, row.value, target, settings, through_month=month)
        return status or ""


# ---- Indicator tables ---------------------------------------------------------------------


def indicator_tables(period: Period) -> list[Table]:
    """One table per perspective and council goal, with the reference's columns."""
    organisation = period.organisation
    settings = settings_for(organisation)
    year = period.year
    columns_years = [(str(year - 2), year - 2, 12), (str(year - 1), year - 1, 12)]
    columns_years.append((period.key, year, period.end_month))
    columns = [
        Column("goal", _("Nämndmål"), ColumnKind.TEXT),
        Column("indicator", _("Nämndindikator"), ColumnKind.TEXT),
        Column(str(year - 2), str(year - 2), ColumnKind.NUMBER),
        Column(str(year - 1), str(year - 1), ColumnKind.NUMBER),
        Column(period.key, period_column_label(period), ColumnKind.NUMBER),
        Column("target", _("Målvärde"), ColumnKind.TEXT),
    ]
    goals = list(
        BoardGoal.objects.filter(fiscal_year=period.fiscal_year).select_related(
            "council_goal__perspective"
        )
    )
    by_goal = goals_indicators(goals)
    all_indicators = {i.pk: i for indicators in by_goal.values() for i in indicators}
    values = _Values(list(all_indicators.values()), [year - 2, year - 1, year])
    child_ids = {i.parent_id for i in all_indicators.values() if i.parent_id}

    tables: dict[int, Table] = {}
    for goal in goals:
        council_goal = goal.council_goal
        table = tables.get(council_goal.pk)
        if table is None:
            table = tables[council_goal.pk] = Table(
                key=f"indicators-{council_goal.code}",
                title=_("Målområde: %(perspective)s")
                % {"perspective": council_goal.perspective.name},
                caption=_("Kommunövergripande mål: %(goal)s") % {"goal": council_goal.name},
                columns=columns,
            )
        first = True
        for indicator in by_goal[goal.pk]:
            target = values.target(indicator, year)
            percent_sign = shows_percent_sign(indicator, target)
            is_group = indicator.pk in child_ids
            level = 1 if indicator.parent_id in all_indicators else 0
            cells = {
                "goal": Cell(goal.name if first else "", source=f"goal:{goal.code}"),
                "indicator": Cell(indicator.name, source=f"indicator:{indicator.code}"),
            }
            show_values = not is_group or indicator.pk in values.has_values
            for key, y, month in columns_years:
                row = values.get(indicator, y, month)
                cells[key] = Cell(
                    format_value(indicator, row, percent_sign=percent_sign) if show_values else "",
                    row.value if row is not None else None,
                    _source(indicator, row, key),
                    values.status(indicator, row, month, settings) if show_values else "",
                )
            cells["target"] = Cell(
                display_target(target.text) if target else "",
                target.value if target else None,
                f"indicator_target:{indicator.code} {year}" if target else "",
            )
            role = RowRole.GROUP if is_group else (RowRole.SUB if level else RowRole.DATA)
            table.rows.append(
                Row(indicator.name, cells, role, level, ref=f"indicator:{indicator.code}")
            )
            first = False
            if indicator.gender_split:
                for gender, label in ((MEN, _("Män")), (WOMEN, _("Kvinnor"))):
                    gender_cells = {"goal": Cell(""), "indicator": Cell(label)}
                    for key, y, month in columns_years:
                        row = values.get(indicator, y, month, gender=gender)
                        gender_cells[key] = Cell(
                            format_value(indicator, row, percent_sign=percent_sign),
                            row.value if row is not None else None,
                            _source(indicator, row, f"{key} {gender}"),
                        )
                    gender_cells["target"] = Cell("")
                    table.rows.append(
                        Row(
                            label,
                            gender_cells,
                            RowRole.SUB,
                            level + 1,
                            ref=f"indicator:{indicator.code}:{gender}",
                        )
                    )
    return list(tables.values())


def same_period_earlier(period: Period, years: int = 2) -> dict[str, dict[int, object]]:
    """The values of the same months of earlier years (January–August 2019 beside January–
    August 2020), by the refs the indicator tables' rows carry ("indicator:<code>" and
    "indicator:<code>:<gender>"): what a part of a year is compared with. Empty for a
    period that ends with the year."""
    if period.end_month == 12:
        return {}
    found: dict[str, dict[int, object]] = {}
    rows = IndicatorValue.objects.filter(
        indicator__organisation=period.organisation,
        year__in=range(period.year - years, period.year),
        through_month=period.end_month,
        kind=ACTUAL,
        value__isnull=False,
    ).select_related("indicator")
    for row in rows:
        ref = f"indicator:{row.indicator.code}"
        if row.gender != TOTAL:
            ref += f":{row.gender}"
        found.setdefault(ref, {})[row.year] = row.value
    return found


# ---- Core volumes and personnel -----------------------------------------------------------


def core_volumes(period: Period) -> Table:
    """Basuppdrag: forecast for the year, the period, the same period a year earlier."""
    year, month = period.year, period.end_month
    indicators = list(
        Indicator.objects.filter(organisation=period.organisation, in_core_volumes=True).order_by(
            "sort_order", "code"
        )
    )
    values = _Values(indicators, [year - 1, year])
    columns = [
        Column("forecast", _("Prognos %(year)s") % {"year": year}, ColumnKind.NUMBER),
        Column("period", f"{month_name(month).capitalize()} {year}", ColumnKind.NUMBER),
        Column("previous", f"{month_name(month).capitalize()} {year - 1}", ColumnKind.NUMBER),
    ]
    table = Table("core-volumes", _("Basuppdrag"), columns)
    for indicator in indicators:
        target = values.target(indicator, year)
        percent_sign = shows_percent_sign(indicator, target)
        cells = {}
        for key, y, m, kind in (
            ("forecast", year, 12, FORECAST),
            ("period", year, month, ACTUAL),
            ("previous", year - 1, month, ACTUAL),
        ):
            row = values.get(indicator, y, m, kind)
            text = format_value(indicator, row, percent_sign=percent_sign)
            cells[key] = Cell(
                text if row is not None and row.value is not None else CORE_VOLUMES_MISSING,
                row.value if row is not None else None,
                _source(indicator, row, f"{y}-{m:02d} {kind}"),
            )
        of_which = indicator.is_part_of_parent
        table.rows.append(
            Row(
                indicator.name,
                cells,
                RowRole.OF_WHICH if of_which else RowRole.DATA,
                1 if of_which else 0,
                ref=f"indicator:{indicator.code}",
            )
        )
    return table


def personnel(period: Period) -> Table:
    """Personal: the period, the same period a year earlier, the target for the whole year."""
    year, month = period.year, period.end_month
    settings = settings_for(period.organisation)
    indicators = list(
        Indicator.objects.filter(organisation=period.organisation, in_personnel=True).order_by(
            "sort_order", "code"
        )
    )
    values = _Values(indicators, [year - 1, year])
    columns = [
        Column("period", f"{month_name(month).capitalize()} {year}", ColumnKind.NUMBER),
        Column("previous", f"{month_name(month).capitalize()} {year - 1}", ColumnKind.NUMBER),
        Column("target", _("Målvärde helår"), ColumnKind.TEXT),
    ]
    table = Table("personnel", _("Personal"), columns)
    for indicator in indicators:
        target = values.target(indicator, year)
        percent_sign = shows_percent_sign(indicator, target)
        cells = {}
        for key, y in (("period", year), ("previous", year - 1)):
            row = values.get(indicator, y, month)
            text = format_value(indicator, row, percent_sign=percent_sign)
            cells[key] = Cell(
                text or NOT_EXISTING,
                row.value if row is not None else None,
                _source(indicator, row, f"{y}-{month:02d}"),
                values.status(indicator, row, month, settings),
            )
        cells["target"] = Cell(
            display_target(target.text) if target else NOT_EXISTING,
            target.value if target else None,
        )
        table.rows.append(Row(indicator.name, cells, ref=f"indicator:{indicator.code}"))
    return table


# ---- Goal overview and follow-up ----------------------------------------------------------


def _goals(period: Period) -> list[BoardGoal]:
    return shared(
        ("board-goals", period.pk),
        lambda: list(
            BoardGoal.objects.filter(fiscal_year=period.fiscal_year)
            .select_related("council_goal__perspective", "fiscal_year")
            .order_by(
                "council_goal__perspective__sort_order", "council_goal__sort_order", "sort_order"
            )
        ),
    )


def _current_assessments(period: Period) -> dict[int, Assessment]:
    return shared(
        ("current-assessments", period.pk),
        lambda: {
            a.board_goal_id: a
            for a in Assessment.objects.filter(period=period)
            .select_related("updated_by")
            .prefetch_related(ITEMS)
        },
    )


def _statuses(period: Period) -> dict[int, list[IndicatorStatus]]:
    """Each goal's indicator statuses, which the overview and the follow-up both propose from."""
    return shared(("goal-statuses", period.pk), lambda: goals_statuses(_goals(period), period))


def goal_overview(period: Period) -> Table:
    """Nämndens måluppfyllelse för året: each board goal's assessment beside the proposal.

    The proposal's columns are marked ``working``: the published report leaves them out
    unless its definition asks for them (tertial.reports.build)."""
    proposal_column = Column("proposal", _("Systemets förslag"), ColumnKind.STATUS, working=True)
    columns = [
        Column("perspective", _("Målområde"), ColumnKind.TEXT),
        Column("goal", _("Nämndmål"), ColumnKind.TEXT),
        Column("assessment", _("Bedömning"), ColumnKind.STATUS),
        proposal_column,
        Column("differs", _("Avviker från förslaget"), ColumnKind.TEXT, working=True),
    ]
    table = Table("goal-overview", _("Nämndens måluppfyllelse för året"), columns)
    assessments = _current_assessments(period)
    settings = settings_for(period.organisation)
    statuses = _statuses(period)
    for goal in _goals(period):
        assessment = assessments.get(goal.pk)
        value = assessment.value if assessment else ""
        proposal = proposal_of(statuses[goal.pk], settings)
        differs = bool(value) and value != proposal
        table.rows.append(
            Row(
                goal.name,
                {
                    "perspective": Cell(goal.council_goal.perspective.name),
                    "goal": Cell(goal.name, source=f"goal:{goal.code}"),
                    "assessment": Cell(assessment_label(value), status=value),
                    "proposal": Cell(assessment_label(proposal), status=proposal),
                    "differs": Cell(_("Ja") if differs else ""),
                },
                ref=f"goal:{goal.code}",
            )
        )
    if any(row.cells["differs"].text for row in table.rows):
        # On the proposal's column, so that it goes where the column goes.
        table.columns[3] = replace(
            proposal_column,
            note=_(
                "bygger enbart på nämndindikatorerna; bedömningen väger även in aktiviteter "
                "och andra resultat."
            ),
        )
    return table


@dataclass
class FollowUpItem:
    kind: str  # result, activity, deviation
    kind_label: str
    text: str


@dataclass
class GoalFollowUp:
    code: str
    name: str
    council_goal: str
    assessment: str  # met, partly_met, not_met, not_assessable; "" when not yet assessed
    assessment_label: str
    justification: str  # Markdown
    items: list[FollowUpItem]
    proposal: str
    proposal_label: str
    differs: bool
    author: str = ""
    assessed_at: datetime.datetime | None = None
    indicators: list[IndicatorStatus] = field(default_factory=list)


@dataclass
class PerspectiveFollowUp:
    code: str
    name: str
    title: str  # "Målområde Medborgare/Kund"
    goals: list[GoalFollowUp]


def goal_follow_up(period: Period) -> list[PerspectiveFollowUp]:
    """Per perspective, each board goal with its assessment, justification, bullets, proposal."""
    assessments = _current_assessments(period)
    settings = settings_for(period.organisation)
    perspectives: dict[int, PerspectiveFollowUp] = {}
    all_statuses = _statuses(period)
    for goal in _goals(period):
        perspective = goal.council_goal.perspective
        section = perspectives.get(perspective.pk)
        if section is None:
            section = perspectives[perspective.pk] = PerspectiveFollowUp(
                perspective.code,
                perspective.name,
                _("Målområde %(name)s") % {"name": perspective.long_name or perspective.name},
                [],
            )
        assessment = assessments.get(goal.pk)
        statuses = all_statuses[goal.pk]
        proposal = proposal_of(statuses, settings)
        value = assessment.value if assessment else ""
        section.goals.append(
            GoalFollowUp(
                code=goal.code,
                name=goal.name,
                council_goal=goal.council_goal.name,
                assessment=value,
                assessment_label=assessment_label(value),
                justification=assessment.justification if assessment else "",
                items=[
                    FollowUpItem(item.kind, str(item.get_kind_display()), item.text)
                    for item in (assessment.items.all() if assessment else [])
                ],
                proposal=proposal,
                proposal_label=assessment_label(proposal),
                differs=bool(value) and value != proposal,
                author=(
                    assessment.updated_by.get_full_name() or assessment.updated_by.get_username()
                )
                if assessment and assessment.updated_by
                else "",
                assessed_at=assessment.updated_at if assessment else None,
                indicators=statuses,
            )
        )
    return list(perspectives.values())


# ---- Kolada comparison --------------------------------------------------------------------

# Kolada's id of the whole country (Riket), whose value stands for the national one.
NATIONAL = "0000"
KOLADA_YEARS = 3


@dataclass(frozen=True)
class KoladaArea:
    """A row of the comparison: a municipality (or the administration's own unit) by id."""

    label: str
    municipality: str = ""
    ou: str = ""
    own: bool = False


def compared_municipalities(settings: dict) -> dict[str, str]:
    """The municipalities an organisation compares itself with, by id with the name to show:
    ``kolada_compare`` as a list of ids or a mapping of id to name; {} where it has none."""
    chosen = settings.get("kolada_compare") or {}
    if isinstance(chosen, dict):
        return {str(k): str(v or k) for k, v in chosen.items()}
    return {str(k): str(k) for k in chosen}


def _kolada_areas(period: Period, kpis: list[str], values) -> list[KoladaArea]:
    organisation = period.fiscal_year.organisation
    settings = organisation.settings or {}
    own_municipality = str(settings.get("kolada_municipality") or "")
    own_ou = str(settings.get("kolada_ou") or "")
    areas = [
        KoladaArea(
            organisation.municipality or organisation.name, own_municipality, own_ou, own=True
        )
    ]
    chosen = compared_municipalities(settings)
    if not chosen:
        # Without a choice of their own: every municipality imported for the KPIs, which is
        # what the import was asked to fetch for comparison.
        stored = sorted(
            {v.municipality for v in values if v.municipality and not v.ou}
            - {own_municipality, NATIONAL}
        )
        chosen = {m: m for m in stored}
    areas += [KoladaArea(name, municipality) for municipality, name in chosen.items()]
    areas.append(KoladaArea(_("Riket"), NATIONAL))
    return areas


def _kolada_text(indicator: Indicator, value) -> str:
    if value is None:
        return NO_DATA
    decimals = indicator.decimals
    if decimals is None:
        decimals = decimals_of(value.normalize())
    text = format_number(value, decimals)
    if indicator.measure == Indicator.Measure.PERCENT:
        text += f"{NBSP}%"
    return text


def kolada_comparison(period: Period, indicators: list[Indicator] | None = None) -> Table:
    """Jämförelse i Kolada: for each indicator mapped to a Kolada KPI (``indicators``, else
    every one of the organisation's), its own value against the municipalities it compares
    itself with and the national value, for the last three years up to the period's with
    values in Kolada (whole years, both genders together)."""
    organisation = period.fiscal_year.organisation
    if indicators is None:
        indicators = list(
            Indicator.objects.filter(organisation=organisation).exclude(kolada_kpi="")
        )
    mapped = [i for i in indicators if i.kolada_kpi]
    kpis = sorted({i.kolada_kpi for i in mapped})
    values = list(KoladaValue.objects.filter(kpi__in=kpis, gender=TOTAL, year__lte=period.year))
    areas = _kolada_areas(period, kpis, values)
    wanted_municipalities = {a.municipality for a in areas if a.municipality}
    wanted_ous = {a.ou for a in areas if a.ou}
    found = {
        (v.kpi, v.municipality, v.ou, v.year): v
        for v in values
        if (v.municipality in wanted_municipalities and not v.ou) or v.ou in wanted_ous
    }
    years = sorted({year for (_kpi, _m, _ou, year) in found})[-KOLADA_YEARS:]
    titles = dict(KoladaKpi.objects.filter(id__in=kpis).values_list("id", "title"))
    table = Table(
        key="kolada_comparison",
        title=_("Jämförelse i Kolada"),
        columns=[Column(str(year), str(year), kind=ColumnKind.NUMBER) for year in years],
        caption=_("Egna värden, jämförda kommuner och riket, helår"),
        notes=[_("Källa: Kolada. I.U. = inget värde i Kolada.")],
    )
    if not years:
        return table
    for indicator in mapped:
        kpi = indicator.kolada_kpi
        title = titles.get(kpi, "")
        table.rows.append(
            Row(
                label=f"{indicator.name} ({kpi}{': ' + title if title else ''})",
                role=RowRole.GROUP,
                ref=f"indicator:{indicator.code}",
                cells={str(year): Cell("") for year in years},
            )
        )
        for area in areas:
            cells = {}
            for year in years:
                point = None
                if area.ou:
                    point = found.get((kpi, "", area.ou, year))
                if point is None and area.municipality:
                    point = found.get((kpi, area.municipality, "", year))
                cells[str(year)] = (
                    Cell(NOT_EXISTING)
                    if point is None
                    else Cell(
                        _kolada_text(indicator, point.value),
                        point.value,
                        f"kolada:{kpi};area={point.ou or point.municipality};year={year}",
                    )
                )
            table.rows.append(
                Row(
                    label=area.label,
                    level=1,
                    ref=f"kolada:{indicator.code}:{area.ou or area.municipality or 'own'}",
                    cells=cells,
                )
            )
    return table
