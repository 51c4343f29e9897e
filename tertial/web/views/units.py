"""A unit's page (economy, forecast, submission, indicators) and its actions: save the
forecast, submit, approve, return, save an indicator value."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.rules import (
    Action,
    allowed,
    get_indicator_for,
    get_period_for,
    get_unit_for,
)
from tertial.audit.history import history, version_of
from tertial.core.formatting import format_tkr
from tertial.economy import queries as economy
from tertial.economy.figures import UnitFigures, comment_threshold
from tertial.economy.forecasts import propose_forecast, reason_text
from tertial.economy.models import Forecast
from tertial.economy.services import save_forecast, save_forecast_by_class
from tertial.goals import queries as goals
from tertial.goals.rows import indicator_rows
from tertial.narrative import queries as texts
from tertial.organisation.models import Period, Unit
from tertial.platform import cache
from tertial.web.charts import unit_months_chart
from tertial.web.forms import ForecastForm, TkrField, VersionedForm, tkr_input
from tertial.web.views.common import (
    conflict_with,
    form_html,
    initial_or_restored,
    is_restored,
    member_action,
    member_page,
    page_context,
    refused,
    restored,
    save_form,
    submission_of,
    transition,
    unit_open_to,
)
from tertial.web.views.dashboard import period_figures
from tertial.web.views.trace import figure_urls
from tertial.web.views.values import indicator_items, row_histories, save_value
from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission

FORECAST = "forecast"
BY_CLASS = "forecast-by-class"


class ForecastByClassForm(VersionedForm):
    """The full-year forecast per account class: a field per class, revenues and costs both
    positive; the unit's forecast becomes their sum."""

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        for row in classes:
            self.fields[f"class_{row.account_class.pk}"] = TkrField(
                label=_("%(name)s (tkr)") % {"name": row.account_class.name},
                required=False,
                help_text=_("Budget helår: %(budget)s tkr") % {"budget": tkr_input(row.budget)}
                if row.budget is not None
                else _("Ingen budget för året."),
            )


FORECAST_BY_CLASS_NOTE = gettext_lazy(
    "Valfritt. Intäkter och kostnader som positiva belopp; verksamhetens prognos blir "
    "summan: intäkter minus kostnader. Töm alla fält för att ta bort fördelningen."
)


def forecast_text(state: dict | None) -> str:
    """A forecast as a conflict shows it."""
    if not state:
        return ""
    text = f"{format_tkr(Decimal(state['net_result']))} tkr"
    if state.get("comment"):
        text += f"\n{state['comment']}"
    return text


def _state(forecast: Forecast | None) -> dict | None:
    if forecast is None:
        return None
    return {"net_result": str(forecast.net_result), "comment": forecast.comment}


