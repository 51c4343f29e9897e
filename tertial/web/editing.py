"""Saving what people type, never silently over someone else's newer save.

Every form carries the version it was based on (the id of the current Forecast or
Assessment row, IndicatorValue.entered_at, NarrativeSection.version). The save locks the
row it checks (the unit's submission row for forecasts and indicator values, the section
itself for texts), compares, and refuses with ``StaleVersion`` holding the newer state, so
the page can show both versions side by side.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.economy.models import Forecast
from tertial.economy.services import save_forecast
from tertial.goals.models import Assessment, BoardGoal, Indicator, IndicatorValue
from tertial.goals.services import save_assessment, set_indicator_value
from tertial.narrative.models import DecisionEvent, NarrativeSection
from tertial.organisation.models import Period, Unit
from tertial.workflow.services import lock_unit


class StaleVersion(Exception):
    """Someone saved after the form was loaded; ``current`` is what they saved."""

    def __init__(self, current):
        super().__init__(_("Någon annan har sparat en nyare version."))
        self.current = current


class PeriodLocked(Exception):
    pass


def _refuse_locked(period: Period) -> None:
    if period.is_locked:
        raise PeriodLocked(_("Perioden är låst: rapporten är godkänd."))


def version_of(obj) -> str:
    """The version token a form carries for an object (empty when there is none yet)."""
    if obj is None:
        return ""
    if isinstance(obj, IndicatorValue):
        return obj.entered_at.isoformat()
    if isinstance(obj, NarrativeSection):
        return str(obj.version)
    if isinstance(obj, DecisionEvent):
        text = f"{obj.kind}\n{obj.date}\n{obj.text}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]
    return str(obj.pk)


def update_forecast(
    unit: Unit,
    period: Period,
    *,
    base_version: str,
    net_result: Decimal,
    revenues: Decimal | None,
    costs: Decimal | None,
    comment: str,
    actor,
) -> Forecast:
    _refuse_locked(period)
    with transaction.atomic():
        lock_unit(unit, period)
        current = Forecast.objects.filter(unit=unit, period=period, is_current=True).first()
        if version_of(current) != base_version:
            raise StaleVersion(current)
        return save_forecast(
            unit,
            period,
            net_result=net_result,
            revenues=revenues,
            costs=costs,
            comment=comment,
            actor=actor,
        )


def update_assessment(
    goal: BoardGoal,
    period: Period,
    *,
    base_version: str,
    value: str,
    justification: str,
    actor,
) -> Assessment:
    _refuse_locked(period)
    with transaction.atomic():
        # Lock the goal's row: two assessments of one goal are saved one after the other.
        BoardGoal.objects.select_for_update().get(pk=goal.pk)
        current = Assessment.objects.filter(board_goal=goal, period=period, is_current=True).first()
        if version_of(current) != base_version:
            raise StaleVersion(current)
        items = list(current.items.order_by("sort_order").values("kind", "text")) if current else []
        return save_assessment(goal, period, value, justification, items, actor=actor)


def genders_of(indicator: Indicator) -> list[str]:
    genders = [IndicatorValue.Gender.TOTAL]
    if indicator.gender_split:
        genders += [IndicatorValue.Gender.WOMEN, IndicatorValue.Gender.MEN]
    return genders


def value_rows(indicator: Indicator, period: Period) -> dict[str, IndicatorValue | None]:
    """The indicator's values for the period by gender (None where there is no row)."""
    rows = {
        row.gender: row
        for row in IndicatorValue.objects.filter(
            indicator=indicator,
            year=period.year,
            through_month=period.end_month,
            kind=IndicatorValue.Kind.ACTUAL,
        )
    }
    return {gender: rows.get(gender) for gender in genders_of(indicator)}


def values_version(rows: dict[str, IndicatorValue | None]) -> str:
    return "|".join(version_of(row) for row in rows.values())


def update_indicator_value(
    indicator: Indicator,
    period: Period,
    *,
    base_version: str,
    values: dict[str, Decimal | None],
    note: str,
    actor,
) -> IndicatorValue:
    """Save the period's value (and the women's and men's for a split indicator)."""
    _refuse_locked(period)
    with transaction.atomic():
        Indicator.objects.select_for_update().get(pk=indicator.pk)
        current = value_rows(indicator, period)
        if values_version(current) != base_version:
            raise StaleVersion(current)
        saved = {
            gender: set_indicator_value(
                indicator,
                period.year,
                period.end_month,
                IndicatorValue.Kind.ACTUAL,
                gender,
                values.get(gender),
                note if gender == IndicatorValue.Gender.TOTAL else "",
                _("inmatat i tertial"),
                actor=actor,
            )
            for gender in genders_of(indicator)
        }
        return saved[IndicatorValue.Gender.TOTAL]


def update_section(
    section: NarrativeSection, *, base_version: str, title: str, body: str, actor
) -> NarrativeSection:
    _refuse_locked(section.period)
    with transaction.atomic():
        current = NarrativeSection.objects.select_for_update().get(pk=section.pk)
        if version_of(current) != base_version:
            raise StaleVersion(current)
        before = {"title": current.title, "body": current.body}
        current.title = title
        current.body = body
        current.version += 1
        current.updated_by = actor
        current.save()
        record(
            "narrative.section.saved",
            actor=actor,
            organisation=section.period.organisation,
            obj=current,
            before=before,
            after={"title": title, "body": body},
        )
    return current


def save_decision_event(
    period: Period,
    *,
    event: DecisionEvent | None,
    base_version: str,
    kind: str,
    date,
    text: str,
    actor,
) -> DecisionEvent:
    _refuse_locked(period)
    with transaction.atomic():
        if event is None:
            last = DecisionEvent.objects.filter(period=period, kind=kind).order_by("-sort_order")
            order = (last.first().sort_order + 1) if last.exists() else 0
            current = DecisionEvent.objects.create(
                period=period, kind=kind, date=date, text=text, sort_order=order
            )
            before = None
        else:
            current = DecisionEvent.objects.select_for_update().get(pk=event.pk)
            if version_of(current) != base_version:
                raise StaleVersion(current)
            before = _event_dict(current)
            current.kind, current.date, current.text = kind, date, text
            current.save()
        record(
            "narrative.decision_event.saved",
            actor=actor,
            organisation=period.organisation,
            obj=current,
            before=before,
            after=_event_dict(current),
        )
    return current


def delete_decision_event(event: DecisionEvent, *, actor) -> None:
    _refuse_locked(event.period)
    with transaction.atomic():
        record(
            "narrative.decision_event.deleted",
            actor=actor,
            organisation=event.period.organisation,
            obj=event,
            before=_event_dict(event),
        )
        event.delete()


def _event_dict(event: DecisionEvent) -> dict:
    return {
        "kind": event.kind,
        "date": event.date.isoformat() if event.date else None,
        "text": event.text,
    }
