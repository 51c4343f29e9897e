"""DuckDB expressions that parse the text of an export exactly.

Every expression yields NULL for a value it cannot read, so one query finds all bad values
with their line numbers instead of stopping at the first. Amounts become DECIMAL(18,2) and
never pass through a binary float: "1 234,50-" is -1234.50 exactly, and an amount with more
than two decimals is refused rather than rounded.
"""

from __future__ import annotations

from tertial.core.sql import quote_ident, quote_literal

# Characters that may group thousands besides the thousands separator itself.
_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "'")


class Layers:
    """Columns computed in successive SELECTs, so each step names the result of the last.

    Nesting the steps into one expression would repeat each inner part in every outer one
    that uses it several times, and the expression would grow exponentially.
    """

    def __init__(self) -> None:
        self.layers: list[list[tuple[str, str]]] = []

    def add(self, **columns: str) -> None:
        self.layers.append(list(columns.items()))

    def sql(self, source: str) -> str:
        query = source
        for layer in self.layers:
            fields = ", ".join(f"{sql} AS {quote_ident(name)}" for name, sql in layer)
            query = f"(SELECT *, {fields} FROM {query})"
        return query


def amount(layers: Layers, column: str, decimal_separator: str, name: str) -> None:
    """Add the column ``name``: DECIMAL(18,2) from the text in ``column``, or NULL.

    NULL when it is not an exact amount. Accepted: an optional sign before or a minus after
    the number ("1030-", as some financial systems export credits), a number in parentheses
    for a negative one, spaces or the other separator grouping thousands in threes, at most
    two decimals.
    """
    if decimal_separator not in {",", "."}:
        raise ValueError(f"decimal separator must be ',' or '.', not {decimal_separator!r}")
    thousands = "." if decimal_separator == "," else ","
    p = f"_{name}_"
    text = f"CAST({quote_ident(column)} AS VARCHAR)"
    s = text
    for space in _SPACES:
        s = f"replace({s}, {quote_literal(space)}, '')"
    spaces = "".join(_SPACES)
    # From the first digit to the last: spaces there group thousands in threes ("1 23,00"
    # is refused, not read as 123).
    span = f"regexp_extract({text}, '[0-9](.*[0-9])?')"
    layers.add(
        **{
            f"{p}s": f"replace({s}, '\u2212', '-')",
            f"{p}spacing": f"(NOT regexp_matches({span}, {quote_literal(f'[{spaces}]')}) "
            f"OR regexp_full_match({span}, "
            f"{quote_literal(f'[0-9]{{1,3}}([{spaces}][0-9]{{3}})+([.,][0-9]+)?')}))",
        }
    )
    layers.add(**{f"{p}paren": f"(starts_with({p}s, '(') AND ends_with({p}s, ')'))"})
    layers.add(**{f"{p}u": f"CASE WHEN {p}paren THEN {p}s[2:-2] ELSE {p}s END"})
    layers.add(**{f"{p}trail": f"ends_with({p}u, '-')"})
    layers.add(**{f"{p}b": f"CASE WHEN {p}trail THEN {p}u[:-2] ELSE {p}u END"})
    layers.add(
        **{
            f"{p}lead": f"starts_with({p}b, '-')",
            f"{p}d": f"CASE WHEN starts_with({p}b, '-') OR starts_with({p}b, '+') "
            f"THEN {p}b[2:] ELSE {p}b END",
        }
    )
    t, d = quote_literal(thousands), quote_literal(decimal_separator)
    esc_t = "\\." if thousands == "." else ","
    esc_d = "\\." if decimal_separator == "." else ","
    layers.add(
        **{
            f"{p}n": f"replace(replace({p}d, {t}, ''), {d}, '.')",
            f"{p}grouping": f"(NOT contains({p}d, {t}) OR regexp_full_match({p}d, "
            f"'[0-9]{{1,3}}({esc_t}[0-9]{{3}})+({esc_d}[0-9]*)?'))",
        }
    )
    # Only digits and at most two decimals: TRY_CAST alone would accept "1e5" and round "0,005".
    n = f"{p}n"
    ok = (
        f"ltrim({n}, '0123456789.') = '' AND {n} <> '' AND {n} <> '.' "
        f"AND (strpos({n}, '.') = 0 OR length({n}) - strpos({n}, '.') <= 2) "
        f"AND {p}grouping AND {p}spacing"
    )
    layers.add(
        **{
            f"{p}v": f"CASE WHEN {ok} THEN TRY_CAST({n} AS DECIMAL(18,2)) END",
            f"{p}neg": f"({p}paren::INTEGER + {p}trail::INTEGER + {p}lead::INTEGER) % 2 = 1",
        }
    )
    layers.add(**{name: f"CASE WHEN {p}neg THEN -{p}v ELSE {p}v END"})


def amount_relation(source: str, column: str, decimal_separator: str, name: str) -> str:
    """``source`` with the column ``name``: the amount in ``column`` as ``amount`` reads it.

    Most exports write amounts plainly ("-1234,50"); those rows take a short path of a few
    string functions, and only the others go through the full parser. The rows come out
    in another order.
    """
    layers = Layers()
    amount(layers, column, decimal_separator, name)
    plain, value = plain_amount(column, decimal_separator)
    n = quote_ident(name)
    quick = f"(SELECT *, CASE WHEN {plain} THEN {value} END AS {n} FROM {source})"
    rest = f"(SELECT * EXCLUDE ({n}) FROM {quick} WHERE {n} IS NULL)"
    return (
        f"(SELECT * FROM {quick} WHERE {n} IS NOT NULL "
        f"UNION ALL BY NAME SELECT * FROM {layers.sql(rest)})"
    )


def plain_amount(column: str, decimal_separator: str) -> tuple[str, str]:
    """Whether ``column`` holds a plainly written amount ("-1234,50"), and its value if so.

    Where the condition holds, the value is the amount, or NULL when the text is not one
    after all ("1 000,00"); other rows need ``amount``. Most amounts end in the separator
    and two digits, which a GLOB pattern tells at half a regular expression's cost; before
    them DuckDB's cast reads only spaces, a sign and digits, also grouped by "_", which the
    condition refuses, and yields NULL for anything else.
    """
    c = f"CAST({quote_ident(column)} AS VARCHAR)"
    d = quote_literal(decimal_separator)
    number = c if decimal_separator == "." else f"replace({c}, {d}, '.')"
    value = f"TRY_CAST({number} AS DECIMAL(18,2))"
    escaped = "\\." if decimal_separator == "." else ","
    usual = f"{c} GLOB {quote_literal('*' + decimal_separator + '[0-9][0-9]')}"
    plain = (
        f"(CASE WHEN {usual} THEN NOT contains({c}, '_') "
        f"ELSE coalesce(regexp_full_match({c}, '-?[0-9]+({escaped}[0-9]{{1,2}})?'), false) END)"
    )
    return plain, value


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
    # The usual "202001" takes a short path; anything else the general one above.
    c = quote_ident(column)
    value = f"TRY_CAST({c} AS INTEGER)"
    plain = f"(length({c}) = 6 AND {value} BETWEEN 100001 AND 999912)"
    plain_ok = f"({value} % 100 BETWEEN 1 AND 12)"
    return (
        f"(CASE WHEN {plain} THEN (CASE WHEN {plain_ok} THEN {value} // 100 END) ELSE {year} END)",
        f"(CASE WHEN {plain} THEN (CASE WHEN {plain_ok} THEN {value} % 100 END) ELSE {month} END)",
    )


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
