"""The texts page (the report's sections, decisions and events, follow-ups of plans) and its
actions: save a section; add, save or delete a decision or event; add, save or delete the
follow-up of a plan or programme."""

from __future__ import annotations

from functools import partial

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tertial.access.rules import Action, allowed, get_period_for, require
from tertial.audit.history import history, version_of
from tertial.core.errors import Refused
from tertial.narrative import queries as texts
from tertial.narrative import services as narrative
from tertial.organisation.models import Period
from tertial.platform import cache
from tertial.reports.figures import placeholders_in, report_figures
from tertial.reports.places import headings_of, places_of
from tertial.web.forms import (
    DecisionEventForm,
    PlanForm,
    PlanWithUnitForm,
    SectionForm,
    SectionWithInstructionsForm,
)
from tertial.web.views.common import (
    conflict_with,
    done,
    initial_or_restored,
    member_action,
    member_page,
    page_context,
    refused,
    restored,
    save_form,
    submission_of,
)
from tertial.workflow import services as workflow

NEW_EVENT = "event-new"
NEW_PLAN = "plan-new"


@member_page
def texts_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_texts(request, get_period_for(request, slug, key))


def render_texts(
    request: HttpRequest, period: Period, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The texts page; ``bound`` holds a posted form that was not saved, by its form key,
    with its conflict."""
    bound = bound or {}
    editable = _edits_all(request, period)
    section_form = _section_form(request, period)
    plan_form = _plan_form(request, period)
    places = places_of(period)
    headings = headings_of(places)
    kept = restored(request) if request.method == "GET" else None
    slug, key = period.organisation.slug, period.key

    def item(obj, form_key: str, make_form, initial: dict, action: str) -> dict:
        form, conflict = bound.get(form_key, (None, None))
        if form is None and (editable or _writes(request, period, obj)):
            form = make_form(initial=initial_or_restored(kept, form_key, initial))
        return {
            "form": form,
            "form_key": form_key,
            "action": action,
            "conflict": conflict,
            "history": history(obj),
        }

    figures = cache.cached(
        period.fiscal_year.organisation_id,
        ("report-figures", period.pk),
        lambda: report_figures(period),
    )
    shown = {figure.code: figure.text for figure in figures}
    sections = [
        {
            "section": section,
            "live": [(code, shown.get(code)) for code in placeholders_in(section.body)],
            "heading": headings.get(f"text:{section.key}"),
            "placed": f"text:{section.key}" in places,
            **item(
                section,
                f"section-{section.pk}",
                section_form,
                {
                    "form": f"section-{section.pk}",
                    "base_version": version_of(section),
                    "body": section.body,
                    "instructions": section.instructions,
                    "unit": section.unit_id,
                },
                reverse("text_section", args=[slug, key, section.pk]),
            ),
        }
        for section in _in_report_order(texts.sections_of(period), places)
    ]
    events = [
        {
            "event": event,
            "delete_action": reverse("text_event_delete", args=[slug, key, event.pk]),
            **item(
                event,
                f"event-{event.pk}",
                DecisionEventForm,
                {
                    "form": f"event-{event.pk}",
                    "base_version": version_of(event),
                    "kind": event.kind,
                    "date": event.date,
                    "text": event.text,
                },
                reverse("text_event", args=[slug, key, event.pk]),
            ),
        }
        for event in texts.events_of(period)
    ]
    plans = [
        {
            "plan": plan,
            "delete_action": reverse("text_plan_delete", args=[slug, key, plan.pk]),
            **item(
                plan,
                f"plan-{plan.pk}",
                plan_form,
                {
                    "form": f"plan-{plan.pk}",
                    "base_version": version_of(plan),
                    "title": plan.title,
                    "body": plan.body,
                    "unit": plan.unit_id,
                },
                reverse("text_plan", args=[slug, key, plan.pk]),
            ),
        }
        for plan in texts.plans_of(period)
    ]

    def new_form(form_key: str, make_form):
        form, conflict = bound.get(form_key, (None, None))
        if form is None and editable:
            form = make_form(initial=initial_or_restored(kept, form_key, {"form": form_key}))
        return form

    writes_any = editable or any(i["form"] is not None for i in [*sections, *plans])
    context = page_context(request, period, "texts")
    context.update(
        {
            "sections": [s for s in sections if s["placed"]],
            "unplaced_sections": [s for s in sections if not s["placed"]],
            "places": {
                kind: headings[kind]
                for kind in ("decisions", "events", "plans")
                if kind in headings
            },
            "events": events,
            "new_event_form": new_form(NEW_EVENT, DecisionEventForm),
            "new_event_action": reverse("text_event_add", args=[slug, key]),
            "plans": plans,
            "new_plan_form": new_form(NEW_PLAN, plan_form),
            "new_plan_action": reverse("text_plan_add", args=[slug, key]),
            "editable": writes_any,
            # A unit head who writes one text inserts figures too.
            "figures": figures if writes_any else [],
        }
    )
    return render(request, "web/texts.html", context, status=status)


def _edits_all(request: HttpRequest, period: Period) -> bool:
    """Whether the person writes every text of the period (controllers, the head)."""
    return allowed(request, Action.EDIT_TEXTS, period) and not period.is_locked


def _writes(request: HttpRequest, period: Period, text) -> bool:
    """Whether the person writes this section or plan: every text, or as a head of the unit
    given to write it, while that unit's part is not handed in."""
    if _edits_all(request, period):
        return True
    unit_id = getattr(text, "unit_id", None)  # decisions and events have no writing unit
    if period.is_locked or unit_id is None or not allowed(request, Action.EDIT_TEXTS, text):
        return False
    return workflow.unit_open(period, submission_of(text.unit, period), reviewer=False)


def _section_form(request: HttpRequest, period: Period):
    """A controller also writes the instructions to the section's writer and chooses it."""
    if allowed(request, Action.MANAGE_PERIOD, period.organisation):
        return partial(SectionWithInstructionsForm, organisation=period.organisation)
    return SectionForm


def _plan_form(request: HttpRequest, period: Period):
    if allowed(request, Action.MANAGE_PERIOD, period.organisation):
        return partial(PlanWithUnitForm, organisation=period.organisation)
    return PlanForm


def _in_report_order(sections: list, places: dict) -> list:
    """The sections in the order the report reads them, those it does not place last."""
    last = len(places)
    return sorted(
        sections,
        key=lambda s: places[f"text:{s.key}"].order if f"text:{s.key}" in places else last,
    )


def _period_for_texts(request: HttpRequest, slug: str, key: str) -> Period:
    period = get_period_for(request, slug, key)
    require(request, Action.EDIT_TEXTS, period)
    return period


def _period_for_text(request: HttpRequest, slug: str, key: str, find) -> tuple[Period, object]:
    """The period and the section or plan ``find(period, )`` names, for a person who may
    write it (404 when the period has none such, 403 when it is not theirs)."""
    period = get_period_for(request, slug, key)
    found = find(period)
    if found is None:
        raise Http404
    require(request, Action.EDIT_TEXTS, found)
    return period, found


def _not_open(request: HttpRequest) -> HttpResponse:
    return refused(
        request,
        _("Verksamheten är inlämnad: texten kan ändras igen om den skickas tillbaka."),
    )


def _locked(request: HttpRequest) -> HttpResponse:
    return refused(request, _("Perioden är låst: texterna kan inte ändras."))


@member_action("texts")
def save_section(request: HttpRequest, slug: str, key: str, section: int) -> HttpResponse:
    period, found = _period_for_text(
        request, slug, key, lambda period: texts.section_of(period, section)
    )
    if period.is_locked:
        return _locked(request)
    if not _writes(request, period, found):
        return _not_open(request)
    outcome = save_form(
        request,
        _section_form(request, period),
        lambda data: narrative.save_section(
            found,
            body=data["body"],
            actor=request.user,
            base_version=data["base_version"],
            instructions=data.get("instructions"),
            unit=data["unit"] if "unit" in data else narrative.UNCHANGED,
        ),
        saved=_("Texten är sparad."),
        conflict=lambda stale, data: conflict_with(
            stale.current, stale.current.body if stale.current else "", data["body"]
        ),
    )
    form_key = f"section-{found.pk}"
    return outcome.response or render_texts(
        request, period, bound={form_key: (outcome.form, outcome.conflict)}, status=outcome.status
    )


def _save_event(request: HttpRequest, period: Period, event, form_key: str) -> HttpResponse:
    outcome = save_form(
        request,
        DecisionEventForm,
        lambda data: narrative.save_decision_event(
            period,
            event=event,
            kind=data["kind"],
            date=data["date"],
            text=data["text"].strip(),
            actor=request.user,
            base_version=data["base_version"],
        ),
        saved=_("Posten är sparad."),
        conflict=lambda stale, data: conflict_with(
            stale.current, stale.current.text if stale.current else "", data["text"]
        ),
    )
    return outcome.response or render_texts(
        request, period, bound={form_key: (outcome.form, outcome.conflict)}, status=outcome.status
    )


@member_action("texts")
def add_event(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = _period_for_texts(request, slug, key)
    if period.is_locked:
        return _locked(request)
    return _save_event(request, period, None, NEW_EVENT)


@member_action("texts")
def save_event(request: HttpRequest, slug: str, key: str, event: int) -> HttpResponse:
    period = _period_for_texts(request, slug, key)
    found = texts.event_of(period, event)
    if found is None:
        raise Http404
    if period.is_locked:
        return _locked(request)
    return _save_event(request, period, found, f"event-{found.pk}")


@member_action("texts")
def delete_event(request: HttpRequest, slug: str, key: str, event: int) -> HttpResponse:
    period = _period_for_texts(request, slug, key)
    found = texts.event_of(period, event)
    if found is None:
        raise Http404
    if period.is_locked:
        return _locked(request)
    try:
        narrative.delete_decision_event(
            found, actor=request.user, base_version=request.POST.get("base_version", "")
        )
    except Refused as error:
        return refused(request, str(error))
    return done(request, _("Posten är borttagen."))


def _save_plan(request: HttpRequest, period: Period, plan, form_key: str) -> HttpResponse:
    outcome = save_form(
        request,
        _plan_form(request, period),
        lambda data: narrative.save_plan(
            period,
            plan=plan,
            title=data["title"].strip(),
            body=data["body"],
            actor=request.user,
            base_version=data["base_version"],
            unit=data["unit"] if "unit" in data else narrative.UNCHANGED,
        ),
        saved=_("Uppföljningen är sparad."),
        conflict=lambda stale, data: conflict_with(
            stale.current, stale.current.body if stale.current else "", data["body"]
        ),
    )
    return outcome.response or render_texts(
        request, period, bound={form_key: (outcome.form, outcome.conflict)}, status=outcome.status
    )


@member_action("texts")
def add_plan(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = _period_for_texts(request, slug, key)
    if period.is_locked:
        return _locked(request)
    return _save_plan(request, period, None, NEW_PLAN)


@member_action("texts")
def save_plan(request: HttpRequest, slug: str, key: str, plan: int) -> HttpResponse:
    period, found = _period_for_text(request, slug, key, lambda period: texts.plan_of(period, plan))
    if period.is_locked:
        return _locked(request)
    if not _writes(request, period, found):
        return _not_open(request)
    return _save_plan(request, period, found, f"plan-{found.pk}")


@member_action("texts")
def delete_plan(request: HttpRequest, slug: str, key: str, plan: int) -> HttpResponse:
    period = _period_for_texts(request, slug, key)
    found = texts.plan_of(period, plan)
    if found is None:
        raise Http404
    if period.is_locked:
        return _locked(request)
    try:
        narrative.delete_plan(
            found, actor=request.user, base_version=request.POST.get("base_version", "")
        )
    except Refused as error:
        return refused(request, str(error))
    return done(request, _("Uppföljningen är borttagen."))
