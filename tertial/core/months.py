"""Month names: the one place they come from (Babel's CLDR data), in the language asked for.

Reports are written in Swedish whatever the reader's language (tertial.reports.language), so
the default is Swedish; a page in another language passes its own.
"""

from __future__ import annotations

from babel.dates import get_month_names


def month_name(month: int, locale: str = "sv") -> str:
    """ "augusti": lower case in Swedish, as a month is written inside a sentence."""
    return get_month_names("wide", locale=locale)[month]


def month_abbreviation(month: int, locale: str = "sv") -> str:
    """ "aug." ("mars", "maj", "juni" and "juli" are not shortened in Swedish)."""
    return get_month_names("abbreviated", locale=locale)[month]


def months_to(end_month: int, year: int, locale: str = "sv") -> str:
    """The months from January to ``end_month`` in short: "jan–aug 2020", the whole year
    "2020", January alone "jan 2020"."""
    if end_month == 12:
        return str(year)
    last = month_abbreviation(end_month, locale).rstrip(".")
    if end_month == 1:
        return f"{last} {year}"
    return f"{month_abbreviation(1, locale).rstrip('.')}–{last} {year}"
