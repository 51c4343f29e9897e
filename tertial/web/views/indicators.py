"""An indicator's page: its values over three years against its target, the goals it
follows up, and how the administration compares in Kolada with the municipalities it
chose and the whole country."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tertial.access.rules import get_indicator_for, get_period_for
from tertial.goals.models import STATUS_LABELS
from tertial.goals.queries import goals_of_indicator, kolada_kpi_of
from tertial.goals.rows import indicator_rows
from tertial.goals.tables import kolada_comparison
from tertial.platform import cache
from tertial.web.tables import table_view
from tertial.web.views.common import member_page, page_context


@member_page
def indicator_page(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    indicator = get_indicator_for(request, period, pk)
    context = page_context(request, period, "dashboard")
    context.update(
        cache.cached(
            period.fiscal_year.organisation_id,
            ("indicator", period.pk, indicator.pk),
            lambda: _indicator_data(period, indicator),
        )
    )
    return render(request, "web/indicator.html", context)


def _indicator_data(period, indicator) -> dict:
    """What the page shows, the same for every viewer: kept per cache version, only read."""
    (row,) = indicator_rows(period, [indicator])
    comparison = kolada_comparison(period, [indicator]) if indicator.kolada_kpi else None
    return {
        "indicator": indicator,
        "row": row,
        "status_label": STATUS_LABELS.get(row.status, ""),
        "goals": goals_of_indicator(indicator, period),
        "kpi": kolada_kpi_of(indicator),
        "comparison": table_view(comparison) if comparison and comparison.rows else None,
    }
