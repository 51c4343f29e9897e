"""The pages of the follow-up. Thin: rights from tertial.access.rules, states from
tertial.workflow, saving through tertial.web.editing and the apps' services.

Each page handles the posts of its own forms (a hidden ``form`` field names which), so that a
post made after the session expired can be kept and shown again on the same page.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tertial.access.rules import (
    Action,
    can,
    get_goal_for,
    get_indicator_for,
    get_organisation_for,
    get_period_for,
    get_unit_for,
    require,
    restrict,
)
from tertial.core import evaluation
from tertial.core.formatting import format_tkr
from tertial.economy.models import Forecast
from tertial.economy.services import EconomyError, propose_forecast, reason_text
from tertial.goals.models import Assessment, BoardGoal, Indicator, IndicatorValue
from tertial.goals.services import goal_indicators, propose_assessments, settings_for
from tertial.narrative.models import DecisionEvent, NarrativeSection
from tertial.organisation.models import Organisation, Period
from tertial.platform import cache
from tertial.web import editing, history
from tertial.web.charts import trend_svg
from tertial.web.forms import (
    AssessmentForm,
    DeadlinesForm,
    DecisionEventForm,
    ForecastForm,
    IndicatorValueForm,
    SectionForm,
)
from tertial.web.indicators import STATUS_LABELS, indicator_rows
from tertial.web.stash import login_required_keep_post, take_stashed
from tertial.web.templatetags.tertial_web import markdown_safe
from tertial.web.templatetags.tertial_web import tkr as fast_tkr
from tertial.workflow import services as workflow
from tertial.workflow.figures import UnitFigures, comment_threshold, unit_figures
from tertial.workflow.models import ReportApproval, UnitSubmission


def page_context(
    request: HttpRequest, period: Period, nav: str, approval: ReportApproval | None = None
) -> dict:
    organisation = period.fiscal_year.organisation
    return {
        "organisation": organisation,
        "period": period,
        "nav": nav,
        "can_view": True,
        "can_import": can(request.user, Action.IMPORT, organisation),
        "approval": approval or _approval(period),
    }


def _approval(period: Period) -> ReportApproval:
    """The period's report approval: every page shows its state; kept per cache version."""
    return cache.cached_copy(
        period.fiscal_year.organisation_id,
        ("workflow.approval", period.pk),
        lambda: workflow.approval_for(period),
    )


def _submission(unit, period: Period) -> UnitSubmission:
    """The unit's submission, kept per cache version."""
    return cache.cached_copy(
        period.fiscal_year.organisation_id,
        ("workflow.submission", period.pk, unit.pk),
        lambda: workflow.submission_for(unit, period),
    )


def _done(request: HttpRequest, message: str) -> HttpResponse:
    """After a successful post: say so and show the page again with a fresh GET."""
    messages.success(request, message)
    return redirect(request.path, permanent=False)


def _stashed_for(request: HttpRequest) -> dict | None:
    stashed = take_stashed(request)
    if stashed:
        messages.warning(
            request,
            _(
                "Du blev utloggad innan det du skrev sparades. Texten är återställd nedan: "
                "kontrollera den och spara igen."
            ),
        )
    return stashed


def _initial(stashed: dict | None, form_key: str, initial: dict) -> dict:
    return stashed if _is_stashed(stashed, form_key) else initial


def _is_stashed(stashed: dict | None, form_key: str) -> bool:
    return bool(stashed and stashed.get("form") == form_key)


def _form_html(form, period: Period, key: tuple, from_data: bool) -> str:
    """The form's fields as HTML. A form filled from the data alone (not posted, not restored
    after a log-out) is the same for everyone who may edit, and rendering Django's form
    templates costs milliseconds per form: it is kept per cache version."""
    if form is None:
        return ""
    if from_data:
        return cache.cached(period.fiscal_year.organisation_id, key, form.as_div)
    return form.as_div()


# ---------------------------------------------------------------------------------------
# Start page and organisation


