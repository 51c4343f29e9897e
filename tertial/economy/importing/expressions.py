"""DuckDB expressions that parse the text of an export exactly.

Every expression yields NULL for a value it cannot read, so one query finds all bad values
with their line numbers instead of stopping at the first. Amounts become DECIMAL(18,2) and
never pass through a binary float: "1 234,50-" is -1234.50 exactly, and an amount with more
than two decimals is refused rather than rounded.
"""

from __future__ import annotations

# Characters that may group thousands besides the thousands separator itself.
_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "'")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def amount(column: str, decimal_separator: str) -> str:
    """DECIMAL(18,2) from the text in ``column``, or NULL when it is not an exact amount.

    Accepted: an optional sign before or a minus after the number ("1030-", as some
    financial systems export credits), a number in parentheses for a negative one, spaces
    or the other separator grouping thousands in threes, at most two decimals.
    """
    if decimal_separator not in {",", "."}:
        raise ValueError(f"decimal separator must be ',' or '.', not {decimal_separator!r}")
    thousands = "." if decimal_separator == "," else ","
    s = f"CAST({quote_ident(column)} AS VARCHAR)"
    for space in _SPACES:
        s = f"replace({s}, {quote_literal(space)}, '')"
    s = f"replace({s}, '\u2212', '-')"
    # s: the value without spaces. Sign handling yields the unsigned digits and a factor.
    paren = f"(starts_with({s}, '(') AND ends_with({s}, ')'))"
    unparen = f"CASE WHEN {paren} THEN {s}[2:-2] ELSE {s} END"
    trailing = f"ends_with({unparen}, '-')"
    body = f"CASE WHEN {trailing} THEN {unparen}[:-2] ELSE {unparen} END"
    leading = f"(starts_with({body}, '-') OR starts_with({body}, '+'))"
    digits = f"CASE WHEN {leading} THEN {body}[2:] ELSE {body} END"
    negative = (
        f"((CASE WHEN {paren} THEN 1 ELSE 0 END) + (CASE WHEN {trailing} THEN 1 ELSE 0 END)"
        f" + (CASE WHEN starts_with({body}, '-') THEN 1 ELSE 0 END)) % 2 = 1"
    )
    t, d = quote_literal(thousands), quote_literal(decimal_separator)
    esc_t = "\\." if thousands == "." else ","
    esc_d = "\\." if decimal_separator == "." else ","
    grouping_ok = (
        f"(NOT contains({digits}, {t}) OR "
        f"regexp_full_match({digits}, '[0-9]{{1,3}}({esc_t}[0-9]{{3}})+({esc_d}[0-9]*)?'))"
    )
    number = f"replace(replace({digits}, {t}, ''), {d}, '.')"
    # Only digits and at most two decimals: TRY_CAST alone would accept "1e5" and round "0,005".
    plain = f"(ltrim({number}, '0123456789.') = '' AND {number} <> '' AND {number} <> '.')"
    decimals_ok = f"(strpos({number}, '.') = 0 OR length({number}) - strpos({number}, '.') <= 2)"
    value = f"TRY_CAST({number} AS DECIMAL(18,2))"
    return (
        f"(CASE WHEN {plain} AND {decimals_ok} AND {grouping_ok} "
        f"THEN (CASE WHEN {negative} THEN -{value} ELSE {value} END) END)"
    )


def period_year_month(column: str) -> tuple[str, str]:
    """Year and month from a period written YYYYMM, YYYY-MM or YYYY/MM; NULL otherwise."""
    p = f"trim(CAST({quote_ident(column)} AS VARCHAR))"
    for separator in ("-", "/", " "):
        p = f"replace({p}, '{separator}', '')"
    ok = f"(length({p}) = 6 AND ltrim({p}, '0123456789') = '')"
    number = f"TRY_CAST({p} AS INTEGER)"
    month_ok = f"({number} % 100 BETWEEN 1 AND 12)"
    year = f"(CASE WHEN {ok} AND {month_ok} THEN {number} // 100 END)"
    month = f"(CASE WHEN {ok} AND {month_ok} THEN {number} % 100 END)"
    return year, month


def date_year_month(column: str, date_format: str) -> tuple[str, str]:
    """Year and month of a date written in ``date_format`` (strptime codes); NULL otherwise."""
    d = f"TRY_STRPTIME(trim(CAST({quote_ident(column)} AS VARCHAR)), {quote_literal(date_format)})"
    return f"year({d})", f"month({d})"


def year_and_month(year_column: str, month_column: str) -> tuple[str, str]:
    """Year and month from two columns of whole numbers; NULL for anything else."""
    y = f"trim(CAST({quote_ident(year_column)} AS VARCHAR))"
    m = f"trim(CAST({quote_ident(month_column)} AS VARCHAR))"
    y_ok = f"(length({y}) = 4 AND ltrim({y}, '0123456789') = '')"
    m_ok = f"(length({m}) BETWEEN 1 AND 2 AND ltrim({m}, '0123456789') = '')"
    month_value = f"TRY_CAST({m} AS INTEGER)"
    ok = f"({y_ok} AND {m_ok} AND {month_value} BETWEEN 1 AND 12)"
    return (
        f"(CASE WHEN {ok} THEN TRY_CAST({y} AS INTEGER) END)",
        f"(CASE WHEN {ok} THEN {month_value} END)",
    )


def code(column: str) -> str:
    """A code as written, without surrounding spaces; NULL when empty."""
    return f"nullif(trim(CAST({quote_ident(column)} AS VARCHAR)), '')"


def dimension(column: str | None) -> str:
    """An optional dimension (activity, project): the empty string when absent."""
    if column is None:
        return "''"
    return f"coalesce(trim(CAST({quote_ident(column)} AS VARCHAR)), '')"
