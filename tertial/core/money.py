"""Exact amounts and the one rounding rule used when they are shown.

Amounts are Decimal kronor (with öre). They are rounded only for presentation, to whole
tkr, half away from zero; a sum is always rounded from the exact sum of its parts, never
summed from rounded parts, so a printed total may differ by one from its printed rows.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
ONE_THOUSAND = Decimal("1000")


def to_decimal(value: object) -> Decimal:
    """A Decimal from an int, str or Decimal; floats are refused because they are inexact."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"amounts must not be {type(value).__name__}: {value!r}")
    try:
        return Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def exact_sum(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((a for a in amounts if a is not None), ZERO)


def round_half_up(value: Decimal, decimals: int = 0) -> Decimal:
    """Round half away from zero, the rule of Swedish financial reports."""
    quantum = Decimal(1).scaleb(-decimals)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def to_tkr(amount_kr: Decimal) -> int:
    """Kronor to whole thousands of kronor (tkr), rounded half away from zero."""
    return int(round_half_up(amount_kr / ONE_THOUSAND))