def home(request: HttpRequest) -> HttpResponse:
    mine = []
    if request.user.is_authenticated:
        organisations = restrict(Organisation.objects.all(), request.user, Action.VIEW)
        periods = defaultdict(list)
        for period in Period.objects.filter(
            fiscal_year__organisation__in=organisations
        ).select_related("fiscal_year"):
            periods[period.fiscal_year.organisation_id].append(period)
        mine = [(org, periods[org.pk]) for org in organisations]
    published = Organisation.objects.filter(
        fiscal_years__periods__approval__state=ReportApproval.State.PUBLISHED
    ).distinct()
    return render(request, "web/home.html", {"mine": mine, "published": published})


@login_required_keep_post
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request, slug)
    period = (
        Period.objects.filter(fiscal_year__organisation=organisation)
        .order_by("-fiscal_year__year", "-end_month")
        .first()
    )
    if period is None:
        raise Http404
    return redirect("dashboard", slug=organisation.slug, key=period.key)


# ---------------------------------------------------------------------------------------
# The period's dashboard


@login_required_keep_post
def dashboard(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key)
    approval = _approval(period)
    deadlines_form = None
    if can(request.user, Action.MANAGE_PERIOD, period):
        deadlines_form = DeadlinesForm(
            request.POST if request.method == "POST" else None,
            initial={"unit_deadline": period.deadline, "report_deadline": approval.report_deadline},
        )
    if request.method == "POST":
        require(request, Action.MANAGE_PERIOD, period)
        if deadlines_form.is_valid():
            workflow.set_deadlines(
                period,
                actor=request.user,
                unit_deadline=deadlines_form.cleaned_data["unit_deadline"],
                report_deadline=deadlines_form.cleaned_data["report_deadline"],
            )
            return _done(request, _("Sista dagarna är sparade."))

    context = page_context(request, period, "dashboard", approval)
    context.update(
        {
            "data": cache.cached(
                period.fiscal_year.organisation_id,
                ("dashboard", period.pk),
                lambda: _dashboard_data(period),
            ),
            "deadlines_form_html": _form_html(
                deadlines_form, period, ("deadlines-form", period.pk), request.method == "GET"
            ),
        }
    )
    return render(
        request, "web/dashboard.html", context, status=400 if request.method == "POST" else 200
    )


