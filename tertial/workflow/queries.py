"""What the pages read of the follow-up's states: the calendar with its deadlines, the
published reports, each person's work to do."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tertial.access.rules import Action, answers_for, can, restrict
from tertial.narrative.queries import texts_to_write
from tertial.organisation.models import Organisation, Period
from tertial.workflow.models import ReportApproval


def published_periods(organisation: Organisation) -> QuerySet:
    """The organisation's periods with a published edition, newest first; a period opened
    again after publishing keeps its published edition until another is published."""
    return (
        Period.objects.filter(
            fiscal_year__organisation=organisation,
            approval__published_edition__isnull=False,
        )
        .select_related("fiscal_year", "approval")
        .order_by("-fiscal_year__year", "-end_month")
    )


@dataclass(frozen=True)
class CalendarRow:
    period: Period
    report_deadline: datetime.date | None
    report_state: str


def calendar_of(organisation: Organisation) -> list[tuple[int, list[CalendarRow]]]:
    """The organisation's fiscal years, newest first, each with its periods in order and
    their deadlines and report states."""
    periods = (
        Period.objects.filter(fiscal_year__organisation=organisation)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year", "end_month")
    )
    approvals = {a.period_id: a for a in ReportApproval.objects.filter(period__in=periods)}
    years: dict[int, list[CalendarRow]] = {}
    for period in periods:
        approval = approvals.get(period.pk)
        years.setdefault(period.year, []).append(
            CalendarRow(
                period,
                approval.report_deadline if approval else None,
                approval.get_state_display() if approval else ReportApproval.State.DRAFT.label,
            )
        )
    return list(years.items())


def organisations_with_published_reports() -> QuerySet:
    return Organisation.objects.filter(
        fiscal_years__periods__approval__published_edition__isnull=False
    ).distinct()


@dataclass(frozen=True)
class Todo:
    """Something a person must do, where, and by when."""

    what: str
    url: str
    deadline: datetime.date | None
    overdue: bool
    period: Period


def todos_of(user, today: datetime.date | None = None) -> list[Todo]:
    """What ``user`` must do in the open periods of their organisations, soonest first: units
    to fill in and hand in (returned ones first), units to review, goals to assess, reports to
    approve or publish."""
    from tertial.goals.models import Assessment, BoardGoal
    from tertial.workflow.services import approval_for, unit_statuses, units_not_approved

    today = today or timezone.localdate()
    organisations = restrict(Organisation.objects.all(), user, Action.VIEW)
    periods = (
        Period.objects.filter(fiscal_year__organisation__in=organisations)
        .exclude(status__in=[Period.Status.APPROVED, Period.Status.LOCKED])
        .select_related("fiscal_year__organisation")
    )
    todos: list[Todo] = []
    for period in periods:
        slug, key = period.organisation.slug, period.key
        for status in unit_statuses(period, today):
            unit, state = status.unit, status.submission.state
            url = reverse("unit", args=[slug, key, unit.pk])
            if state in {"draft", "returned"} and answers_for(user, unit):
                what = (
                    _("%(unit)s är återsänd: rätta och lämna in")
                    if state == "returned"
                    else _("Fyll i och lämna in %(unit)s")
                ) % {"unit": unit.name}
                todos.append(Todo(what, url, period.deadline, status.overdue, period))
                sections, plans = texts_to_write(period, [unit.pk])
                texts_url = reverse("texts", args=[slug, key])
                for anchor, text in [
                    *((f"#sec-{s.pk}", s) for s in sections),
                    *((f"#plan-{p.pk}", p) for p in plans),
                ]:
                    if not text.body.strip():
                        what = _("Skriv texten %(title)s") % {"title": text}
                        todos.append(
                            Todo(what, texts_url + anchor, period.deadline, status.overdue, period)
                        )
            elif state in {"submitted", "changed"} and can(user, Action.REVIEW_UNIT, unit):
                what = (
                    _("Granska %(unit)s igen: ändrad efter godkännandet")
                    if state == "changed"
                    else _("Granska %(unit)s")
                ) % {"unit": unit.name}
                todos.append(Todo(what, url, None, False, period))
        goals = BoardGoal.objects.filter(fiscal_year=period.fiscal_year).exclude(
            pk__in=Assessment.objects.filter(period=period).values("board_goal_id")
        )
        for goal in goals:
            if answers_for(user, goal):
                url = reverse("goal", args=[slug, key, goal.pk])
                what = _("Bedöm målet %(goal)s") % {"goal": goal.name}
                todos.append(Todo(what, url, period.deadline, False, period))
        approval = approval_for(period)
        if can(user, Action.APPROVE_REPORT, period) and approval.state == "draft":
            if not units_not_approved(period):
                url = reverse("report", args=[slug, key])
                deadline = approval.report_deadline
                overdue = bool(deadline and today > deadline)
                todos.append(Todo(_("Godkänn rapporten"), url, deadline, overdue, period))
    return sorted(todos, key=lambda t: (not t.overdue, t.deadline or datetime.date.max, t.what))
