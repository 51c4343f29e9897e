"""What the pages read of the report's texts."""

from __future__ import annotations

from tertial.narrative.models import DecisionEvent, NarrativeSection
from tertial.organisation.models import Period


def sections_of(period: Period) -> list[NarrativeSection]:
    return list(NarrativeSection.objects.filter(period=period).select_related("updated_by"))


def section_of(period: Period, pk: int) -> NarrativeSection | None:
    return NarrativeSection.objects.filter(period=period, pk=pk).first()


def events_of(period: Period) -> list[DecisionEvent]:
    return list(DecisionEvent.objects.filter(period=period))


def event_of(period: Period, pk: int) -> DecisionEvent | None:
    return DecisionEvent.objects.filter(period=period, pk=pk).first()
