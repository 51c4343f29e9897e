"""The system's forecast proposals for a unit, and forecasts' accuracy against the closed
year: what the economy reads of forecasts (tertial.core.forecast holds the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from tertial.core import forecast as core_forecast
from tertial.core.money import ZERO
from tertial.economy.models import Forecast
from tertial.economy.sums import ledger, split_sums, unit_month_sums
from tertial.organisation.models import Organisation, Period, Unit

PROPOSAL_REASONS = {
    core_forecast.NO_ROWS_LAST_YEAR: _("Verksamheten har inga bokförda belopp föregående år."),
    core_forecast.LAST_YEAR_ZERO: _("Föregående års resultat var noll."),
    core_forecast.SHARE_NEAR_ZERO: _(
        "Föregående års resultat för samma månader är nära noll eller har motsatt tecken mot "
        "helåret; att skala upp det ger ingen rimlig prognos."
    ),
}


@dataclass(frozen=True)
class ForecastProposals:
    actual_to_date: Decimal | None
    remaining_budget: core_forecast.Proposal
    last_year_profile: core_forecast.Proposal

    @property
    def proposals(self) -> list[core_forecast.Proposal]:
        return [self.remaining_budget, self.last_year_profile]


def reason_text(proposal: core_forecast.Proposal) -> str:
    return str(PROPOSAL_REASONS[proposal.reason]) if proposal.reason else ""


def propose_forecast(unit: Unit, period: Period) -> ForecastProposals:
    """Both proposals of a unit's full-year net result at ``period`` (report sign)."""
    year, end = period.year, period.end_month
    this_year, last_year, budget_by_month = {}, {}, {}
    for (kind, row_year, month), sums in unit_month_sums(unit.pk, year).items():
        if kind == "budget":
            budget_by_month[month] = sums.net
        elif row_year == year - 1:
            last_year[month] = sums.net
        elif month <= end:
            this_year[month] = sums.net
    actual = sum(this_year.values(), ZERO) if this_year else None
    return ForecastProposals(
        actual_to_date=actual,
        remaining_budget=core_forecast.remaining_budget(actual or ZERO, budget_by_month, end),
        last_year_profile=core_forecast.last_year_profile(actual or ZERO, last_year, end),
    )


@dataclass(frozen=True)
class ForecastAccuracyRow:
    unit: Unit
    period: Period
    forecast: Decimal
    closed: Decimal | None  # None: the unit has no ledger rows that year
    accuracy: core_forecast.Accuracy | None


def forecast_accuracy(
    organisation: Organisation, year: int, through_month: int = 12
) -> list[ForecastAccuracyRow]:
    """Each follow-up's current forecast of ``year`` (those ending by ``through_month``)
    against the year's closed accounts.

    Rows per unit (in unit order), then per follow-up (in month order). Meaningful once the
    year's ledger is complete; until then the outcome is the year so far
    (``outcome_through`` says how far).
    """
    closed = {
        unit_id: sums.net
        for (unit_id,), sums in split_sums(ledger(organisation, year), ["unit_id"]).items()
    }
    forecasts = (
        Forecast.objects.filter(
            period__fiscal_year__organisation=organisation,
            period__fiscal_year__year=year,
            period__end_month__lte=through_month,
        )
        .select_related("unit", "period")
        .order_by("unit__sort_order", "unit__name", "period__end_month")
    )
    rows = []
    for f in forecasts:
        outcome = closed.get(f.unit_id)
        rows.append(
            ForecastAccuracyRow(
                unit=f.unit,
                period=f.period,
                forecast=f.net_result,
                closed=outcome,
                accuracy=None if outcome is None else core_forecast.Accuracy(f.net_result, outcome),
            )
        )
    return rows


def outcome_through(organisation: Organisation, year: int) -> int | None:
    """The last month of ``year`` with ledger rows: 12 once the year is booked to its end."""
    return ledger(organisation, year).aggregate(last=Max("month"))["last"]