def _dashboard_data(period: Period) -> str:
    """The dashboard's figures, statuses and what is missing: the same for every viewer, so
    rendered once per cache version (tertial.platform.cache)."""
    organisation = period.fiscal_year.organisation
    approval = workflow.approval_for(period)
    statuses = workflow.unit_statuses(period)
    figures = _period_figures(period)
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
                        (fast_tkr(value),)
                        for value in (
                            unit_fig.actual,
                            unit_fig.budget,
                            unit_fig.deviation,
                            forecast.net_result if forecast else None,
                            unit_fig.full_year_budget,
                            unit_fig.forecast_deviation,
                        )
                    ),
                ),
            }
        )
        total.actual += unit_fig.actual or 0
        total.budget += unit_fig.budget or 0
        total.full_year_budget += unit_fig.full_year_budget or 0
        forecast_sum += unit_fig.forecast.net_result if unit_fig.forecast else 0

    goals = list(
        BoardGoal.objects.filter(fiscal_year=period.fiscal_year)
        .select_related("council_goal__perspective")
        .prefetch_related("responsible_units")
    )
    current = {
        a.board_goal_id: a
        for a in Assessment.objects.filter(period=period, is_current=True, board_goal__in=goals)
    }
    proposals = propose_assessments(goals, period)
    goal_rows = []
    for goal in goals:
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
    indicators_without_value = (
        Indicator.objects.filter(
            organisation=organisation,
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
    return render_to_string(
        "web/partials/dashboard_data.html",
        {
            "organisation": organisation,
            "period": period,
            "approval": approval,
            "units": units,
            "total": total,
            "forecast_sum": forecast_sum,
            "forecast_deviation": forecast_sum - total.full_year_budget,
            "goal_rows": goal_rows,
            "missing": missing,
            "indicators_without_value": indicators_without_value,
            "report_overdue": workflow.report_overdue(period, approval),
            "unit_deadline_passed": bool(statuses and any(s.overdue for s in statuses)),
        },
    )


# ---------------------------------------------------------------------------------------
# A unit's page: economy, forecast, submission, indicators


def _forecast_text(forecast: Forecast) -> str:
    text = f"{format_tkr(forecast.net_result)} tkr"
    if forecast.comment:
        text += f"\n{forecast.comment}"
    return text


@login_required_keep_post
def unit_page(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    unit = get_unit_for(request, period, pk)
    submission = _submission(unit, period)
    editable = workflow.unit_is_editable(request.user, unit, period, submission)
    bound: dict[str, object] = {}
    conflicts: dict[str, dict] = {}
    status = 200

    if request.method == "POST":
        form_key = request.POST.get("form", "")
        if form_key == "forecast":
            require(request, Action.EDIT_UNIT, unit)
            if not editable:
                return _refuse_state(request, unit)
            form = ForecastForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    editing.update_forecast(
                        unit,
                        period,
                        base_version=data["base_version"],
                        net_result=data["net_result"],
                        revenues=data["revenues"],
                        costs=data["costs"],
                        comment=data["comment"].strip(),
                        actor=request.user,
                    )
                    return _done(request, _("Prognosen är sparad."))
                except EconomyError as error:
                    form.add_error(None, str(error))
                    status = 400
                except editing.StaleVersion as stale:
                    conflicts["forecast"] = {
                        "theirs": _forecast_text(stale.current) if stale.current else "",
                        "who": stale.current.author if stale.current else None,
                        "when": stale.current.created_at if stale.current else None,
                        "mine": f"{format_tkr(data['net_result'])} tkr\n{data['comment']}",
                    }
                    form = ForecastForm(
                        initial={
                            **request.POST.dict(),
                            "base_version": editing.version_of(stale.current),
                        }
                    )
                    status = 409
            else:
                status = 400
            bound["forecast"] = form
        elif form_key in {"submit", "approve", "return"}:
            return _unit_transition(request, unit, period, form_key)
        elif form_key.startswith("indicator-"):
            indicator = get_indicator_for(
                request, period, _int(form_key[len("indicator-") :]), Action.EDIT_INDICATOR
            )
            # Only the page's own unit's indicators: its submission decides whether they
            # may still change, so another unit's page must not open them.
            if indicator.unit_id != unit.pk:
                raise Http404
            if not _indicator_editable(request, unit, period, submission):
                return _refuse_state(request, unit)
            response, status = _save_indicator_value(request, period, indicator, bound, conflicts)
            if response is not None:
                return response
        else:
            return HttpResponse(status=400)

    stashed = _stashed_for(request) if request.method == "GET" else None
    data = cache.cached(
        period.fiscal_year.organisation_id,
        ("unit", period.pk, unit.pk),
        lambda: _unit_data(period, unit),
    )
    figures = data["figures"]
    current = figures.forecast
    forecast_from_data = "forecast" not in bound and not _is_stashed(stashed, "forecast")
    forecast_form = bound.get("forecast") or ForecastForm(
        initial=_initial(
            stashed,
            "forecast",
            {
                "form": "forecast",
                "base_version": editing.version_of(current),
                "net_result": _tkr_input(current.net_result) if current else "",
                "revenues": _tkr_input(current.revenues) if current else "",
                "costs": _tkr_input(current.costs) if current else "",
                "comment": current.comment if current else "",
            },
        )
    )
    indicator_editable = _indicator_editable(request, unit, period, submission)
    indicator_items = _indicator_items(
        request,
        period,
        data["rows"],
        bound,
        conflicts,
        stashed,
        lambda indicator: indicator_editable,
        data["row_histories"],
    )
    context = page_context(request, period, "dashboard")
    context.update(
        {
            "unit": unit,
            **data,
            "forecast_form": forecast_form if editable else None,
            "forecast_form_html": _form_html(
                forecast_form if editable else None,
                period,
                ("forecast-form", period.pk, unit.pk),
                forecast_from_data,
            ),
            "forecast_conflict": conflicts.get("forecast"),
            "submission": submission,
            "overdue": workflow.is_overdue(period, submission),
            "can_submit": editable
            and can(request.user, Action.SUBMIT_UNIT, unit)
            and submission.state in {UnitSubmission.State.DRAFT, UnitSubmission.State.RETURNED},
            "can_review": can(request.user, Action.REVIEW_UNIT, unit) and not period.is_locked,
            "volumes": [i for i in indicator_items if i["row"].indicator.in_core_volumes],
            "indicators": [i for i in indicator_items if not i["row"].indicator.in_core_volumes],
        }
    )
    return render(request, "web/unit.html", context, status=status)


def _period_figures(period: Period) -> dict[int, UnitFigures]:
    """Every unit's figures, in one set of grouped queries per cache version: as cheap as
    one unit's, and kept for all the unit pages of the period."""
    return cache.cached(
        period.fiscal_year.organisation_id, ("figures", period.pk), lambda: unit_figures(period)
    )


def _unit_data(period: Period, unit) -> dict:
    """What a unit's page shows that is the same for every viewer: kept per cache version
    (tertial.platform.cache), so only read, never changed, by the views."""
    figures = _period_figures(period).get(unit.pk, UnitFigures())
    threshold = comment_threshold(period)
    # Kept by the view under the same cache version on a GET: no second query.
    submission = _submission(unit, period)
    forecasts = Forecast.objects.filter(unit=unit, period=period).select_related("author")
    # The unit's own indicators, also its row of an indicator split by unit.
    own = Indicator.objects.filter(unit=unit).select_related("parent")
    rows = indicator_rows(period, list(own.order_by("sort_order", "code")))
    return {
        "figures": figures,
        "proposals": [
            (proposal, reason_text(proposal))
            for proposal in propose_forecast(unit, period).proposals
        ],
        "forecast_history": history.kept_rows(forecasts, _forecast_text),
        "threshold": threshold,
        "comment_needed": figures.forecast_deviation is not None
        and abs(figures.forecast_deviation) > threshold,
        "missing": workflow.missing_for_submission(unit, period, figures),
        "submission_history": history.audited(submission) if submission.pk else [],
        "rows": rows,
        "row_histories": _row_histories(rows),
    }


def _row_histories(rows) -> dict[int, list]:
    """Each row's value history by indicator id, in one query for all the rows."""
    changes = history.audited_each([row.current for row in rows if row.current])
    return {row.indicator.pk: changes[row.current.pk] if row.current else [] for row in rows}


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404 from None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _tkr_input(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return _plain(amount / 1000)


GENDER_WORDS = {"T": _lazy("Totalt"), "K": _lazy("Kvinnor"), "M": _lazy("Män")}


def _values_text(values: dict) -> str:
    """Values by gender as text, rows or typed text alike ("Totalt: 4,3; Kvinnor: 5,6")."""

    def text(value) -> str:
        if isinstance(value, str):
            return value
        if value is None or value.value is None:
            return "I.U."
        return _plain(value.value)

    if list(values) == ["T"]:
        return text(values["T"])
    return "; ".join(f"{GENDER_WORDS[gender]}: {text(value)}" for gender, value in values.items())


def _indicator_editable(request, unit, period, submission) -> bool:
    """Indicator values follow the unit's submission like its forecast."""
    if period.is_locked:
        return False
    if can(request.user, Action.REVIEW_UNIT, unit):
        return True
    return submission.state in {UnitSubmission.State.DRAFT, UnitSubmission.State.RETURNED}


def _save_indicator_value(request, period, indicator, bound, conflicts):
    """Save one posted indicator value; returns (response, status): a redirect when saved,
    else None with the bound form (and any conflict) left in ``bound``/``conflicts``."""
    form_key = f"indicator-{indicator.pk}"
    form = IndicatorValueForm(request.POST, indicator=indicator)
    status = 400
    if form.is_valid():
        try:
            editing.update_indicator_value(
                indicator,
                period,
                base_version=form.cleaned_data["base_version"],
                values=form.values(),
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            message = _("Värdet för %(name)s är sparat.") % {"name": indicator.name}
            return _done(request, message), 302
        except ValidationError as error:
            form.add_error("value", error)
        except editing.StaleVersion as stale:
            latest = max(
                (row for row in stale.current.values() if row is not None),
                key=lambda row: row.entered_at,
                default=None,
            )
            conflicts[form_key] = {
                "theirs": _values_text(stale.current),
                "who": latest.entered_by if latest else None,
                "when": latest.entered_at if latest else None,
                "mine": _values_text(
                    {
                        gender: request.POST.get(field, "") or "I.U."
                        for gender, field in (("T", "value"), ("K", "women"), ("M", "men"))
                        if gender in stale.current
                    }
                ),
            }
            form = IndicatorValueForm(
                initial={
                    **request.POST.dict(),
                    "base_version": editing.values_version(stale.current),
                },
                indicator=indicator,
            )
            status = 409
    bound[form_key] = form
    return None, status


def _indicator_items(
    request, period, rows, bound, conflicts, stashed, editable, histories=None
) -> list[dict]:
    """Each row with its entry form where the user may enter a value (``editable(indicator)``
    says whether the state allows it), its conflict and its history (``histories``: by
    indicator id, when the caller has them already)."""
    if histories is None:
        histories = _row_histories(rows)
    items = []
    for row in rows:
        form_key = f"indicator-{row.indicator.pk}"
        form = bound.get(form_key)
        from_data = False
        if (
            form is None
            and not row.indicator.formula
            and editable(row.indicator)
            and can(request.user, Action.EDIT_INDICATOR, row.indicator)
        ):
            from_data = not _is_stashed(stashed, form_key)
            rows_now = row.current_by_gender
            shown = {
                gender: "" if value is None or value.value is None else _plain(value.value)
                for gender, value in rows_now.items()
            }
            form = IndicatorValueForm(
                initial=_initial(
                    stashed,
                    form_key,
                    {
                        "form": form_key,
                        "base_version": editing.values_version(rows_now),
                        "value": shown.get("T", ""),
                        "women": shown.get("K", ""),
                        "men": shown.get("M", ""),
                        "note": row.current.note if row.current else "",
                    },
                ),
                indicator=row.indicator,
            )
        items.append(
            {
                "row": row,
                "form": form,
                "form_html": _form_html(
                    form, period, ("indicator-form", period.pk, row.indicator.pk), from_data
                ),
                "form_key": form_key,
                "conflict": conflicts.get(form_key),
                "history": histories[row.indicator.pk],
                "status_label": STATUS_LABELS.get(row.status, ""),
            }
        )
    return items


def _refuse_state(request: HttpRequest, unit) -> HttpResponse:
    messages.error(
        request,
        _("%(unit)s kan inte ändras nu: inlämningen är lämnad eller perioden låst.")
        % {"unit": unit.name},
    )
    return redirect(request.path, permanent=False)


def _unit_transition(request: HttpRequest, unit, period: Period, name: str) -> HttpResponse:
    if name == "submit":
        require(request, Action.SUBMIT_UNIT, unit)
    else:
        require(request, Action.REVIEW_UNIT, unit)
    try:
        if name == "submit":
            workflow.submit_unit(unit, period, actor=request.user)
            message = _("%(unit)s är inlämnad.")
        elif name == "approve":
            workflow.approve_unit(unit, period, actor=request.user)
            message = _("%(unit)s är godkänd.")
        else:
            workflow.return_unit(
                unit, period, actor=request.user, comment=request.POST.get("comment", "")
            )
            message = _("%(unit)s är återsänd med kommentar.")
    except workflow.WorkflowError as error:
        messages.error(request, " ".join([str(error), *error.details]))
        return redirect(request.path, permanent=False)
    return _done(request, message % {"unit": unit.name})


# ---------------------------------------------------------------------------------------
# A goal's page: indicators, proposal, assessment


@login_required_keep_post
def goal_page(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    goal = get_goal_for(request, period, pk)
    editable = workflow.goal_is_editable(request.user, goal, period)
    form = None
    conflict = None
    status = 200
    bound: dict[str, object] = {}
    conflicts: dict[str, dict] = {}
    if request.method == "POST" and request.POST.get("form", "").startswith("indicator-"):
        indicator = get_indicator_for(
            request,
            period,
            _int(request.POST["form"][len("indicator-") :]),
            Action.EDIT_INDICATOR,
        )
        # Here only the administration's own indicators of this goal; a unit's indicators
        # are entered on the unit's page, where its submission decides.
        if indicator.unit_id is not None or indicator.pk not in {
            i.pk for i in goal_indicators(goal)
        }:
            raise Http404
        if period.is_locked:
            messages.error(request, _("Perioden är låst: värdet kan inte ändras."))
            return redirect(request.path, permanent=False)
        response, status = _save_indicator_value(request, period, indicator, bound, conflicts)
        if response is not None:
            return response
    elif request.method == "POST":
        require(request, Action.ASSESS_GOAL, goal)
        if request.POST.get("form") != "assessment":
            return HttpResponse(status=400)
        if not editable:
            messages.error(request, _("Perioden är låst: bedömningen kan inte ändras."))
            return redirect(request.path, permanent=False)
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                editing.update_assessment(
                    goal,
                    period,
                    base_version=form.cleaned_data["base_version"],
                    value=form.cleaned_data["value"],
                    justification=form.cleaned_data["justification"],
                    actor=request.user,
                )
                return _done(request, _("Bedömningen är sparad."))
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            except editing.StaleVersion as stale:
                conflict = {
                    "theirs": _assessment_text(stale.current) if stale.current else "",
                    "who": stale.current.author if stale.current else None,
                    "when": stale.current.created_at if stale.current else None,
                    "mine": f"{dict(Assessment.Value.choices).get(form.cleaned_data['value'])}\n"
                    f"{form.cleaned_data['justification']}",
                }
                form = AssessmentForm(
                    initial={
                        **request.POST.dict(),
                        "base_version": editing.version_of(stale.current),
                    }
                )
                status = 409
        else:
            status = 400

    stashed = _stashed_for(request) if request.method == "GET" else None
    data = cache.cached(
        period.fiscal_year.organisation_id,
        ("goal", period.pk, goal.pk),
        lambda: _goal_data(period, goal),
    )
    current = data["current"]
    assessment_from_data = form is None and not _is_stashed(stashed, "assessment")
    if form is None and editable:
        form = AssessmentForm(
            initial=_initial(
                stashed,
                "assessment",
                {
                    "form": "assessment",
                    "base_version": editing.version_of(current),
                    "value": current.value if current else "",
                    "justification": current.justification if current else "",
                },
            )
        )
    value_items = [
        item
        for item in _indicator_items(
            request,
            period,
            data["own_rows"],
            bound,
            conflicts,
            stashed,
            lambda indicator: not period.is_locked,
            data["own_histories"],
        )
        if item["form"] is not None
    ]
    context = page_context(request, period, "dashboard")
    context.update(
        {
            **data,
            "goal": goal,
            "form": form if editable else None,
            "form_html": _form_html(
                form if editable else None,
                period,
                ("assessment-form", period.pk, goal.pk),
                assessment_from_data,
            ),
            "conflict": conflict,
            "value_items": value_items,
        }
    )
    return render(request, "web/goal.html", context, status=status)


def _goal_data(period: Period, goal: BoardGoal) -> dict:
    """What a goal's page shows that is the same for every viewer, the indicator table with
    its charts rendered: kept per cache version (tertial.platform.cache), only read."""
    assessments = list(
        Assessment.objects.filter(board_goal=goal, period=period).select_related("author")
    )
    current = next((a for a in assessments if a.is_current), None)
    rows = indicator_rows(period, goal_indicators(goal))
    indicator_items = []
    for row in rows:
        target_value = row.target.value if row.target else None
        indicator_items.append(
            {
                "row": row,
                "status_label": STATUS_LABELS.get(row.status, ""),
                "chart": trend_svg(
                    row.series, target_value, _("Trend för %(name)s") % {"name": row.indicator.name}
                ),
            }
        )
    # The goals service's proposal, from the statuses the rows already hold.
    rule = settings_for(period.fiscal_year.organisation).assessment_rule
    proposed = evaluation.propose([row.status for row in rows], rule)
    own_rows = [row for row in rows if row.indicator.unit_id is None]
    data_html = render_to_string(
        "web/partials/goal_data.html",
        {
            "goal": goal,
            "indicators": indicator_items,
            "responsible": list(goal.responsible_units.all()),
        },
    )
    return {
        "data_html": data_html,
        "current": current,
        "justification_html": markdown_safe(current.justification) if current else "",
        "proposed": proposed,
        "proposed_label": STATUS_LABELS.get(proposed, ""),
        "history": history.kept_rows(assessments, _assessment_text),
        "own_rows": own_rows,
        "own_histories": _row_histories(own_rows),
    }


def _assessment_text(assessment: Assessment) -> str:
    return f"{assessment.get_value_display()}\n{assessment.justification}"


# ---------------------------------------------------------------------------------------
# Texts: narrative sections, decisions and events


@login_required_keep_post
def texts_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key)
    editable = can(request.user, Action.EDIT_TEXTS, period) and not period.is_locked
    bound: dict[str, object] = {}
    conflicts: dict[str, dict] = {}
    status = 200
    if request.method == "POST":
        require(request, Action.EDIT_TEXTS, period)
        if period.is_locked:
            messages.error(request, _("Perioden är låst: texterna kan inte ändras."))
            return redirect(request.path, permanent=False)
        form_key = request.POST.get("form", "")
        try:
            if form_key.startswith("section-"):
                section = _get_or_404(NarrativeSection, period, form_key[len("section-") :])
                form = SectionForm(request.POST)
                if form.is_valid():
                    editing.update_section(
                        section,
                        base_version=form.cleaned_data["base_version"],
                        title=form.cleaned_data["title"],
                        body=form.cleaned_data["body"],
                        actor=request.user,
                    )
                    return _done(request, _("Texten är sparad."))
            elif form_key.startswith("event-delete-"):
                event = _get_or_404(DecisionEvent, period, form_key[len("event-delete-") :])
                editing.delete_decision_event(event, actor=request.user)
                return _done(request, _("Posten är borttagen."))
            elif form_key.startswith("event-"):
                event_id = form_key[len("event-") :]
                event = None if event_id == "new" else _get_or_404(DecisionEvent, period, event_id)
                form = DecisionEventForm(request.POST)
                if form.is_valid():
                    editing.save_decision_event(
                        period,
                        event=event,
                        base_version=form.cleaned_data["base_version"],
                        kind=form.cleaned_data["kind"],
                        date=form.cleaned_data["date"],
                        text=form.cleaned_data["text"].strip(),
                        actor=request.user,
                    )
                    return _done(request, _("Posten är sparad."))
            else:
                return HttpResponse(status=400)
            status = 400
            bound[form_key] = form
        except editing.PeriodLocked as error:
            messages.error(request, str(error))
            return redirect(request.path, permanent=False)
        except editing.StaleVersion as stale:
            current = stale.current
            theirs = current.body if isinstance(current, NarrativeSection) else current.text
            conflicts[form_key] = {
                "theirs": theirs,
                "who": getattr(current, "updated_by", None),
                "when": getattr(current, "updated_at", None),
                "mine": request.POST.get("body") or request.POST.get("text", ""),
            }
            form_class = SectionForm if form_key.startswith("section-") else DecisionEventForm
            bound[form_key] = form_class(
                initial={**request.POST.dict(), "base_version": editing.version_of(current)}
            )
            status = 409

    stashed = _stashed_for(request) if request.method == "GET" else None
    sections = []
    for section in NarrativeSection.objects.filter(period=period).select_related("updated_by"):
        form_key = f"section-{section.pk}"
        form = bound.get(form_key)
        if form is None and editable:
            form = SectionForm(
                initial=_initial(
                    stashed,
                    form_key,
                    {
                        "form": form_key,
                        "base_version": editing.version_of(section),
                        "title": section.title,
                        "body": section.body,
                    },
                )
            )
        sections.append(
            {
                "section": section,
                "form": form,
                "form_key": form_key,
                "conflict": conflicts.get(form_key),
                "history": history.audited(section),
            }
        )
    events = []
    for event in DecisionEvent.objects.filter(period=period):
        form_key = f"event-{event.pk}"
        form = bound.get(form_key)
        if form is None and editable:
            form = DecisionEventForm(
                initial=_initial(
                    stashed,
                    form_key,
                    {
                        "form": form_key,
                        "base_version": editing.version_of(event),
                        "kind": event.kind,
                        "date": event.date,
                        "text": event.text,
                    },
                )
            )
        events.append(
            {
                "event": event,
                "form": form,
                "form_key": form_key,
                "conflict": conflicts.get(form_key),
                "history": history.audited(event),
            }
        )
    new_event_form = None
    if editable:
        new_event_form = bound.get("event-new") or DecisionEventForm(
            initial=_initial(stashed, "event-new", {"form": "event-new"})
        )
    context = page_context(request, period, "texts")
    context.update(
        {
            "sections": sections,
            "events": events,
            "new_event_form": new_event_form,
            "editable": editable,
        }
    )
    return render(request, "web/texts.html", context, status=status)


def _get_or_404(model, period: Period, pk: str):
    try:
        return model.objects.get(pk=int(pk), period=period)
    except (ValueError, model.DoesNotExist):
        raise Http404 from None
