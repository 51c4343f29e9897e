"""Parsing numbers as Swedish exports and hand-written files write them.

Accepted: "1 234,50", "1234.50", "1.234,50", "1,234.50", "−1 030", "1030-" (trailing minus,
as some financial systems export credits), "(1 030)". Refused with NumberFormatError:
anything ambiguous or malformed such as "12,3,4", "1.2.3,4" or "1 23,00" (spaces group
thousands in threes only).
"""

import re
from decimal import Decimal, InvalidOperation


class NumberFormatError(ValueError):
    pass


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_DIGITS_GROUPED_3 = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
# From the first digit to the last, and that span grouped in threes by spaces.
_DIGIT_SPAN = re.compile(r"\d(?:.*\d)?", re.DOTALL)
_SPACE_GROUPED_3 = re.compile(r"\d{1,3}(?:[\s\u00a0\u202f\u2009']\d{3})+(?:[.,]\d+)?")


def parse_decimal(text: str, *, decimal_separator: str | None = None) -> Decimal:
    """Parse one number; ``decimal_separator`` forces "," or "." when the source is known."""
    original = text
    span = _DIGIT_SPAN.search(text)
    if span and _SPACES.search(span[0]) and not _SPACE_GROUPED_3.fullmatch(span[0]):
        # "1 23,00" is a typing error, not 123: spaces group thousands only in threes.
        raise NumberFormatError(f"malformed number: {original!r}")
    s = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    if not s:
        raise NumberFormatError(f"empty number: {original!r}")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = not negative, s[:-1]
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if not s or not re.fullmatch(r"[\d.,]+", s) or not s[0].isdigit() and s[0] not in ".,":
        raise NumberFormatError(f"not a number: {original!r}")
    commas, dots = s.count(","), s.count(".")
    if decimal_separator is None:
        if commas and dots:
            decimal_separator = "," if s.rfind(",") > s.rfind(".") else "."
        elif commas > 1 or dots > 1:
            # several equal separators can only be thousands separators: 1.234.567
            sep = "," if commas else "."
            if not _DIGITS_GROUPED_3.match(s):
                raise NumberFormatError(f"malformed number: {original!r}")
            s = s.replace(sep, "")
            decimal_separator = "."
        else:
            decimal_separator = "," if commas else "."
    thousands = "." if decimal_separator == "," else ","
    if s.count(decimal_separator) > 1:
        raise NumberFormatError(f"malformed number: {original!r}")
    integer_part, _, fraction = s.partition(decimal_separator)
    if thousands in integer_part:
        if not _DIGITS_GROUPED_3.match(integer_part):
            raise NumberFormatError(f"malformed number: {original!r}")
        integer_part = integer_part.replace(thousands, "")
    if thousands in fraction or (not integer_part and not fraction):
        raise NumberFormatError(f"malformed number: {original!r}")
    try:
        value = Decimal(f"{integer_part or '0'}.{fraction or '0'}" if fraction else integer_part)
    except InvalidOperation as exc:
        raise NumberFormatError(f"not a number: {original!r}") from exc
    return -value if negative else value


# The most significant digits both databases keep exactly. SQLite stores a decimal column as
# a double, which Django reads back to 15 significant digits; PostgreSQL's NUMERIC keeps
# more (docs/decisions/0007-numbers-both-databases-keep-exactly.md).
EXACT_DIGITS = 15
# An amount: kronor to the öre, 13 digits before the decimal comma and 2 after.
AMOUNT_DIGITS = (13, 2)
LARGEST_AMOUNT = Decimal("9999999999999.99")
# An indicator value or target: the columns' 14 digits before and 6 after.
VALUE_DIGITS = (14, 6)


def decimal_places(value: Decimal) -> int:
    """The decimals ``value`` needs ("2,50" needs one)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def storage_problem(value: Decimal, digits: tuple[int, int] = AMOUNT_DIGITS) -> str | None:
    """Why both databases would not keep ``value`` exactly in a column of ``digits`` (before
    and after the decimal separator): "decimals" or "large"; None when they would."""
    integer_digits, places = digits
    if not value.is_finite():
        return "large"
    if decimal_places(value) > places:
        return "decimals"
    significant = len(value.normalize().as_tuple().digits)
    if abs(value) >= Decimal(10) ** integer_digits or significant > EXACT_DIGITS:
        return "large"
    return None
