"""The start page, an organisation's page and a period's dashboard with its deadlines."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tertial.access.rules import (
    Action,
    allowed,
    get_organisation_for,
    get_period_for,
    get_unit_for,
    require,
    restrict,
)
from tertial.core.errors import Refused
from tertial.economy.figures import UnitFigures, comment_threshold, unit_figures
from tertial.economy.tables import forecast_accuracy
from tertial.goals import queries as goals
from tertial.goals.models import STATUS_LABELS
from tertial.goals.statuses import propose_assessments
from tertial.organisation.models import Organisation, Period
from tertial.organisation.queries import latest_period, periods_by_organisation
from tertial.platform import cache
from tertial.web.forms import DeadlinesForm
from tertial.web.tables import table_view
from tertial.web.templatetags.tertial_web import tkr
from tertial.web.views.common import (
    approval_of,
    done,
    form_html,
    member_action,
    member_page,
    page_context,
    refused,
)
from tertial.web.views.trace import figure_urls
from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission
from tertial.workflow.queries import organisations_with_published_reports, todos_of


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what the person must do and by when, their organisations' periods,
    and the published reports anyone may read."""
    mine, todos = [], []
    if request.user.is_authenticated:
        organisations = restrict(Organisation.objects.all(), request.user, Action.VIEW)
        periods = periods_by_organisation(organisations)
        mine = [(organisation, periods[organisation.pk]) for organisation in organisations]
        todos = todos_of(request.user)
    return render(
        request,
        "web/home.html",
        {"mine": mine, "todos": todos, "published": organisations_with_published_reports()},
    )


@member_page
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request, slug)
    period = latest_period(organisation)
    if period is None:
        raise Http404
    return redirect("dashboard", slug=organisation.slug, key=period.key)


@member_page
def dashboard(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key)
    return render_dashboard(request, period)


def render_dashboard(
    request: HttpRequest, period: Period, deadlines_form: DeadlinesForm | None = None
) -> HttpResponse:
    approval = approval_of(period)
    from_data = deadlines_form is None
    if from_data and allowed(request, Action.MANAGE_PERIOD, period):
        deadlines_form = DeadlinesForm(
            initial={"unit_deadline": period.deadline, "report_deadline": approval.report_deadline}
        )
    context = page_context(request, period, "dashboard", approval)
    context.update(
        {
            "reviewable": _reviewable(request, period),
            "data": cache.cached(
                period.fiscal_year.organisation_id,
                ("dashboard", period.pk),
                lambda: _dashboard_data(period),
            ),
            "deadlines_form_html": form_html(
                deadlines_form, period, ("deadlines-form", period.pk), from_data
            ),
        }
    )
    return render(request, "web/dashboard.html", context, status=200 if from_data else 400)


@member_action("dashboard")
def set_deadlines(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key)
    require(request, Action.MANAGE_PERIOD, period)
    form = DeadlinesForm(request.POST)
    if not form.is_valid():
        return render_dashboard(request, period, form)
    workflow.set_deadlines(
        period,
        actor=request.user,
        unit_deadline=form.cleaned_data["unit_deadline"],
        report_deadline=form.cleaned_data["report_deadline"],
    )
    return done(request, _("Sista dagarna är sparade."))


def _reviewable(request: HttpRequest, period: Period) -> list:
    """The units waiting for review that this person may approve, for bulk approval."""
    # Most people who read a dashboard review nothing: no statuses are read for them.
    if period.is_locked or not allowed(request, Action.REVIEW_UNIT, period):
        return []
    return [
        status
        for status in workflow.unit_statuses(period)
        if status.submission.state in workflow.REVIEWABLE
        and allowed(request, Action.REVIEW_UNIT, status.unit)
    ]


# More boxes than this cannot come from the page: a larger post is not a person's.
MAX_BULK_UNITS = 5000


