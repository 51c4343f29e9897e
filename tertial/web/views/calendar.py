"""The calendar page: the organisation's years and periods with their deadlines; for a
controller, the next period and the next fiscal year, each shown as it would be created
before it is (tertial.workflow.calendar)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tertial.access.rules import Action, allowed, get_period_for, require
from tertial.core.errors import Refused
from tertial.organisation.models import Period
from tertial.web.forms import NextPeriodForm, NextYearForm
from tertial.web.views.common import member_action, member_page, page_context, refused
from tertial.workflow import calendar as year_calendar
from tertial.workflow.queries import calendar_of


@member_page
def calendar_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_calendar(request, get_period_for(request, slug, key))


def _period_form(period: Period, data=None, initial=None) -> NextPeriodForm:
    organisation = period.organisation
    rows = calendar_of(organisation)
    periods = [row.period for _year, year_rows in rows for row in year_rows]
    return NextPeriodForm(
        data,
        initial=initial,
        periods=periods,
        years=sorted({year for year, _rows in rows}, reverse=True),
        language=(get_language() or "sv")[:2],
    )


def _proposal_initial(period: Period) -> dict | None:
    """The form as the proposed next period fills it; None when there is none."""
    plan = year_calendar.propose_next_period(period.organisation)
    if plan is None:
        return None
    return {
        "source": plan.source.key if plan.source else "",
        "year": plan.year,
        "end_month": plan.end_month,
        "kind": plan.kind,
        "title": plan.title,
        "unit_deadline": plan.unit_deadline,
        "report_deadline": plan.report_deadline,
    }


def render_calendar(
    request: HttpRequest,
    period: Period,
    *,
    period_form: NextPeriodForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = period.organisation
    manage = allowed(request, Action.MANAGE_PERIOD, organisation)
    context = page_context(request, period, "calendar")
    context.update({"years": calendar_of(organisation), "manage": manage})
    if manage:
        initial = _proposal_initial(period)
        fallback = {"source": period.key, "year": period.year, "kind": period.kind}
        context.update(
            {
                "period_proposed": initial is not None,
                "period_form": period_form or _period_form(period, initial=initial or fallback),
                "year_plan": year_calendar.propose_next_year(organisation),
            }
        )
    return render(request, "web/calendar.html", context, status=status)


def _managed_period(request: HttpRequest, slug: str, key: str) -> Period:
    period = get_period_for(request, slug, key)
    require(request, Action.MANAGE_PERIOD, period.organisation)
    return period


@member_action("calendar")
def create_period(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = _managed_period(request, slug, key)
    form = _period_form(period, data=request.POST)
    if not form.is_valid():
        return render_calendar(request, period, period_form=form, status=400)
    data = form.cleaned_data
    plan = year_calendar.PeriodPlan(
        year=data["year"],
        end_month=data["end_month"],
        kind=data["kind"],
        title=data["title"].strip()
        or year_calendar.default_title(data["kind"], data["end_month"], data["year"]),
        unit_deadline=data["unit_deadline"],
        report_deadline=data["report_deadline"],
        source=data["source"],
    )
    try:
        created = year_calendar.create_period(period.organisation, plan, actor=request.user)
    except Refused as error:
        return refused(request, str(error))
    messages.success(request, _("Perioden %(title)s är skapad.") % {"title": created})
    return redirect("texts", slug=slug, key=created.key)


@member_action("calendar")
def create_year(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = _managed_period(request, slug, key)
    form = NextYearForm(request.POST)
    if not form.is_valid():
        return refused(request, _("Förslaget saknas: granska det och försök igen."))
    try:
        fiscal_year = year_calendar.create_next_year(
            period.organisation, fingerprint=form.cleaned_data["fingerprint"], actor=request.user
        )
    except Refused as error:
        return refused(request, str(error))
    messages.success(request, _("Räkenskapsåret %(year)s är skapat.") % {"year": fiscal_year.year})
    return redirect(request.page_url)
