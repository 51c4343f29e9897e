"""Swedish number formats of the glossary: 8 486, −1 030, 4,3 %, "-" when nothing exists.

Output uses a no-break space as thousands separator (so a number never wraps) and a real
minus sign (U+2212). Missing indicator values are "I.U." and never 0.
"""

from decimal import Decimal

from tertial.core.money import round_half_up, to_tkr

MINUS = "\u2212"
NBSP = "\u00a0"
NOT_EXISTING = "-"
NO_DATA = "I.U."


_TO_SWEDISH = str.maketrans({",": NBSP, ".": ",", "-": MINUS})


def _sv(value: Decimal, decimals: int) -> str:
    # Babel's sv_SE pattern written out (tests hold the two equal) at a tenth of Babel's cost:
    # a report of a large administration formats tens of thousands of cells.
    rounded = round_half_up(value, decimals)
    if not rounded:
        rounded = abs(rounded)  # no "−0"
    return f"{rounded:,.{decimals}f}".translate(_TO_SWEDISH)


def format_number(value: Decimal | int | None, decimals: int = 0, *, missing: str = NO_DATA) -> str:
    if value is None:
        return missing
    return _sv(Decimal(value), decimals)


def format_tkr(amount_kr: Decimal | None, *, missing: str = NOT_EXISTING) -> str:
    """An amount in kronor shown in whole tkr; ``missing`` where no amount exists."""
    if amount_kr is None:
        return missing
    return _sv(Decimal(to_tkr(amount_kr)), 0)


def format_exact_tkr(amount_kr: Decimal) -> str:
    """An amount in kronor in tkr with every decimal it has ("−1 030,5 tkr"): how a person
    who typed it in tkr reads it back in a message."""
    value = (Decimal(amount_kr) / 1000).normalize()
    return f"{_sv(value, decimals_of(value))} tkr"


def decimals_of(value: Decimal) -> int:
    """The number of decimals a value was written with (0.91 → 2, 99 → 0)."""
    return max(0, -int(value.as_tuple().exponent))


def normalise_spaces(text: str) -> str:
    """Plain spaces and hyphen-minus, for comparing formatted output with typed text."""
    return text.replace(NBSP, " ").replace("\u202f", " ").replace("\u2009", " ").replace(MINUS, "-")
