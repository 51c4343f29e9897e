"""Periods approved or locked in the database: a re-load leaves their data as it is.

The web app may approve a period after the folder was first loaded, and texts or forecasts
may have been edited there before that. A re-load without ``force`` therefore never replaces
the forecasts, assessments, texts, decisions and events, plan follow-ups, investment outcomes
or indicator values of such a period: when the folder holds the same data for it, those rows
are kept untouched (a re-load of an unchanged folder goes through); when it differs, the load
is refused with an error naming the period. Nor does a re-load move such a period back to an
earlier status. With ``force`` the folder wins, as for any other period.
"""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter

from tertial.core.errors import InputError
from tertial.economy.models import Forecast, InvestmentOutcome
from tertial.goals.models import Assessment, IndicatorValue
from tertial.goals.services import FORMULA_SOURCE
from tertial.ingest.folder.folder import FolderData
from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.organisation.models import Organisation, Period

STATUS_RANK = {status: rank for rank, status in enumerate(Period.Status.values)}
# What is compared of a forecast and of an investment outcome; the folder's rows and the
# models name these fields alike.
_forecast_figures = attrgetter("net_result", "revenues", "costs", "pandemic_net_cost", "comment")
_outcome_figures = attrgetter(
    "expenditure_to_date", "income_to_date", "forecast_expenditure", "forecast_income", "comment"
)


def protected_periods(organisation: Organisation) -> dict[str, Period]:
    """The organisation's periods that are approved or locked in the database, by key."""
    periods = Period.objects.filter(fiscal_year__organisation=organisation).select_related(
        "fiscal_year"
    )
    return {p.key: p for p in periods if p.is_locked}


def value_period_keys(periods: dict[str, Period]) -> dict[tuple[int, int], str]:
    """(year, through month) of the indicator values that belong to each period → its key."""
    return {(p.year, p.end_month): key for key, p in periods.items()}


def kept_status(folder_status: str, database_status: str) -> bool:
    """Whether the database's status stands against the folder's (never moved back)."""
    return STATUS_RANK[folder_status] < STATUS_RANK[database_status]


def changes(data: FolderData, periods: dict[str, Period]) -> tuple[list[InputError], list[str]]:
    """An error for each protected period whose data the folder would change, and the keys
    of those whose data the folder holds unchanged (kept as they are)."""
    if not periods:
        return [], []
    errors, kept = [], []
    followup = _followups_in_database(periods)
    values = _values_in_database(periods)
    outcomes = _outcomes_in_database(periods)
    folder_followup = _followups_in_folder(data, periods)
    folder_values = _values_in_folder(data, periods)
    folder_outcomes = _outcomes_in_folder(data, periods)
    for key, period in sorted(periods.items()):
        errors_before = len(errors)
        for file, what, in_folder, in_database in (
            (
                f"followups/{key}",
                "forecasts, assessments and texts",
                folder_followup[key],
                followup[key],
            ),
            ("indicator_values.csv", "indicator values", folder_values[key], values[key]),
            ("investments.yaml", "investment outcomes", folder_outcomes[key], outcomes[key]),
        ):
            if in_folder != in_database:
                errors.append(
                    InputError(
                        file,
                        None,
                        "",
                        f"period {key} is {period.status} in the database, and loading would "
                        f"change its {what}; nothing was loaded. Re-open the period in the web "
                        "app first, or load with --force to replace them.",
                    )
                )
        if len(errors) == errors_before and (
            any(folder_followup[key].values()) or folder_values[key] or folder_outcomes[key]
        ):
            kept.append(key)
    return errors, kept


