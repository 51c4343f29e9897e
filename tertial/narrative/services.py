"""Writes of the report's texts: sections, decisions and events. Each change is logged, and a
save based on an older version than the row's is refused (tertial.audit.history)."""

from __future__ import annotations

import datetime

from django.db import transaction

from tertial.audit.history import check_version, save_version
from tertial.audit.log import record
from tertial.narrative.models import DecisionEvent, NarrativeSection
from tertial.organisation.models import Period
from tertial.organisation.services import ensure_open


def _section_state(section: NarrativeSection) -> dict:
    return {"title": section.title, "body": section.body}


def save_section(
    section: NarrativeSection, *, title: str, body: str, actor, base_version: str | None = None
) -> NarrativeSection:
    """Save a text section's title and body."""
    ensure_open(section.period)
    with transaction.atomic():
        current = NarrativeSection.objects.select_for_update().get(pk=section.pk)
        check_version(current, base_version)
        before = _section_state(current)
        current.title, current.body = title, body
        save_version(
            current,
            actor=actor,
            action="narrative.section.saved",
            organisation=section.period.organisation,
            before=before,
            after=_section_state(current),
        )
    return current


def _event_state(event: DecisionEvent) -> dict:
    return {
        "kind": event.kind,
        "date": event.date.isoformat() if event.date else None,
        "text": event.text,
    }


def save_decision_event(
    period: Period,
    *,
    event: DecisionEvent | None,
    kind: str,
    date: datetime.date | None,
    text: str,
    actor,
    base_version: str | None = None,
) -> DecisionEvent:
    """Add a decision or event to the period (``event`` None) or change one, placed after
    the others of its kind."""
    ensure_open(period)
    with transaction.atomic():
        if event is None:
            last = DecisionEvent.objects.filter(period=period, kind=kind).order_by("-sort_order")
            order = (last.first().sort_order + 1) if last.exists() else 0
            current = DecisionEvent(period=period, sort_order=order)
            before = None
        else:
            current = DecisionEvent.objects.select_for_update().get(pk=event.pk)
            check_version(current, base_version)
            before = _event_state(current)
        current.kind, current.date, current.text = kind, date, text
        save_version(
            current,
            actor=actor,
            action="narrative.decision_event.saved",
            organisation=period.organisation,
            before=before,
            after=_event_state(current),
        )
    return current


def delete_decision_event(event: DecisionEvent, *, actor, base_version: str | None = None) -> None:
    ensure_open(event.period)
    with transaction.atomic():
        current = DecisionEvent.objects.select_for_update().get(pk=event.pk)
        check_version(current, base_version)
        record(
            "narrative.decision_event.deleted",
            actor=actor,
            organisation=event.period.organisation,
            obj=current,
            before=_event_state(current),
        )
        current.delete()
