"""Forecast proposals and forecast accuracy, in the report's sign (net = revenues − costs).

A unit head writes the full-year forecast; the system proposes two figures to start from:

* **remaining budget**: the actual to date plus the budget of the months still to come, as
  if the rest of the year goes to plan;
* **last year's profile**: the actual to date divided by the share of last year's full-year
  result that fell in the same months, as if the year runs like last year. Undefined when
  last year had no rows, or when that share is near zero or negative (a unit whose result
  crossed zero during the year): dividing by it would propose nonsense.

At year end each follow-up's forecast is compared with the closed accounts (accuracy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tertial.core.economy import percent_of
from tertial.core.money import ZERO, round_half_up

REMAINING_BUDGET = "remaining_budget"
LAST_YEAR_PROFILE = "last_year_profile"

# Reasons a proposal is undefined; the web and the report word them.
NO_ROWS_LAST_YEAR = "no_rows_last_year"
LAST_YEAR_ZERO = "last_year_zero"
SHARE_NEAR_ZERO = "share_near_zero"

# Below this share of last year's result in the months so far, scaling up is meaningless.
MIN_SHARE = Decimal("0.1")


@dataclass(frozen=True)
class Proposal:
    method: str
    net_result: Decimal | None
    reason: str = ""  # why net_result is None
    share: Decimal | None = None  # last year's share in the same months, for the profile method


def remaining_budget(
    actual_to_date: Decimal, budget_by_month: Mapping[int, Decimal], end_month: int
) -> Proposal:
    """Actual to date plus the budget of months ``end_month + 1``…12 (net, report sign)."""
    rest = sum((a for m, a in budget_by_month.items() if m > end_month), ZERO)
    return Proposal(REMAINING_BUDGET, actual_to_date + rest)


def last_year_profile(
    actual_to_date: Decimal, last_year_by_month: Mapping[int, Decimal], end_month: int
) -> Proposal:
    """Actual to date scaled by the share of last year's result in months 1…``end_month``."""
    if not last_year_by_month:
        return Proposal(LAST_YEAR_PROFILE, None, NO_ROWS_LAST_YEAR)
    full_year = sum(last_year_by_month.values(), ZERO)
    if full_year == 0:
        return Proposal(LAST_YEAR_PROFILE, None, LAST_YEAR_ZERO)
    same_months = sum((a for m, a in last_year_by_month.items() if m <= end_month), ZERO)
    share = same_months / full_year
    if share < MIN_SHARE:
        return Proposal(LAST_YEAR_PROFILE, None, SHARE_NEAR_ZERO, share)
    # to the öre, since a proposal may be saved as it is
    scaled = round_half_up(actual_to_date * full_year / same_months, 2)
    return Proposal(LAST_YEAR_PROFILE, scaled, share=share)


@dataclass(frozen=True)
class Accuracy:
    """A forecast against the closed accounts: difference = forecast − closed."""

    forecast: Decimal
    closed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.forecast - self.closed

    @property
    def percent(self) -> Decimal | None:
        """The difference as per cent of the closed accounts' size; None when they are zero."""
        return percent_of(self.difference, self.closed)