@member_action("dashboard")
def approve_units(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Approve the units ticked on the dashboard, all or none."""
    period = get_period_for(request, slug, key)
    chosen = request.POST.getlist("unit")
    if not chosen:
        return refused(request, _("Välj minst en verksamhet att godkänna."))
    if len(chosen) > MAX_BULK_UNITS or not all(pk.isdigit() and len(pk) < 12 for pk in chosen):
        return HttpResponseBadRequest(_("Ogiltigt urval av verksamheter."))
    units = [get_unit_for(request, period, int(pk), Action.REVIEW_UNIT) for pk in set(chosen)]
    units.sort(key=lambda unit: (unit.sort_order, unit.name))
    try:
        workflow.approve_units(units, period, actor=request.user)
    except Refused as error:
        return refused(request, " ".join([str(error), *error.details]))
    return done(
        request,
        ngettext(
            "%(count)d verksamhet är godkänd.", "%(count)d verksamheter är godkända.", len(units)
        )
        % {"count": len(units)},
    )


def period_figures(period: Period) -> dict[int, UnitFigures]:
    """Every unit's figures, in one set of grouped queries per cache version: as cheap as
    one unit's, and kept for all the unit pages of the period."""
    return cache.cached(
        period.fiscal_year.organisation_id, ("figures", period.pk), lambda: unit_figures(period)
    )


def _linked(value: Decimal | None, link: str) -> str:
    """An amount in tkr that opens what it is made of; "-" where there is none."""
    if value is None or not link:
        return tkr(value)
    return format_html('<a href="{}">{}</a>', link, tkr(value))


def _dashboard_data(period: Period) -> str:
    """The dashboard's figures, statuses and what is missing: the same for every viewer, so
    rendered once per cache version (tertial.platform.cache)."""
    organisation = period.fiscal_year.organisation
    approval = workflow.approval_for(period)
    statuses = workflow.unit_statuses(period)
    figures = period_figures(period)
    threshold = comment_threshold(period)
    units = []
    missing = []
    total = UnitFigures(actual=Decimal(0), budget=Decimal(0), full_year_budget=Decimal(0))
    forecast_sum = Decimal(0)
    # Translated once, not once per unit.
    no_forecast, no_comment, not_submitted = (
        _("helårsprognos"),
        _("kommentar till prognosavvikelse"),
        _("inlämning"),
    )
    state_labels = {value: str(label) for value, label in UnitSubmission.State.choices}
    for status in statuses:
        unit_fig = figures.get(status.unit.pk, UnitFigures())
        lacks = []
        if unit_fig.forecast is None:
            lacks.append(no_forecast)
        elif abs(unit_fig.forecast_deviation) > threshold and not unit_fig.forecast.comment.strip():
            lacks.append(no_comment)
        if status.submission.state in {UnitSubmission.State.DRAFT, UnitSubmission.State.RETURNED}:
            lacks.append(not_submitted)
        url = reverse("unit", args=[organisation.slug, period.key, status.unit.pk])
        links = figure_urls(period, status.unit)
        if lacks:
            missing.append(
                {"name": status.unit.name, "url": url, "lacks": lacks, "overdue": status.overdue}
            )
        # Plain values, formatted here: the table has a row per unit, hundreds in large
        # administrations, and template lookups of model attributes cost more than dict keys.
        forecast = unit_fig.forecast
        units.append(
            {
                "name": status.unit.name,
                "url": url,
                "state": status.submission.state,
                "state_label": state_labels[status.submission.state],
                "overdue": status.overdue,
                "cells": format_html_join(
                    "",
                    '<td class="num">{}</td>',
                    (
                        (_linked(value, link),)
                        for value, link in (
                            (unit_fig.actual, links["actual"]),
                            (unit_fig.budget, links["budget"]),
                            (unit_fig.deviation, ""),
                            (forecast.net_result if forecast else None, f"{url}#forecast-heading"),
                            (unit_fig.full_year_budget, links["full_year_budget"]),
                            (unit_fig.forecast_deviation, ""),
                        )
                    ),
                ),
            }
        )
        total.actual += unit_fig.actual or 0
        total.budget += unit_fig.budget or 0
        total.full_year_budget += unit_fig.full_year_budget or 0
        forecast_sum += unit_fig.forecast.net_result if unit_fig.forecast else 0

    goal_list = goals.goals_of(period)
    current = goals.assessments_of(period, goal_list)
    proposals = propose_assessments(goal_list, period)
    goal_rows = []
    for goal in goal_list:
        assessment = current.get(goal.pk)
        proposed = (assessment.proposed_value if assessment else "") or proposals[goal.pk]
        goal_rows.append((goal, assessment, STATUS_LABELS.get(proposed, "")))
        if assessment is None:
            responsible = ", ".join(u.name for u in goal.responsible_units.all())
            missing.append(
                {
                    "name": goal.name,
                    "url": reverse("goal", args=[organisation.slug, period.key, goal.pk]),
                    "lacks": [_("bedömning") + (f" ({responsible})" if responsible else "")],
                    "overdue": False,
                }
            )
    accuracy = forecast_accuracy(period)
    return render_to_string(
        "web/partials/dashboard_data.html",
        {
            "organisation": organisation,
            "period": period,
            "approval": approval,
            "units": units,
            "total": total,
            "total_urls": figure_urls(period),
            "forecast_sum": forecast_sum,
            "forecast_deviation": forecast_sum - total.full_year_budget,
            "goal_rows": goal_rows,
            "missing": missing,
            "indicators_without_value": goals.indicators_without_value(period),
            "report_overdue": workflow.report_overdue(period, approval),
            "unit_deadline_passed": bool(statuses and any(s.overdue for s in statuses)),
            "accuracy": table_view(accuracy) if accuracy.rows else None,
        },
    )
