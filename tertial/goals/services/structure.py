"""Writes of what an organisation folder defines of goals: perspectives, council and board
goals, indicators with their targets, values and the loaded assessments.

The loader (tertial.ingest.folder) calls these inside its one transaction. Goals and
indicators are updated in place by their codes, so what refers to them survives a re-load;
targets are replaced; values and assessments are replaced but those of approved or locked
periods, which stay unless the load is forced. The specs are plain objects with the
attributes named (the folder reader's dataclasses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tertial.core.actors import person
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
from tertial.goals.services import ValueRow, _replace_values
from tertial.organisation.models import Organisation, Period
from tertial.platform.rows import BATCH_SIZE, Synced, delete_unreferred, upsert


def _coded(organisation: Organisation, items: Sequence, values) -> dict:
    return {
        item.code: {
            "organisation": organisation,
            "code": item.code,
            "sort_order": i,
            **values(item),
        }
        for i, item in enumerate(items)
    }


def _by_year_and_code(years: Synced, items: Sequence, values) -> dict:
    return {
        (item.year, item.code): {
            "fiscal_year": years.by_key[item.year],
            "code": item.code,
            "sort_order": i,
            **values(item),
        }
        for i, item in enumerate(items)
    }


def sync_goals(
    organisation: Organisation,
    years: Synced,
    units: Synced,
    *,
    perspectives: Sequence,
    council_goals: Sequence,
    board_goals: Sequence,
) -> tuple[Synced, Synced, Synced]:
    """Perspectives (``code``, ``name``, ``long_name``) by code; council goals (``code``,
    ``year``, ``perspective``, ``name``) and board goals (``code``, ``year``,
    ``council_goal``, ``name``, ``description``, ``responsible_units`` codes,
    ``carried_over_from`` code of an earlier year's goal) by year and code. Returns the
    perspectives, the council goals and the board goals."""
    synced_perspectives = upsert(
        Perspective.objects.filter(organisation=organisation),
        lambda p: p.code,
        _coded(organisation, perspectives, lambda p: {"name": p.name, "long_name": p.long_name}),
        ["sort_order", "name", "long_name"],
    )
    of_year = BoardGoal.objects.filter(fiscal_year__organisation=organisation)
    synced_council = upsert(
        CouncilGoal.objects.filter(fiscal_year__organisation=organisation).select_related(
            "fiscal_year"
        ),
        lambda g: (g.fiscal_year.year, g.code),
        _by_year_and_code(
            years,
            council_goals,
            lambda g: {"name": g.name, "perspective": synced_perspectives.by_key[g.perspective]},
        ),
        ["sort_order", "name", "perspective"],
    )
    synced_board = upsert(
        of_year.select_related("fiscal_year"),
        lambda g: (g.fiscal_year.year, g.code),
        _by_year_and_code(
            years,
            board_goals,
            lambda g: {
                "name": g.name,
                "description": g.description,
                "council_goal": synced_council.by_key[(g.year, g.council_goal)],
                # set below, once every goal it may point to exists
                "carried_over_from": None,
            },
        ),
        ["sort_order", "name", "description", "council_goal", "carried_over_from"],
    )
    for g in board_goals:
        if g.carried_over_from:
            earlier = max(
                year
                for year, code in synced_board.by_key
                if code == g.carried_over_from and year < g.year
            )
            synced_board.by_key[(g.year, g.code)].carried_over_from = synced_board.by_key[
                (earlier, g.carried_over_from)
            ]
    BoardGoal.objects.bulk_update(
        synced_board.by_key.values(), ["carried_over_from"], batch_size=BATCH_SIZE
    )
    through = BoardGoal.responsible_units.through
    through.objects.filter(boardgoal__fiscal_year__organisation=organisation).delete()
    through.objects.bulk_create(
        through(boardgoal=synced_board.by_key[(g.year, g.code)], unit=units.by_key[code])
        for g in board_goals
        for code in g.responsible_units
    )
    return synced_perspectives, synced_council, synced_board


def sync_indicators(
    organisation: Organisation, indicators: Sequence, units: Synced, board_goals: Synced
) -> Synced:
    """The indicators (the folder's indicator fields; ``unit``, ``parent``, ``same_as`` and
    ``board_goals`` by code, the goals of every year with those codes) in this order, by
    code."""
    synced = upsert(
        Indicator.objects.filter(organisation=organisation),
        lambda i: i.code,
        _coded(
            organisation,
            indicators,
            lambda ind: {
                "name": ind.name,
                "description": ind.description,
                "unit": units.by_key.get(ind.unit),
                "measure": ind.measure,
                "decimals": ind.decimals,
                "direction": ind.direction,
                "gender_split": ind.gender_split,
                "is_part_of_parent": ind.is_part_of_parent,
                "formula": ind.formula,
                "partly_met_threshold": ind.partly_met_threshold,
                "kolada_kpi": ind.kolada_kpi,
                "in_core_volumes": ind.in_core_volumes,
                "in_personnel": ind.in_personnel,
                "accumulates": ind.accumulates,
                "parent": None,
                "same_as": None,
            },
        ),
        [
            "sort_order",
            "name",
            "description",
            "unit",
            "measure",
            "decimals",
            "direction",
            "gender_split",
            "is_part_of_parent",
            "formula",
            "partly_met_threshold",
            "kolada_kpi",
            "in_core_volumes",
            "in_personnel",
            "accumulates",
            "parent",
            "same_as",
        ],
    )
    for ind in indicators:
        obj = synced.by_key[ind.code]
        obj.parent = synced.by_key[ind.parent] if ind.parent else None
        obj.same_as = synced.by_key[ind.same_as] if ind.same_as else None
    for obj in synced.vanished:
        obj.parent = obj.same_as = None
    Indicator.objects.bulk_update(
        [*synced.by_key.values(), *synced.vanished], ["parent", "same_as"], batch_size=BATCH_SIZE
    )
    goals_by_code = defaultdict(list)
    for (_year, code), goal in board_goals.by_key.items():
        goals_by_code[code].append(goal)
    through = Indicator.board_goals.through
    through.objects.filter(indicator__organisation=organisation).delete()
    through.objects.bulk_create(
        (
            through(indicator=synced.by_key[ind.code], boardgoal=goal)
            for ind in indicators
            for code in dict.fromkeys(ind.board_goals)
            for goal in goals_by_code[code]
        ),
        batch_size=BATCH_SIZE,
    )
    return synced


def delete_vanished(objects: Sequence[Indicator | BoardGoal | CouncilGoal | Perspective]) -> dict:
    """Delete the indicators, goals or perspectives a folder no longer holds, unless other rows
    still refer to them (returned, each with what refers to it)."""
    if not all(isinstance(o, Indicator | BoardGoal | CouncilGoal | Perspective) for o in objects):
        raise TypeError("not an indicator, goal or perspective")
    return delete_unreferred(objects)


def clear_period_data(organisation: Organisation, kept_periods: Sequence[Period]) -> None:
    """Delete the organisation's targets, and its assessments and indicator values but those
    of ``kept_periods`` (a value belongs to the period that ends with its month)."""
    Assessment.objects.filter(period__fiscal_year__organisation=organisation).exclude(
        period__in=kept_periods
    ).delete()
    IndicatorTarget.objects.filter(indicator__organisation=organisation).delete()
    values = IndicatorValue.objects.filter(indicator__organisation=organisation)
    for period in kept_periods:
        values = values.exclude(year=period.year, through_month=period.end_month)
    values.delete()


def store_targets(indicators: Sequence, synced: Synced) -> None:
    """Each indicator's ``targets`` (``year``, ``text``, ``comparator``, ``value``,
    ``tolerance``)."""
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(
            indicator=synced.by_key[ind.code],
            year=t.year,
            text=t.text,
            comparator=t.comparator,
            value=t.value,
            tolerance=t.tolerance,
        )
        for ind in indicators
        for t in ind.targets
    )


def store_values(
    values: Sequence, indicators: Synced, kept_periods: Sequence[Period], *, actor
) -> None:
    """The values (``indicator`` code, ``year``, ``through_month``, ``kind``, ``gender``,
    ``value``, ``note``, ``source``) but those of ``kept_periods``."""
    kept = {(period.year, period.end_month) for period in kept_periods}
    _replace_values(
        [
            ValueRow(
                indicators.by_key[v.indicator],
                v.year,
                v.through_month,
                v.kind,
                v.gender,
                v.value,
                v.note,
                v.source,
            )
            for v in values
            if (v.year, v.through_month) not in kept
        ],
        actor,
    )


def store_assessments(
    assessments: Sequence,
    board_goals: Synced,
    periods: Synced,
    kept_periods: Sequence[Period],
    *,
    actor,
) -> None:
    """The assessments (``period`` key, ``goal`` code, ``value``, ``justification``,
    ``items`` of (kind, text)) but those of ``kept_periods``; the system's proposals are
    filled in afterwards (``fill_missing_proposals``)."""
    kept = {period.key for period in kept_periods}
    loaded = [a for a in assessments if a.period not in kept]
    rows = [
        Assessment(
            board_goal=board_goals.by_key[(int(a.period[:4]), a.goal)],
            period=periods.by_key[a.period],
            value=a.value,
            justification=a.justification,
            updated_by=person(actor),
        )
        for a in loaded
    ]
    Assessment.objects.bulk_create(rows)
    AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=row, kind=kind, text=text, sort_order=i)
        for row, a in zip(rows, loaded, strict=True)
        for i, (kind, text) in enumerate(a.items)
    )
