"""Writes of the report's texts: sections, decisions and events. Each change is logged, and a
save based on an older version than the row's is refused (tertial.audit.history)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from tertial.audit.history import check_version, save_version
from tertial.audit.log import record
from tertial.core.actors import person
from tertial.core.errors import Refused
from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.organisation.models import Organisation, Period, Unit
from tertial.organisation.services import ensure_open
from tertial.platform.rows import Synced

# The writing unit left as it is (None takes it away).
UNCHANGED = object()


def _unit_code(unit_id: int | None) -> str | None:
    return (
        Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first() if unit_id else None
    )


def _section_state(section: NarrativeSection) -> dict:
    return {
        "title": section.title,
        "body": section.body,
        "instructions": section.instructions,
        "unit": _unit_code(section.unit_id),
    }


def _writer(period: Period, unit) -> Unit | None:
    if unit is not None and unit.organisation_id != period.organisation.pk:
        raise Refused(_("Verksamheten hör till en annan förvaltning än perioden."))
    return unit


def save_section(
    section: NarrativeSection,
    *,
    body: str,
    actor,
    base_version: str | None = None,
    instructions: str | None = None,
    unit=UNCHANGED,
) -> NarrativeSection:
    """Save a text section's body, and its instructions to the writer unless
    ``instructions`` is None, and the unit whose heads write it unless ``unit`` is
    UNCHANGED. Its key and title come from the organisation folder: the report heads it as
    its definition says."""
    ensure_open(section.period)
    with transaction.atomic():
        current = NarrativeSection.objects.select_for_update().get(pk=section.pk)
        check_version(current, base_version)
        before = _section_state(current)
        current.body = body
        if instructions is not None:
            current.instructions = instructions
        if unit is not UNCHANGED:
            current.unit = _writer(section.period, unit)
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


def _plan_state(plan: PlanFollowUp) -> dict:
    return {"title": plan.title, "body": plan.body, "unit": _unit_code(plan.unit_id)}


def save_plan(
    period: Period,
    *,
    plan: PlanFollowUp | None,
    title: str,
    body: str,
    actor,
    base_version: str | None = None,
    unit=UNCHANGED,
) -> PlanFollowUp:
    """Add the follow-up of a plan or programme to the period (``plan`` None, placed last) or
    change one; ``unit``: the unit whose heads write it, unless UNCHANGED."""
    ensure_open(period)
    with transaction.atomic():
        if plan is None:
            last = PlanFollowUp.objects.filter(period=period).order_by("-sort_order").first()
            current = PlanFollowUp(period=period, sort_order=last.sort_order + 1 if last else 0)
            before = None
        else:
            current = PlanFollowUp.objects.select_for_update().get(pk=plan.pk)
            check_version(current, base_version)
            before = _plan_state(current)
        current.title, current.body = title, body
        if unit is not UNCHANGED:
            current.unit = _writer(period, unit)
        save_version(
            current,
            actor=actor,
            action="narrative.plan.saved",
            organisation=period.organisation,
            before=before,
            after=_plan_state(current),
        )
    return current


def delete_plan(plan: PlanFollowUp, *, actor, base_version: str | None = None) -> None:
    ensure_open(plan.period)
    with transaction.atomic():
        current = PlanFollowUp.objects.select_for_update().get(pk=plan.pk)
        check_version(current, base_version)
        record(
            "narrative.plan.deleted",
            actor=actor,
            organisation=plan.period.organisation,
            obj=current,
            before=_plan_state(current),
        )
        current.delete()


def start_texts(period: Period, source: Period, *, actor) -> dict[str, int]:
    """Give a new period the texts to write that ``source`` had: its sections (key, title
    and instructions, without the text) and the plans and programmes it followed up (their
    titles, without the follow-up). Decisions and events belong to their period alone."""
    ensure_open(period)
    sections = NarrativeSection.objects.bulk_create(
        NarrativeSection(
            period=period,
            key=section.key,
            title=section.title,
            instructions=section.instructions,
            unit_id=section.unit_id,
            sort_order=section.sort_order,
            updated_by=person(actor),
        )
        for section in NarrativeSection.objects.filter(period=source).order_by("sort_order")
    )
    plans = PlanFollowUp.objects.bulk_create(
        PlanFollowUp(
            period=period,
            title=plan.title,
            body="",
            unit_id=plan.unit_id,
            sort_order=plan.sort_order,
        )
        for plan in PlanFollowUp.objects.filter(period=source).order_by("sort_order")
    )
    counts = {"sections": len(sections), "plans": len(plans)}
    record(
        "narrative.texts.started",
        actor=actor,
        organisation=period.organisation,
        obj=period,
        after={"from": source.key, **counts},
    )
    return counts


# ---- Replacing what an organisation folder defines ------------------------------------------


def clear_texts(organisation: Organisation, kept_periods: Sequence[Period]) -> None:
    """Delete the organisation's sections, decisions and events and plan follow-ups but those
    of ``kept_periods``."""
    for model in (NarrativeSection, DecisionEvent, PlanFollowUp):
        model.objects.filter(period__fiscal_year__organisation=organisation).exclude(
            period__in=kept_periods
        ).delete()


def _numbered(items: Sequence, kept: set[str], group):
    """The items of the periods not kept, each with its place in its group."""
    order: dict = defaultdict(int)
    for item in items:
        if item.period not in kept:
            yield item, order[group(item)]
            order[group(item)] += 1


def store_texts(
    periods: Synced,
    kept_periods: Sequence[Period],
    *,
    units: Synced,
    sections: Sequence,
    decisions_events: Sequence,
    plans: Sequence,
    actor,
) -> None:
    """The sections (``period`` key, ``key``, ``title``, ``body``, ``instructions``,
    ``unit`` code or ""), decisions and events (``period``, ``kind``, ``text``, ``date``) and
    plan follow-ups (``period``, ``title``, ``body``, ``unit``) but those of
    ``kept_periods``, each numbered in its period (and kind)."""
    kept = {period.key for period in kept_periods}
    NarrativeSection.objects.bulk_create(
        NarrativeSection(
            period=periods.by_key[s.period],
            key=s.key,
            title=s.title,
            body=s.body,
            instructions=s.instructions,
            unit=units.by_key.get(s.unit) if s.unit else None,
            sort_order=i,
            updated_by=person(actor),
        )
        for s, i in _numbered(sections, kept, lambda s: s.period)
    )
    DecisionEvent.objects.bulk_create(
        DecisionEvent(
            period=periods.by_key[e.period], kind=e.kind, text=e.text, date=e.date, sort_order=i
        )
        for e, i in _numbered(decisions_events, kept, lambda e: (e.period, e.kind))
    )
    PlanFollowUp.objects.bulk_create(
        PlanFollowUp(
            period=periods.by_key[p.period],
            title=p.title,
            body=p.body,
            unit=units.by_key.get(p.unit) if p.unit else None,
            sort_order=i,
        )
        for p, i in _numbered(plans, kept, lambda p: p.period)
    )
