"""Statuses of indicator values against their targets, and the system's proposal for each
board goal from them (the rules are tertial.core.evaluation's; docs/goals-and-indicators.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from tertial.core import evaluation
from tertial.goals.models import BoardGoal, Indicator, IndicatorTarget, IndicatorValue
from tertial.organisation.models import Organisation, Period

ACTUAL = IndicatorValue.Kind.ACTUAL
TOTAL = IndicatorValue.Gender.TOTAL


def settings_for(organisation: Organisation) -> evaluation.GoalSettings:
    return evaluation.goal_settings(organisation.settings)


def target_of(target: IndicatorTarget | None) -> evaluation.Target | None:
    if target is None:
        return None
    return evaluation.Target.from_parts(
        target.text, target.comparator, target.value, target.tolerance
    )


def value_status(
    indicator: Indicator,
    value: Decimal | None,
    target: IndicatorTarget | None,
    settings: evaluation.GoalSettings,
    *,
    through_month: int = 12,
) -> str | None:
    """The status of one value of ``indicator`` (measured up to ``through_month``) against
    its full-year target; None when it has no target."""
    judged_by = target_of(target)
    if judged_by is not None and indicator.accumulates:
        judged_by = evaluation.pro_rated(judged_by, through_month)
    return evaluation.status(
        value,
        judged_by,
        threshold=indicator.partly_met_threshold or settings.partly_met_threshold,
        zero_result_tolerance=settings.zero_result_tolerance,
    )


# ---- Statuses and the proposal of a board goal -------------------------------------------


@dataclass
class IndicatorStatus:
    indicator: Indicator
    value: Decimal | None
    target: IndicatorTarget | None
    status: str | None  # None: no target, not judged


def _ordered(linked: list[Indicator], children: dict[int, list[Indicator]]) -> list[Indicator]:
    """Linked indicators in print order, each split indicator followed by its parts."""
    linked_ids = {i.pk for i in linked}
    ordered: list[Indicator] = []
    seen: set[int] = set()

    def add(indicator: Indicator) -> None:
        if indicator.pk in seen:
            return
        seen.add(indicator.pk)
        ordered.append(indicator)
        for child in children.get(indicator.pk, []):
            add(child)

    for indicator in linked:
        if indicator.parent_id not in linked_ids:
            add(indicator)
    return ordered


def goals_indicators(goals: list[BoardGoal]) -> dict[int, list[Indicator]]:
    """Each goal's indicators in print order, read in two queries for all the goals."""
    if not goals:
        return {}
    organisation_id = goals[0].fiscal_year.organisation_id
    indicators = list(
        Indicator.objects.filter(organisation_id=organisation_id).order_by("sort_order", "code")
    )
    children: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.parent_id:
            children[indicator.parent_id].append(indicator)
    links: dict[int, set[int]] = defaultdict(set)
    through = Indicator.board_goals.through.objects.filter(boardgoal_id__in=[g.pk for g in goals])
    for goal_id, indicator_id in through.values_list("boardgoal_id", "indicator_id"):
        links[goal_id].add(indicator_id)
    return {
        goal.pk: _ordered([i for i in indicators if i.pk in links[goal.pk]], children)
        for goal in goals
    }


def goal_indicators(goal: BoardGoal) -> list[Indicator]:
    """The goal's indicators in print order, each split indicator followed by its parts."""
    return goals_indicators([goal]).get(goal.pk, [])


def goals_statuses(goals: list[BoardGoal], period: Period) -> dict[int, list[IndicatorStatus]]:
    """For each goal, its indicators with their values for the period, targets and statuses."""
    by_goal = goals_indicators(goals)
    ids = {i.pk for indicators in by_goal.values() for i in indicators}
    values = {
        v.indicator_id: v.value
        for v in IndicatorValue.objects.filter(
            indicator_id__in=ids,
            year=period.year,
            through_month=period.end_month,
            kind=ACTUAL,
            gender=TOTAL,
        )
    }
    targets = {
        t.indicator_id: t
        for t in IndicatorTarget.objects.filter(indicator_id__in=ids, year=period.year)
    }
    settings = settings_for(period.organisation)
    result: dict[int, list[IndicatorStatus]] = {}
    for goal_id, indicators in by_goal.items():
        result[goal_id] = [
            IndicatorStatus(
                i,
                values.get(i.pk),
                targets.get(i.pk),
                value_status(
                    i,
                    values.get(i.pk),
                    targets.get(i.pk),
                    settings,
                    through_month=period.end_month,
                ),
            )
            for i in indicators
        ]
    return result


def proposal_of(statuses: list[IndicatorStatus], settings: evaluation.GoalSettings) -> str:
    """The system's proposal from a goal's indicator statuses (see tertial.core.evaluation)."""
    return evaluation.propose([s.status for s in statuses], settings.assessment_rule)


def propose_assessments(goals: list[BoardGoal], period: Period) -> dict[int, str]:
    """The system's proposal for each goal, read at once."""
    settings = settings_for(period.organisation)
    return {
        goal_id: proposal_of(statuses, settings)
        for goal_id, statuses in goals_statuses(goals, period).items()
    }
