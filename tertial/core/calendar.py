"""The follow-up calendar's arithmetic: the next period's last month, deadlines moved with
their period, and a period's title from its kind and months."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from tertial.core.months import month_name

# Municipalities follow up by tertial (April, August, December) unless their calendar says
# otherwise: the step used when the previous year gives no pattern.
DEFAULT_STEP = 4


def shift_months(date: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (earlier when negative), on the month's last day when
    it has fewer days: 31 May + 1 month is 30 June."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)


def months_between(year: int, end_month: int, to_year: int, to_end_month: int) -> int:
    """How many months the period ending with ``to_end_month`` of ``to_year`` ends after
    the one ending with ``end_month`` of ``year``."""
    return (to_year - year) * 12 + to_end_month - end_month


def next_end_month(previous: int, taken: Iterable[int], pattern: Iterable[int] = ()) -> int | None:
    """The last month of the period after the one ending with ``previous``: the next month
    of ``pattern`` (the previous year's periods) after it that is not ``taken`` already,
    else ``DEFAULT_STEP`` months on, at most December; None after December."""
    if previous >= 12:
        return None
    taken = set(taken)
    for month in sorted(set(pattern)):
        if month > previous and month not in taken:
            return month
    candidate = min(previous + DEFAULT_STEP, 12)
    while candidate in taken and candidate < 12:
        candidate += 1
    return None if candidate in taken else candidate


def period_title(kind_word: str, end_month: int, year: int, locale: str = "sv") -> str:
    """ "Tertialrapport januari–april 2021", "Delårsrapport januari 2021", "Årsrapport 2021":
    the kind's word (capitalised) and the months from January."""
    word = kind_word[:1].upper() + kind_word[1:]
    if end_month == 12:
        return f"{word} {year}"
    if end_month == 1:
        return f"{word} {month_name(1, locale)} {year}"
    return f"{word} {month_name(1, locale)}–{month_name(end_month, locale)} {year}"


def title_for_year(title: str, from_year: int, to_year: int) -> str:
    """A period's title moved to another year: every whole ``from_year`` in it becomes
    ``to_year`` ("Verksamhetsberättelse 2020" → "Verksamhetsberättelse 2021"); "" when the
    title does not name the year, so that the caller makes one."""
    text = str(from_year)
    if text not in title:
        return ""
    parts = title.split(text)
    # Only a whole year: "12020" or "20201" are not the year.
    for left, right in zip(parts, parts[1:], strict=False):
        if (left and left[-1].isdigit()) or (right and right[0].isdigit()):
            return ""
    return str(to_year).join(parts)
