"""What the pages read of the report's texts."""

from __future__ import annotations

from collections.abc import Sequence

from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.organisation.models import Period


def sections_of(period: Period) -> list[NarrativeSection]:
    return list(NarrativeSection.objects.filter(period=period).select_related("updated_by", "unit"))


def section_of(period: Period, pk: int) -> NarrativeSection | None:
    return NarrativeSection.objects.filter(period=period, pk=pk).first()


def events_of(period: Period) -> list[DecisionEvent]:
    return list(DecisionEvent.objects.filter(period=period))


def event_of(period: Period, pk: int) -> DecisionEvent | None:
    return DecisionEvent.objects.filter(period=period, pk=pk).first()


def plans_of(period: Period) -> list[PlanFollowUp]:
    return list(
        PlanFollowUp.objects.filter(period=period)
        .select_related("unit")
        .order_by("sort_order", "pk")
    )


def texts_to_write(period: Period, unit_ids) -> tuple[list, list]:
    """The sections and plan follow-ups of ``period`` that the units ``unit_ids`` write."""
    return (
        list(
            NarrativeSection.objects.filter(period=period, unit__in=unit_ids).select_related("unit")
        ),
        list(PlanFollowUp.objects.filter(period=period, unit__in=unit_ids).select_related("unit")),
    )


def plan_of(period: Period, pk: int) -> PlanFollowUp | None:
    return PlanFollowUp.objects.filter(period=period, pk=pk).first()


def texts_of(periods: Sequence[Period]) -> tuple[list, list, list]:
    """The sections, decisions and events, and plan follow-ups of ``periods``, each in the
    order of its period."""
    return tuple(
        list(model.objects.filter(period__in=periods).order_by("sort_order", "pk"))
        for model in (NarrativeSection, DecisionEvent, PlanFollowUp)
    )
