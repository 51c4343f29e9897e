"""A goal's page (indicators, the system's proposal, the assessment) and its actions: save
the assessment, save a value of one of the administration's own indicators."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tertial.access.rules import (
    Action,
    allowed,
    get_goal_for,
    get_indicator_for,
    get_period_for,
)
from tertial.audit.history import history, version_of
from tertial.core import evaluation
from tertial.goals import queries as goals
from tertial.goals.models import STATUS_LABELS, Assessment, BoardGoal
from tertial.goals.rows import indicator_rows
from tertial.goals.services import save_assessment
from tertial.goals.statuses import goal_indicators, settings_for
from tertial.organisation.models import Period
from tertial.platform import cache
from tertial.web.charts import trend_svg
from tertial.web.forms import AssessmentForm
from tertial.web.templatetags.tertial_web import markdown_safe
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
)
from tertial.web.views.values import indicator_items, row_histories, save_value

ASSESSMENT = "assessment"


def assessment_text(state: dict | None) -> str:
    """An assessment as a conflict shows it."""
    if not state:
        return ""
    return f"{STATUS_LABELS.get(state['value'], state['value'])}\n{state['justification']}"


def _state(assessment: Assessment | None) -> dict | None:
    if assessment is None:
        return None
    return {"value": assessment.value, "justification": assessment.justification}


@member_page
def goal_page(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    return render_goal(request, period, get_goal_for(request, period, pk))


def render_goal(
    request: HttpRequest,
    period: Period,
    goal: BoardGoal,
    *,
    assessment: tuple | None = None,
    values: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The goal's page; ``assessment`` (form, conflict) and ``values`` (by indicator id) are
    posted forms that were not saved, shown again."""
    editable = not period.is_locked and allowed(request, Action.ASSESS_GOAL, goal)
    kept = restored(request) if request.method == "GET" else None
    data = cache.cached(
        period.fiscal_year.organisation_id,
        ("goal", period.pk, goal.pk),
        lambda: _goal_data(period, goal),
    )
    current = data["current"]
    form, conflict = assessment or (None, None)
    from_data = form is None and not is_restored(kept, ASSESSMENT)
    if form is None and editable:
        form = AssessmentForm(
            initial=initial_or_restored(
                kept,
                ASSESSMENT,
                {
                    "form": ASSESSMENT,
                    "base_version": version_of(current),
                    "value": current.value if current else "",
                    "justification": current.justification if current else "",
                },
            )
        )
    # Here only the administration's own indicators; a unit's are entered on its page.
    value_items = [
        item
        for item in indicator_items(
            request,
            period,
            data["own_rows"],
            data["own_histories"],
            open_now=not period.is_locked,
            action_url=lambda indicator: reverse(
                "goal_value", args=[period.organisation.slug, period.key, goal.pk, indicator.pk]
            ),
            kept=kept,
            bound=values,
        )
        if item["form"] is not None
    ]
    context = page_context(request, period, "dashboard")
    context.update(
        {
            **data,
            "goal": goal,
            "form": form if editable else None,
            "form_html": form_html(
                form if editable else None,
                period,
                ("assessment-form", period.pk, goal.pk),
                from_data,
            ),
            "conflict": conflict,
            "value_items": value_items,
        }
    )
    return render(request, "web/goal.html", context, status=status)


def _goal_data(period: Period, goal: BoardGoal) -> dict:
    """What a goal's page shows that is the same for every viewer, the indicator table with
    its charts rendered: kept per cache version (tertial.platform.cache), only read."""
    current = goals.assessment_of(goal, period)
    rows = indicator_rows(period, goal_indicators(goal))
    indicator_items_ = [
        {
            "row": row,
            "status_label": STATUS_LABELS.get(row.status, ""),
            "chart": trend_svg(
                row.series,
                row.target.value if row.target else None,
                _("Trend för %(name)s") % {"name": row.indicator.name},
            ),
        }
        for row in rows
    ]
    # The goals service's proposal, from the statuses the rows already hold.
    rule = settings_for(period.fiscal_year.organisation).assessment_rule
    proposed = evaluation.propose([row.status for row in rows], rule)
    own_rows = [row for row in rows if row.indicator.unit_id is None]
    data_html = render_to_string(
        "web/partials/goal_data.html",
        {
            "goal": goal,
            "organisation": period.organisation,
            "period": period,
            "indicators": indicator_items_,
            "responsible": list(goal.responsible_units.all()),
        },
    )
    return {
        "data_html": data_html,
        "current": current,
        "justification_html": markdown_safe(current.justification) if current else "",
        "proposed": proposed,
        "proposed_label": STATUS_LABELS.get(proposed, ""),
        "history": history(current),
        "own_rows": own_rows,
        "own_histories": row_histories(own_rows),
    }


@member_action("goal")
def save_goal_assessment(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    goal = get_goal_for(request, period, pk, Action.ASSESS_GOAL)
    if period.is_locked:
        return refused(request, _("Perioden är låst: bedömningen kan inte ändras."))
    outcome = save_form(
        request,
        AssessmentForm,
        lambda data: save_assessment(
            goal,
            period,
            data["value"],
            data["justification"],
            actor=request.user,
            base_version=data["base_version"],
        ),
        saved=_("Bedömningen är sparad."),
        conflict=lambda stale, data: conflict_with(
            stale.current, assessment_text(_state(stale.current)), assessment_text(data)
        ),
    )
    return outcome.response or render_goal(
        request, period, goal, assessment=(outcome.form, outcome.conflict), status=outcome.status
    )


@member_action("goal")
def save_goal_value(
    request: HttpRequest, slug: str, key: str, pk: int, indicator: int
) -> HttpResponse:
    period = get_period_for(request, slug, key)
    goal = get_goal_for(request, period, pk)
    found = get_indicator_for(request, period, indicator, Action.EDIT_INDICATOR)
    # Only the administration's own indicators of this goal; a unit's indicators are entered
    # on the unit's page, where its submission decides.
    if found.unit_id is not None or found.pk not in {i.pk for i in goal_indicators(goal)}:
        raise Http404
    if period.is_locked:
        return refused(request, _("Perioden är låst: värdet kan inte ändras."))
    return save_value(
        request,
        period,
        found,
        lambda bound, status: render_goal(request, period, goal, values=bound, status=status),
    )