def _followups_in_database(periods: dict[str, Period]) -> dict[str, dict]:
    key_of = {p.pk: key for key, p in periods.items()}
    ids = list(key_of)
    result = {key: _empty_followup() for key in periods}
    for f in Forecast.objects.filter(period__in=ids).select_related("unit"):
        result[key_of[f.period_id]]["forecasts"][f.unit.code] = _forecast_figures(f)
    assessments = (
        Assessment.objects.filter(period__in=ids)
        .select_related("board_goal")
        .prefetch_related("items")
    )
    for a in assessments:
        ordered = sorted(a.items.all(), key=lambda i: (i.sort_order, i.pk))
        items = [(i.kind, i.text) for i in ordered]
        result[key_of[a.period_id]]["assessments"][a.board_goal.code] = (
            a.value,
            a.justification,
            items,
        )
    for s in NarrativeSection.objects.filter(period__in=ids).order_by("sort_order", "pk"):
        result[key_of[s.period_id]]["sections"].append((s.key, s.title, s.body))
    for e in DecisionEvent.objects.filter(period__in=ids).order_by("sort_order", "pk"):
        result[key_of[e.period_id]]["decisions_events"][e.kind].append((e.text, e.date))
    for p in PlanFollowUp.objects.filter(period__in=ids).order_by("sort_order", "pk"):
        result[key_of[p.period_id]]["plans"].append((p.title, p.body))
    return result


def _followups_in_folder(data: FolderData, periods: dict[str, Period]) -> dict[str, dict]:
    result = {key: _empty_followup() for key in periods}
    for f in data.forecasts:
        if f.period in result:
            result[f.period]["forecasts"][f.unit] = _forecast_figures(f)
    for a in data.assessments:
        if a.period in result:
            result[a.period]["assessments"][a.goal] = (a.value, a.justification, list(a.items))
    for s in data.sections:
        if s.period in result:
            result[s.period]["sections"].append((s.key, s.title, s.body))
    for e in data.decisions_events:
        if e.period in result:
            result[e.period]["decisions_events"][e.kind].append((e.text, e.date))
    for p in data.plans:
        if p.period in result:
            result[p.period]["plans"].append((p.title, p.body))
    return result


def _empty_followup() -> dict:
    return {
        "forecasts": {},
        "assessments": {},
        "sections": [],
        "decisions_events": defaultdict(list),
        "plans": [],
    }


def _values_in_database(periods: dict[str, Period]) -> dict[str, dict]:
    keys = value_period_keys(periods)
    result: dict[str, dict] = {key: {} for key in periods}
    organisation = next(iter(periods.values())).fiscal_year.organisation_id
    rows = (
        IndicatorValue.objects.filter(
            indicator__organisation_id=organisation, year__in={year for year, _ in keys}
        )
        # computed values are derived from the others; they are computed again after a load
        .exclude(source=FORMULA_SOURCE)
        .select_related("indicator")
    )
    for v in rows:
        key = keys.get((v.year, v.through_month))
        if key is not None:
            result[key][(v.indicator.code, v.kind, v.gender)] = (v.value, v.note, v.source)
    return result


def _values_in_folder(data: FolderData, periods: dict[str, Period]) -> dict[str, dict]:
    keys = value_period_keys(periods)
    result: dict[str, dict] = {key: {} for key in periods}
    for v in data.indicator_values:
        key = keys.get((v.year, v.through_month))
        if key is not None:
            result[key][(v.indicator, v.kind, v.gender)] = (v.value, v.note, v.source)
    return result


def _outcomes_in_database(periods: dict[str, Period]) -> dict[str, dict]:
    key_of = {p.pk: key for key, p in periods.items()}
    ids = list(key_of)
    result: dict[str, dict] = {key: {} for key in periods}
    for o in InvestmentOutcome.objects.filter(period__in=ids).select_related("project"):
        result[key_of[o.period_id]][o.project.code] = _outcome_figures(o)
    return result


def _outcomes_in_folder(data: FolderData, periods: dict[str, Period]) -> dict[str, dict]:
    result: dict[str, dict] = {key: {} for key in periods}
    for project in data.investment_projects:
        for o in project.outcomes:
            if o.period in result:
                result[o.period][project.code] = _outcome_figures(o)
    return result
