"""Parsing numbers as Swedish exports and hand-written files write them.

Accepted: "1 234,50", "1234.50", "1.234,50", "1,234.50", "−1 030", "1030-" (trailing minus,
as some financial systems export credits), "(1 030)". Refused with NumberFormatError:
anything ambiguous or malformed such as "12,3,4" or "1.2.3,4".
"""

import re
from decimal import Decimal, InvalidOperation


class NumberFormatError(ValueError):
    pass


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_DIGITS_GROUPED_3 = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def parse_decimal(text: str, *, decimal_separator: str | None = None) -> Decimal:
    """Parse one number; ``decimal_separator`` forces "," or "." when the source is known."""
    original = text
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
