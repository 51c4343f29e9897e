"""From the ledger's sign to the report's: net result, gross revenues and costs.

Ledger balances and budget entries are stored as the financial system exports them: debit
positive, credit negative, so costs are positive and revenues negative. The report speaks of
net result = revenues − costs (positive is a surplus for a revenue-financed administration)
and of revenues and costs as gross amounts, both positive. Everything here is exact Decimal
arithmetic; nothing is rounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tertial.core.money import ZERO

REVENUE, COST, FINANCIAL = "revenue", "cost", "financial"
KINDS = (REVENUE, COST, FINANCIAL)


def net_result(ledger_amounts: Iterable[Decimal] | Decimal) -> Decimal:
    """Revenues − costs from amounts in the ledger's sign: the negated sum."""
    if isinstance(ledger_amounts, Decimal):
        return -ledger_amounts
    return -sum(ledger_amounts, ZERO)


@dataclass(frozen=True)
class Gross:
    """Gross revenues and costs, both positive in the normal case; net = revenues − costs."""

    revenues: Decimal = ZERO
    costs: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.revenues - self.costs

    def __add__(self, other: Gross) -> Gross:
        return Gross(self.revenues + other.revenues, self.costs + other.costs)


def gross_of(kind: str, amount: Decimal) -> Gross:
    """Where one ledger-sign amount of an account class of ``kind`` lands.

    A revenue account's amount is revenue (a debit on it reduces revenue), a cost account's
    is cost (a credit reduces cost); a financial item is a cost when it is a debit and a
    revenue when it is a credit, since interest can go either way.
    """
    if kind == REVENUE:
        return Gross(revenues=-amount)
    if kind == COST:
        return Gross(costs=amount)
    if kind == FINANCIAL:
        return Gross(costs=amount) if amount > 0 else Gross(revenues=-amount)
    raise ValueError(f"unknown account class kind {kind!r}; use one of {', '.join(KINDS)}")


def gross_from_sums(kind: str, debit_sum: Decimal, credit_sum: Decimal) -> Gross:
    """Gross amounts of one kind from the sum of its positive and of its negative amounts.

    This is what a database returns when it groups by kind with conditional sums, and it
    places every financial amount by its own sign, exactly like ``gross_split``.
    """
    if kind == FINANCIAL:
        return Gross(revenues=-credit_sum, costs=debit_sum)
    return gross_of(kind, debit_sum + credit_sum)


def deviation(minuend: Decimal | None, subtrahend: Decimal | None) -> Decimal | None:
    """``minuend − subtrahend`` where a missing side counts as zero; None when both are missing."""
    if minuend is None and subtrahend is None:
        return None
    return (minuend or ZERO) - (subtrahend or ZERO)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as per cent of ``|whole|``; None when the whole is zero."""
    if whole == 0:
        return None
    return part * 100 / abs(whole)
