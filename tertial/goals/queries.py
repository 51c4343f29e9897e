"""What the pages read of goals and indicators, beside the report's tables (tables.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet

from tertial.goals.models import (
    Assessment,
    AssessmentItem,
    BoardGoal,
    Indicator,
    IndicatorValue,
    KoladaKpi,
)
from tertial.goals.services import FORMULA_SOURCE
from tertial.organisation.models import Organisation, Period, Unit


def goals_of(period: Period) -> list[BoardGoal]:
    """The board goals of the period's year, with their council goals, perspectives and
    responsible units, in print order."""
    return list(
        BoardGoal.objects.filter(fiscal_year=period.fiscal_year)
        .select_related("council_goal__perspective", "fiscal_year__organisation")
        .prefetch_related("responsible_units")
        .order_by("council_goal__perspective__sort_order", "council_goal__sort_order", "sort_order")
    )


def assessments_of(period: Period, goals: list[BoardGoal] | None = None) -> dict[int, Assessment]:
    """The period's assessment of each goal (of ``goals``, or of all), by goal id."""
    assessments = Assessment.objects.filter(period=period).select_related("updated_by")
    if goals is not None:
        assessments = assessments.filter(board_goal__in=goals)
    return {assessment.board_goal_id: assessment for assessment in assessments}


def assessment_of(goal: BoardGoal, period: Period) -> Assessment | None:
    return (
        Assessment.objects.filter(board_goal=goal, period=period)
        .select_related("updated_by")
        .first()
    )


def indicators_without_value(period: Period) -> QuerySet:
    """The period's indicators that are entered by hand (not computed, not a group row) and
    still have no total value for the period."""
    return (
        Indicator.objects.filter(
            organisation_id=period.fiscal_year.organisation_id,
            board_goals__fiscal_year=period.fiscal_year,
            children__isnull=True,
            formula="",
        )
        .exclude(
            pk__in=IndicatorValue.objects.filter(
                year=period.year,
                through_month=period.end_month,
                kind=IndicatorValue.Kind.ACTUAL,
                gender=IndicatorValue.Gender.TOTAL,
            ).values("indicator_id")
        )
        .select_related("unit")
        .distinct()
    )


def indicators_of_unit(unit: Unit) -> list[Indicator]:
    """The unit's own indicators (its row of an indicator split by unit too), in print order."""
    return list(
        Indicator.objects.filter(unit=unit).select_related("parent").order_by("sort_order", "code")
    )


def assessments_with_items(periods: Sequence[Period]) -> list[Assessment]:
    """The assessments of ``periods`` with their goals and their items in order."""
    return list(
        Assessment.objects.filter(period__in=periods)
        .select_related("board_goal")
        .prefetch_related(Prefetch("items", AssessmentItem.objects.order_by("sort_order", "pk")))
    )


def entered_values(organisation: Organisation, periods: Sequence[Period]) -> list[IndicatorValue]:
    """The organisation's indicator values measured up to the end of one of ``periods``
    (of any kind and gender) but the computed ones, with their indicators."""
    ends = {(period.year, period.end_month) for period in periods}
    rows = (
        IndicatorValue.objects.filter(
            indicator__organisation=organisation, year__in={year for year, _ in ends}
        )
        .exclude(source=FORMULA_SOURCE)
        .select_related("indicator")
    )
    return [row for row in rows if (row.year, row.through_month) in ends]


def goals_of_indicator(indicator: Indicator, period: Period) -> list[BoardGoal]:
    """The board goals of the period's year that ``indicator`` follows up."""
    return list(
        indicator.board_goals.filter(fiscal_year=period.fiscal_year).select_related(
            "council_goal__perspective"
        )
    )


def kolada_kpi_of(indicator: Indicator) -> KoladaKpi | None:
    """The Kolada KPI the indicator is mapped to, as Kolada describes it (once imported)."""
    if not indicator.kolada_kpi:
        return None
    return KoladaKpi.objects.filter(id=indicator.kolada_kpi).first()