@member_page
def unit_page(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    return render_unit(request, period, get_unit_for(request, period, pk))


def render_unit(
    request: HttpRequest,
    period: Period,
    unit: Unit,
    *,
    forecast: tuple | None = None,
    by_class: tuple | None = None,
    values: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The unit's page; ``forecast`` and ``by_class`` (form, conflict) and ``values`` (by
    indicator id) are posted forms that were not saved, shown again."""
    submission = submission_of(unit, period)
    open_now = unit_open_to(request, unit, period, submission)
    editable = open_now and allowed(request, Action.EDIT_UNIT, unit)
    kept = restored(request) if request.method == "GET" else None
    data = cache.cached(
        period.fiscal_year.organisation_id,
        ("unit", period.pk, unit.pk),
        lambda: _unit_data(period, unit),
    )
    current = data["figures"].forecast
    forecast_form, forecast_conflict = forecast or (None, None)
    from_data = forecast_form is None and not is_restored(kept, FORECAST)
    if forecast_form is None and editable:
        forecast_form = ForecastForm(
            initial=initial_or_restored(
                kept,
                FORECAST,
                {
                    "form": FORECAST,
                    "base_version": version_of(current),
                    "net_result": tkr_input(current.net_result) if current else "",
                    "revenues": tkr_input(current.revenues) if current else "",
                    "costs": tkr_input(current.costs) if current else "",
                    "comment": current.comment if current else "",
                },
            )
        )
    class_form, class_conflict = by_class or (None, None)
    if class_form is None and editable:
        class_form = ForecastByClassForm(
            classes=data["class_rows"],
            initial=initial_or_restored(
                kept,
                BY_CLASS,
                {
                    "form": BY_CLASS,
                    "base_version": version_of(current),
                    **{
                        f"class_{row.account_class.pk}": tkr_input(row.forecast)
                        for row in data["class_rows"]
                        if row.forecast is not None
                    },
                },
            ),
        )
    items = indicator_items(
        request,
        period,
        data["rows"],
        data["row_histories"],
        open_now=open_now,
        action_url=lambda indicator: reverse(
            "unit_value", args=[period.organisation.slug, period.key, unit.pk, indicator.pk]
        ),
        kept=kept,
        bound=values,
    )
    context = page_context(request, period, "dashboard")
    context.update(
        {
            "unit": unit,
            **data,
            "forecast_form": forecast_form if editable else None,
            "forecast_form_html": form_html(
                forecast_form if editable else None,
                period,
                ("forecast-form", period.pk, unit.pk),
                from_data,
            ),
            "forecast_conflict": forecast_conflict,
            "class_form": class_form if editable else None,
            "class_conflict": class_conflict,
            "class_note": FORECAST_BY_CLASS_NOTE,
            "submission": submission,
            "overdue": workflow.is_overdue(period, submission),
            "can_submit": editable
            and allowed(request, Action.SUBMIT_UNIT, unit)
            and submission.state in {UnitSubmission.State.DRAFT, UnitSubmission.State.RETURNED},
            "can_review": allowed(request, Action.REVIEW_UNIT, unit) and not period.is_locked,
            "volumes": [i for i in items if i["row"].indicator.in_core_volumes],
            "indicators": [i for i in items if not i["row"].indicator.in_core_volumes],
        }
    )
    return render(request, "web/unit.html", context, status=status)


def _unit_data(period: Period, unit: Unit) -> dict:
    """What a unit's page shows that is the same for every viewer: kept per cache version
    (tertial.platform.cache), so only read, never changed, by the views."""
    figures = period_figures(period).get(unit.pk, UnitFigures())
    threshold = comment_threshold(period)
    submission = submission_of(unit, period)
    rows = indicator_rows(period, goals.indicators_of_unit(unit))
    class_rows = economy.forecast_by_class(unit, period)
    return {
        "figures": figures,
        "class_rows": class_rows,
        "by_class": [row for row in class_rows if row.forecast is not None],
        "months_chart": unit_months_chart(
            economy.months_of(unit, period),
            figures.forecast.net_result if figures.forecast else None,
            _("%(unit)s %(year)s månad för månad, ackumulerat, tkr")
            % {"unit": unit.name, "year": period.year},
        ),
        "figure_urls": figure_urls(period, unit),
        "proposals": [
            (proposal, reason_text(proposal))
            for proposal in propose_forecast(unit, period).proposals
        ],
        "forecast_history": history(figures.forecast),
        "threshold": threshold,
        "comment_needed": figures.forecast_deviation is not None
        and abs(figures.forecast_deviation) > threshold,
        "missing": workflow.missing_for_submission(unit, period, figures),
        "texts_to_write": _texts_to_write(period, unit),
        "submission_history": history(submission),
        "rows": rows,
        "row_histories": row_histories(rows),
    }


def _texts_to_write(period: Period, unit: Unit) -> list[dict]:
    """The report's texts this unit's heads write, each with where to write it."""
    sections, plans = texts.texts_to_write(period, [unit.pk])
    url = reverse("texts", args=[period.organisation.slug, period.key])
    return [
        *(
            {"title": str(s), "url": f"{url}#sec-{s.pk}", "written": bool(s.body.strip())}
            for s in sections
        ),
        *(
            {"title": p.title, "url": f"{url}#plan-{p.pk}", "written": bool(p.body.strip())}
            for p in plans
        ),
    ]


def _unit_for_change(request: HttpRequest, slug: str, key: str, pk: int, action: Action):
    period = get_period_for(request, slug, key)
    return period, get_unit_for(request, period, pk, action)


def _closed(request: HttpRequest, unit: Unit) -> HttpResponse:
    return refused(
        request,
        _("%(unit)s kan inte ändras nu: inlämningen är lämnad eller perioden låst.")
        % {"unit": unit.name},
    )


@member_action("unit")
def save_unit_forecast(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period, unit = _unit_for_change(request, slug, key, pk, Action.EDIT_UNIT)
    if not unit_open_to(request, unit, period, submission_of(unit, period)):
        return _closed(request, unit)
    outcome = save_form(
        request,
        ForecastForm,
        lambda data: save_forecast(
            unit,
            period,
            net_result=data["net_result"],
            revenues=data["revenues"],
            costs=data["costs"],
            comment=data["comment"].strip(),
            actor=request.user,
            base_version=data["base_version"],
        ),
        saved=_("Prognosen är sparad."),
        conflict=lambda stale, data: conflict_with(
            stale.current,
            forecast_text(_state(stale.current)),
            f"{format_tkr(data['net_result'])} tkr\n{data['comment']}",
        ),
    )
    return outcome.response or render_unit(
        request, period, unit, forecast=(outcome.form, outcome.conflict), status=outcome.status
    )


@member_action("unit")
def save_unit_forecast_by_class(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period, unit = _unit_for_change(request, slug, key, pk, Action.EDIT_UNIT)
    if not unit_open_to(request, unit, period, submission_of(unit, period)):
        return _closed(request, unit)
    classes = economy.forecast_by_class(unit, period)
    outcome = save_form(
        request,
        lambda **kwargs: ForecastByClassForm(classes=classes, **kwargs),
        lambda data: save_forecast_by_class(
            unit,
            period,
            {c: data.get(name) for name, c in _class_fields(classes).items()},
            actor=request.user,
            base_version=data["base_version"],
        ),
        saved=_("Prognosen per kontoklass är sparad."),
        conflict=lambda stale, data: conflict_with(
            stale.current,
            forecast_text(_state(stale.current)),
            _by_class_text(classes, data),
        ),
    )
    return outcome.response or render_unit(
        request, period, unit, by_class=(outcome.form, outcome.conflict), status=outcome.status
    )


def _class_fields(classes) -> dict:
    return {f"class_{row.account_class.pk}": row.account_class for row in classes}


def _by_class_text(classes, data: dict) -> str:
    """A forecast per class as typed, for a conflict."""
    return "\n".join(
        f"{c.name}: {format_tkr(data[name])} tkr"
        for name, c in _class_fields(classes).items()
        if data.get(name) is not None
    )


@member_action("unit")
def submit_unit(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period, unit = _unit_for_change(request, slug, key, pk, Action.SUBMIT_UNIT)
    return transition(
        request,
        lambda: workflow.submit_unit(unit, period, actor=request.user),
        _("%(unit)s är inlämnad.") % {"unit": unit.name},
    )


@member_action("unit")
def approve_unit(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period, unit = _unit_for_change(request, slug, key, pk, Action.REVIEW_UNIT)
    return transition(
        request,
        lambda: workflow.approve_unit(unit, period, actor=request.user),
        _("%(unit)s är godkänd.") % {"unit": unit.name},
    )


@member_action("unit")
def return_unit(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period, unit = _unit_for_change(request, slug, key, pk, Action.REVIEW_UNIT)
    return transition(
        request,
        lambda: workflow.return_unit(
            unit, period, actor=request.user, comment=request.POST.get("comment", "")
        ),
        _("%(unit)s är återsänd med kommentar.") % {"unit": unit.name},
    )


@member_action("unit")
def save_unit_value(
    request: HttpRequest, slug: str, key: str, pk: int, indicator: int
) -> HttpResponse:
    period = get_period_for(request, slug, key)
    unit = get_unit_for(request, period, pk)
    found = get_indicator_for(request, period, indicator, Action.EDIT_INDICATOR)
    # Only the page's own unit's indicators: its submission decides whether they may still
    # change, so another unit's page must not open them.
    if found.unit_id != unit.pk:
        raise Http404
    if not unit_open_to(request, unit, period, submission_of(unit, period)):
        return _closed(request, unit)
    return save_value(
        request,
        period,
        found,
        lambda bound, status: render_unit(request, period, unit, values=bound, status=status),
    )
