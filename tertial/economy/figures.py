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

from tertial.core.conventions import conventions_from_settings
from tertial.economy.models import BudgetEntry, Forecast, LedgerBalance
from tertial.economy.sums import split_sums, units_of
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
    forecasts = Forecast.objects.filter(period=period).select_related("updated_by")
    if unit_ids is None:
        ledger = ledger.filter(
            organisation_id=organisation_id,
            unit_id__in=units_of(organisation_id),
        )
        budget = budget.filter(unit__organisation_id=organisation_id)
    else:
        # The units' own rows, through the key's (unit, year, month); the organisation is
        # checked through the units, so that units of another organisation give nothing.
        unit_ids = list(unit_ids)
        ledger = ledger.filter(unit_id__in=unit_ids, unit__organisation_id=organisation_id)
        budget = budget.filter(unit_id__in=unit_ids, unit__organisation_id=organisation_id)
        forecasts = forecasts.filter(unit_id__in=unit_ids)
    result: dict[int, UnitFigures] = {}

    def figures(unit_id: int) -> UnitFigures:
        return result.setdefault(unit_id, UnitFigures())

    # Grouped queries summed exactly (in öre on SQLite, whose decimals are floating point),
    # as the report's tables sum; the ledger's sign turned into the report's (net = −sum).
    for (unit_id, row_year), sums in split_sums(ledger, ["unit_id", "year"]).items():
        if row_year == year:
            figures(unit_id).actual = sums.net
        else:
            figures(unit_id).previous_year = sums.net
    for (unit_id,), sums in split_sums(budget.filter(month__lte=month), ["unit_id"]).items():
        figures(unit_id).budget = sums.net
    for (unit_id,), sums in split_sums(budget, ["unit_id"]).items():
        figures(unit_id).full_year_budget = sums.net
    for forecast in forecasts:
        figures(forecast.unit_id).forecast = forecast
    return result


def comment_threshold(period: Period) -> Decimal:
    """The forecast deviation beyond which a unit must explain its forecast."""
    settings = period.fiscal_year.organisation.settings
    return conventions_from_settings(settings).forecast_comment_threshold_kr
