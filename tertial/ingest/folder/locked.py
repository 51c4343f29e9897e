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

from django.utils.translation import gettext as _

from tertial.core.errors import InputError
from tertial.economy.queries import forecasts_of, outcomes_of
from tertial.goals.queries import assessments_with_items, entered_values
from tertial.ingest.folder.folder import FolderData
from tertial.narrative.queries import texts_of

# What is compared of a forecast and of an investment outcome; the folder's rows and the
# models name these fields alike.
_forecast_figures = attrgetter("net_result", "revenues", "costs", "pandemic_net_cost", "comment")
_outcome_figures = attrgetter(
    "expenditure_to_date", "income_to_date", "forecast_expenditure", "forecast_income", "comment"
)


def value_period_keys(periods: dict) -> dict[tuple[int, int], str]:
    """(year, through month) of the indicator values that belong to each period → its key."""
    return {(p.year, p.end_month): key for key, p in periods.items()}


def changes(data: FolderData, periods: dict) -> tuple[list[InputError], list[str]]:
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
                _("prognoser, bedömningar och texter"),
                folder_followup[key],
                followup[key],
            ),
            ("indicator_values.csv", _("indikatorvärden"), folder_values[key], values[key]),
            ("investments.yaml", _("investeringarnas utfall"), folder_outcomes[key], outcomes[key]),
        ):
            if in_folder != in_database:
                errors.append(
                    InputError(
                        file,
                        None,
                        "",
                        _(
                            "perioden %(key)s är %(status)s i databasen, och inläsningen skulle "
                            "ändra dess %(what)s; inget har lästs in. Öppna perioden i webbappen "
                            "först, eller läs in med --force för att ersätta dem."
                        )
                        % {"key": key, "status": period.get_status_display(), "what": what},
                    )
                )
        if len(errors) == errors_before and (
            any(folder_followup[key].values()) or folder_values[key] or folder_outcomes[key]
        ):
            kept.append(key)
    return errors, kept


def _followups_in_database(periods: dict) -> dict[str, dict]:
    key_of = {p.pk: key for key, p in periods.items()}
    chosen = list(periods.values())
    result = {key: _empty_followup() for key in periods}
    for f in forecasts_of(chosen):
        result[key_of[f.period_id]]["forecasts"][f.unit.code] = _forecast_figures(f)
    for a in assessments_with_items(chosen):
        items = [(i.kind, i.text) for i in a.items.all()]
        result[key_of[a.period_id]]["assessments"][a.board_goal.code] = (
            a.value,
            a.justification,
            items,
        )
    sections, events, plans = texts_of(chosen)
    for s in sections:
        result[key_of[s.period_id]]["sections"].append((s.key, s.title, s.body))
    for e in events:
        result[key_of[e.period_id]]["decisions_events"][e.kind].append((e.text, e.date))
    for p in plans:
        result[key_of[p.period_id]]["plans"].append((p.title, p.body))
    return result


def _followups_in_folder(data: FolderData, periods: dict) -> dict[str, dict]:
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


def _values_in_database(periods: dict) -> dict[str, dict]:
    keys = value_period_keys(periods)
    result: dict[str, dict] = {key: {} for key in periods}
    organisation = next(iter(periods.values())).fiscal_year.organisation
    # computed values are derived from the others; they are computed again after a load
    for v in entered_values(organisation, list(periods.values())):
        key = keys[(v.year, v.through_month)]
        result[key][(v.indicator.code, v.kind, v.gender)] = (v.value, v.note, v.source)
    return result


def _values_in_folder(data: FolderData, periods: dict) -> dict[str, dict]:
    keys = value_period_keys(periods)
    result: dict[str, dict] = {key: {} for key in periods}
    for v in data.indicator_values:
        key = keys.get((v.year, v.through_month))
        if key is not None:
            result[key][(v.indicator, v.kind, v.gender)] = (v.value, v.note, v.source)
    return result


def _outcomes_in_database(periods: dict) -> dict[str, dict]:
    key_of = {p.pk: key for key, p in periods.items()}
    result: dict[str, dict] = {key: {} for key in periods}
    for o in outcomes_of(list(periods.values())):
        result[key_of[o.period_id]][o.project.code] = _outcome_figures(o)
    return result


def _outcomes_in_folder(data: FolderData, periods: dict) -> dict[str, dict]:
    result: dict[str, dict] = {key: {} for key in periods}
    for project in data.investment_projects:
        for o in project.outcomes:
            if o.period in result:
                result[o.period][project.code] = _outcome_figures(o)
    return result
