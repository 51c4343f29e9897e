"""The few economy figures the follow-up work needs per unit, in a handful of aggregate queries.

The report's tables (tertial.economy.tables) compute the full set for the whole
administration; the dashboard and a unit's page need only these per-unit net figures, and
must stay fast for administrations with hundreds of units: every query groups by unit in SQL.
Net results are in the report's sign (revenues − costs = −(ledger sum)).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from tertial.core.conventions import conventions_from_settings
from tertial.economy.models import BudgetEntry, Forecast, LedgerBalance
from tertial.economy.services import units_of
from tertial.organisation.models import Period


@dataclass
class UnitFigures:
    actual: Decimal | None = None  # to date
    budget: Decimal | None = None  # to date
    previous_year: Decimal | None = None  # same months last year
    full_year_budget: Decimal | None = None
    forecast: Forecast | None = None

    @property
    def deviation(self) -> Decimal | None:
        """Actual − budget to date: positive is better than budget."""
        if self.actual is None and self.budget is None:
            return None
        return (self.actual or Decimal(0)) - (self.budget or Decimal(0))

    @property
    def forecast_deviation(self) -> Decimal | None:
        """Full-year forecast − full-year budget."""
        if self.forecast is None:
            return None
        return self.forecast.net_result - (self.full_year_budget or Decimal(0))


def unit_figures(period: Period, unit_ids: Iterable[int] | None = None) -> dict[int, UnitFigures]:
    organisation_id = period.fiscal_year.organisation_id
    year, month = period.year, period.end_month
    ledger = LedgerBalance.objects.filter(year__in=[year - 1, year], month__lte=month)
    budget = BudgetEntry.objects.filter(year=year)
    forecasts = Forecast.objects.filter(period=period, is_current=True).select_related("author")
    if unit_ids is None:
        ledger = ledger.filter(
            organisation_id=organisation_id,
            unit_id__in=units_of(organisation_id),
        )
        budget = budget.filter(unit__organisation_id=organisation_id)
    else:
        # Units only, not also the organisation: given both, SQLite's planner reads the
        # whole organisation's ledger through the (organisation, year, month) index, 14 ms
        # for one unit of a hundred, instead of the unit's own rows.
        unit_ids = list(unit_ids)
        ledger = ledger.filter(unit_id__in=unit_ids, unit__organisation_id=organisation_id)
        budget = budget.filter(unit_id__in=unit_ids, unit__organisation_id=organisation_id)
        forecasts = forecasts.filter(unit_id__in=unit_ids)
    result: dict[int, UnitFigures] = {}

    def figures(unit_id: int) -> UnitFigures:
        return result.setdefault(unit_id, UnitFigures())

    # One grouped query per table; the ledger's sign turned into the report's (net = −sum).
    for row in (
        ledger.values("unit_id")
        .annotate(
            this_year=Sum("amount", filter=Q(year=year)),
            last_year=Sum("amount", filter=Q(year=year - 1)),
        )
        .order_by()
    ):
        if row["this_year"] is not None:
            figures(row["unit_id"]).actual = -row["this_year"]
        if row["last_year"] is not None:
            figures(row["unit_id"]).previous_year = -row["last_year"]
    for row in (
        budget.values("unit_id")
        .annotate(to_date=Sum("amount", filter=Q(month__lte=month)), whole_year=Sum("amount"))
        .order_by()
    ):
        if row["to_date"] is not None:
            figures(row["unit_id"]).budget = -row["to_date"]
        figures(row["unit_id"]).full_year_budget = -row["whole_year"]
    for forecast in forecasts:
        figures(forecast.unit_id).forecast = forecast
    return result


def comment_threshold(period: Period) -> Decimal:
    """The forecast deviation beyond which a unit must explain its forecast."""
    settings = period.fiscal_year.organisation.settings
    return conventions_from_settings(settings).forecast_comment_threshold_kr
