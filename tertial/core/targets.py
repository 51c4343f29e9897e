"""Targets (målvärden) as people write them: "<5 %", "90 %", "Nollresultat", "≥ 3,5".

``parse_target`` turns the text into a comparator and a value; how a value is judged against
a parsed target lives beside it so that the loader, the web forms and the report agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tertial.core.formatting import decimals_of, format_number
from tertial.core.messages import Text, _
from tertial.core.numbers import NumberFormatError, parse_decimal

AT_LEAST, AT_MOST, BELOW, ABOVE, EQUAL = "at_least", "at_most", "below", "above", "equal"
COMPARATORS = (AT_LEAST, AT_MOST, BELOW, ABOVE, EQUAL)
DIRECTIONS = ("higher", "lower", "band")

_PREFIXES = [
    ("<=", AT_MOST),
    ("≤", AT_MOST),
    (">=", AT_LEAST),
    ("≥", AT_LEAST),
    ("<", BELOW),
    (">", ABOVE),
    ("=", EQUAL),
    ("minst", AT_LEAST),
    ("högst", AT_MOST),
    ("under", BELOW),
    ("över", ABOVE),
]
_ZERO_RESULT = re.compile(r"^noll\s*-?\s*resultat$", re.IGNORECASE)
_NO_TARGET = {"", "-", "–", "—"}


class TargetFormatError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedTarget:
    text: str
    comparator: str
    value: Decimal
    is_percent: bool = False
    tolerance: Decimal | None = None
    # "Nollresultat": a zero result, judged one-sided (no deficit) unless a tolerance band is
    # written out ("0 ± 500"); see tertial.core.evaluation.
    zero_result: bool = False


def is_zero_result(text: str) -> bool:
    """Whether a target text says "Nollresultat" (also as printed split: "Noll-resultat")."""
    return bool(_ZERO_RESULT.match(" ".join(text.split())))


def parse_target(text: str, direction: str = "higher") -> ParsedTarget | None:
    """Parse a target; None when the text says there is no target ("-" or empty)."""
    if direction not in DIRECTIONS:
        raise TargetFormatError(
            Text(
                _("okänd riktning %(direction)s; använd en av %(directions)s"),
                direction=repr(direction),
                directions=", ".join(DIRECTIONS),
            )
        )
    original = text
    s = " ".join(text.split())
    if s in _NO_TARGET:
        return None
    if is_zero_result(s):
        return ParsedTarget(original, EQUAL, Decimal(0), zero_result=True)
    comparator = None
    lowered = s.lower()
    for prefix, candidate in _PREFIXES:
        if lowered.startswith(prefix):
            comparator, s = candidate, s[len(prefix) :].strip()
            break
    tolerance = None
    if "±" in s:
        s, _sign, tolerance_text = s.partition("±")
        try:
            tolerance = abs(parse_decimal(tolerance_text.replace("%", "")))
        except NumberFormatError as exc:
            raise TargetFormatError(
                Text(_("kan inte läsa toleransen i målvärdet %(target)s"), target=repr(original))
            ) from exc
        comparator = comparator or EQUAL
    is_percent = s.rstrip().endswith("%")
    s = s.rstrip().removesuffix("%").strip()
    try:
        value = parse_decimal(s)
    except NumberFormatError as exc:
        raise TargetFormatError(
            Text(
                _(
                    "kan inte läsa målvärdet %(target)s: skriv t.ex. '90 %%', '<5 %%', '≥ 3,5' "
                    "eller 'Nollresultat'"
                ),
                target=repr(original),
            )
        ) from exc
    if comparator is None:
        comparator = {"higher": AT_LEAST, "lower": AT_MOST, "band": EQUAL}[direction]
    return ParsedTarget(original, comparator, value, is_percent, tolerance)


_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?")


def display_target(text: str) -> str:
    """A target as the report prints it: as written, its numbers in the glossary's format
    ("220000" → "220 000", "≥ 3.5" → "≥ 3,5"); a text that is not a target stays as it is."""
    written = " ".join(text.split())
    try:
        parsed = parse_target(written)
    except TargetFormatError:
        return written
    if parsed is None or parsed.zero_result:
        return written

    def formatted(match: re.Match) -> str:
        value = parse_decimal(match.group())
        return format_number(value, decimals_of(value))

    return _NUMBER.sub(formatted, written)
