"""What other parts read of forecasts and investment outcomes, beside the report's tables."""

from __future__ import annotations

from collections.abc import Sequence

from tertial.economy.models import Forecast, InvestmentOutcome
from tertial.organisation.models import Period


def forecasts_of(periods: Sequence[Period]) -> list[Forecast]:
    """The forecasts of ``periods``, with their units."""
    return list(Forecast.objects.filter(period__in=periods).select_related("unit"))


def outcomes_of(periods: Sequence[Period]) -> list[InvestmentOutcome]:
    """The investment outcomes of ``periods``, with their projects."""
    return list(InvestmentOutcome.objects.filter(period__in=periods).select_related("project"))
