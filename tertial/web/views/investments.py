"""The investments page: every project of the organisation with its frame and its figures at
the period. Whoever answers for a project's unit enters expenditure and income to date and
the full-year forecast while the unit is open; a controller adds projects and frames."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tertial.access.rules import Action, allowed, get_period_for, require
from tertial.audit.history import history, version_of
from tertial.core.errors import Refused
from tertial.economy import queries as economy
from tertial.economy.services import investments
from tertial.organisation.models import Period
from tertial.reports.places import headings_of, places_of
from tertial.web.forms import (
    InvestmentFrameForm,
    InvestmentOutcomeForm,
    InvestmentProjectForm,
    tkr_input,
)
from tertial.web.templatetags.tertial_web import tkr
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
    unit_open_to,
)


@member_page
def investments_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_investments(request, get_period_for(request, slug, key))


def _outcome_initial(row, form_key: str) -> dict:
    outcome = row.outcome
    initial = {"form": form_key, "base_version": version_of(outcome)}
    if outcome is not None:
        initial.update(
            {
                "expenditure_to_date": tkr_input(outcome.expenditure_to_date),
                "income_to_date": tkr_input(outcome.income_to_date),
                "forecast_expenditure": tkr_input(outcome.forecast_expenditure),
                "forecast_income": tkr_input(outcome.forecast_income),
                "comment": outcome.comment,
            }
        )
    return initial


def render_investments(
    request: HttpRequest,
    period: Period,
    *,
    bound: dict | None = None,
    project_form: InvestmentProjectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; ``bound`` holds a posted form that was not saved, by its form key."""
    bound = bound or {}
    organisation = period.organisation
    manage = allowed(request, Action.MANAGE_PERIOD, organisation) and not period.is_locked
    kept = restored(request) if request.method == "GET" else None
    slug, key = organisation.slug, period.key
    rows = []
    for row in economy.investments_of(period):
        unit = row.project.unit
        form_key = f"investment-{row.project.pk}"
        form, conflict = bound.get(form_key, (None, None))
        editable = allowed(request, Action.EDIT_UNIT, unit) and unit_open_to(
            request, unit, period, submission_of(unit, period)
        )
        if form is None and editable:
            form = InvestmentOutcomeForm(
                initial=initial_or_restored(kept, form_key, _outcome_initial(row, form_key))
            )
        frame_key = f"frame-{row.project.pk}"
        frame_form = bound.get(frame_key, (None, None))[0]
        if frame_form is None and manage:
            frame_form = InvestmentFrameForm(prefix=frame_key)
        rows.append(
            {
                "row": row,
                "form": form,
                "conflict": conflict,
                "action": reverse("investment_outcome", args=[slug, key, row.project.pk]),
                "frame_form": frame_form,
                "frame_action": reverse("investment_frame", args=[slug, key, row.project.pk]),
                "history": history(row.outcome) if row.outcome else [],
            }
        )
    place = headings_of(places_of(period)).get("table:investments", "")
    context = page_context(request, period, "investments")
    context.update(
        {
            "rows": rows,
            "place": place,
            "manage": manage,
            "project_form": project_form
            or (
                InvestmentProjectForm(organisation=organisation, prefix="project")
                if manage
                else None
            ),
            "project_action": reverse("investment_add", args=[slug, key]),
        }
    )
    return render(request, "web/investments.html", context, status=status)


def _project_for(request: HttpRequest, slug: str, key: str, pk: int):
    period = get_period_for(request, slug, key)
    project = economy.investment_of(period, pk)
    if project is None:
        raise Http404
    return period, project


@member_action("investments")
def save_outcome(request: HttpRequest, slug: str, key: str, project: int) -> HttpResponse:
    period, found = _project_for(request, slug, key, project)
    unit = found.unit
    require(request, Action.EDIT_UNIT, unit)
    if not unit_open_to(request, unit, period, submission_of(unit, period)):
        return refused(
            request,
            _("%(unit)s kan inte ändras nu: inlämningen är lämnad eller perioden låst.")
            % {"unit": unit.name},
        )
    outcome = save_form(
        request,
        InvestmentOutcomeForm,
        lambda data: investments.save_outcome(
            found,
            period,
            expenditure_to_date=data["expenditure_to_date"],
            income_to_date=data["income_to_date"],
            forecast_expenditure=data["forecast_expenditure"],
            forecast_income=data["forecast_income"],
            comment=data["comment"].strip(),
            actor=request.user,
            base_version=data["base_version"],
        ),
        saved=_("Investeringen %(name)s är sparad.") % {"name": found.name},
        conflict=lambda stale, data: conflict_with(
            stale.current,
            _figures_text(stale.current),
            _figures_text(None, data),
        ),
    )
    form_key = f"investment-{found.pk}"
    return outcome.response or render_investments(
        request, period, bound={form_key: (outcome.form, outcome.conflict)}, status=outcome.status
    )


def _figures_text(outcome, data: dict | None = None) -> str:
    """The figures as a person reads them, in tkr, to compare two versions."""
    fields = (
        ("expenditure_to_date", _("Utgifter hittills")),
        ("income_to_date", _("Inkomster hittills")),
        ("forecast_expenditure", _("Prognos utgifter")),
        ("forecast_income", _("Prognos inkomster")),
    )
    values = data if data is not None else ({} if outcome is None else outcome.__dict__)
    lines = [f"{label}: {tkr(values.get(name))} tkr" for name, label in fields]
    comment = values.get("comment", "")
    return "\n".join([*lines, comment] if comment else lines)


@member_action("investments")
def add_project(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key)
    require(request, Action.MANAGE_PERIOD, period.organisation)
    form = InvestmentProjectForm(request.POST, organisation=period.organisation, prefix="project")
    if not form.is_valid():
        return render_investments(request, period, project_form=form, status=400)
    data = form.cleaned_data
    try:
        investments.add_project(
            period.organisation,
            code=data["code"],
            name=data["name"],
            unit=data["unit"],
            actor=request.user,
        )
    except Refused as error:
        form.add_error("code", str(error))
        return render_investments(request, period, project_form=form, status=400)
    return done(request, _("Projektet %(name)s är tillagt.") % {"name": data["name"]})


@member_action("investments")
def add_frame(request: HttpRequest, slug: str, key: str, project: int) -> HttpResponse:
    period, found = _project_for(request, slug, key, project)
    require(request, Action.MANAGE_PERIOD, period.organisation)
    frame_key = f"frame-{found.pk}"
    form = InvestmentFrameForm(request.POST, prefix=frame_key)
    if not form.is_valid():
        return render_investments(request, period, bound={frame_key: (form, None)}, status=400)
    data = form.cleaned_data
    investments.add_frame(
        found,
        year=period.year,
        amount=data["amount"],
        approved_on=data["approved_on"],
        note=data["note"],
        actor=request.user,
    )
    return done(request, _("Ramen för %(name)s är sparad.") % {"name": found.name})
