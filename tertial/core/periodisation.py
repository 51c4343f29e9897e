"""Spreading a year figure over the twelve months by a periodisation key.

A budget is decided per year but followed up per month, and January–August is rarely eight
twelfths of the year. A key is twelve non-negative weights; the year figure is split in
proportion to them, exact to the öre, and the twelve parts always add up to exactly the
year figure: each month first gets its share rounded towards zero to the öre, and the öre
left over go one by one to the months with the largest cut-off remainders (the earlier month
first on a tie), so the same input always gives the same months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MONTHS = 12
ORE = Decimal("0.01")


class PeriodisationError(ValueError):
    """Why a key cannot be made or used: ``reason`` names the case (one of REASONS) and
    ``months`` the months concerned, so that the services can word it for a person."""

    def __init__(self, message: str, reason: str = "", months: Sequence[int] = ()):
        super().__init__(message)
        self.reason = reason
        self.months = tuple(months)


WRONG_COUNT = "wrong_count"
NEGATIVE = "negative"
ZERO_WEIGHTS = "zero_weights"
NOT_A_NUMBER = "not_a_number"
NO_AMOUNTS = "no_amounts"
OPPOSITE_SIGN = "opposite_sign"
TOO_PRECISE = "too_precise"


@dataclass(frozen=True)
class PeriodisationKey:
    """Twelve weights (January first) and how they were chosen, for the audit log."""

    method: str  # "twelfths", "previous_year" or "custom"
    weights: tuple[Fraction, ...]

    def __post_init__(self):
        if len(self.weights) != MONTHS:
            count = len(self.weights)
            raise PeriodisationError(
                f"a key needs {MONTHS} monthly weights, got {count}", WRONG_COUNT
            )
        if any(w < 0 for w in self.weights):
            months = [i + 1 for i, w in enumerate(self.weights) if w < 0]
            raise PeriodisationError(
                f"weights must not be negative (month {', '.join(map(str, months))})",
                NEGATIVE,
                months,
            )
        if sum(self.weights) == 0:
            raise PeriodisationError(
                "the weights add up to zero: nothing to spread by", ZERO_WEIGHTS
            )


def twelfths() -> PeriodisationKey:
    return PeriodisationKey("twelfths", (Fraction(1),) * MONTHS)


def custom_key(weights: Sequence[Decimal | int | str]) -> PeriodisationKey:
    """A key of twelve weights as a person writes them (8,33 % …, or days, or 1 1 1 … 0.5)."""
    try:
        fractions = tuple(Fraction(str(w)) for w in weights)
    except (ValueError, ZeroDivisionError) as exc:
        raise PeriodisationError(f"a weight is not a number: {exc}", NOT_A_NUMBER) from exc
    return PeriodisationKey("custom", fractions)


def previous_year_key(monthly_amounts: Sequence[Decimal | None]) -> PeriodisationKey:
    """The previous year's monthly profile as a key (month 1 first; None = no rows).

    Amounts may be in either sign (costs positive, revenues negative in the ledger); the
    profile is taken in the sign of the year's total. A month against that sign (a large
    correction) would make a negative weight, and is refused: use twelfths or a custom key.
    """
    if len(monthly_amounts) != MONTHS:
        count = len(monthly_amounts)
        raise PeriodisationError(
            f"the previous year needs {MONTHS} months, got {count}", WRONG_COUNT
        )
    amounts = [Fraction(str(a)) if a is not None else Fraction(0) for a in monthly_amounts]
    total = sum(amounts)
    if total == 0:
        raise PeriodisationError(
            "the previous year has no amounts (or they add up to zero): "
            "its profile cannot be used; use twelfths or a custom key",
            NO_AMOUNTS,
        )
    sign = 1 if total > 0 else -1
    against = [i + 1 for i, a in enumerate(amounts) if a * sign < 0]
    if against:
        raise PeriodisationError(
            f"the previous year's month {', '.join(map(str, against))} has the opposite sign "
            "of the year; its profile cannot be used as a key; use twelfths or a custom key",
            OPPOSITE_SIGN,
            against,
        )
    return PeriodisationKey("previous_year", tuple(a * sign for a in amounts))


def periodise(amount: Decimal, key: PeriodisationKey, quantum: Decimal = ORE) -> list[Decimal]:
    """Twelve monthly amounts, exact to ``quantum``, adding up to exactly ``amount``."""
    if amount != amount.quantize(quantum):
        raise PeriodisationError(f"{amount} has more decimals than {quantum}", TOO_PRECISE)
    units = int(abs(amount) / quantum)  # the year figure in öre
    total_weight = sum(key.weights)
    shares = [Fraction(units) * w / total_weight for w in key.weights]
    parts = [int(s) for s in shares]  # int() truncates towards zero; shares are >= 0
    left = units - sum(parts)
    by_remainder = sorted(range(MONTHS), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    sign = -1 if amount < 0 else 1
    return [(sign * p) * quantum for p in parts]
