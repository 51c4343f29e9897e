"""Properties of the readers, for any input hypothesis makes up."""

import datetime
from decimal import Decimal

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tertial.core.formula import FormulaError, evaluate
from tertial.core.numbers import NumberFormatError, parse_decimal
from tertial.core.sql import quote_literal
from tertial.ingest.folder.reading import FileError, parse_yaml
from tertial.ingest.ledger.expressions import amount_relation, period_year_month

# What a cell of an export may hold: digits, separators, signs, spaces and a few strangers.
NUMBER_TEXT = st.text(alphabet="0123456789 ,.-+()\u00a0\u2212'e", max_size=24)


@given(NUMBER_TEXT)
def test_the_number_parser_reads_a_finite_number_or_refuses(text):
    try:
        value = parse_decimal(text)
    except NumberFormatError:
        return
    assert value.is_finite()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NUMBER_TEXT, min_size=1, max_size=30))
def test_the_ledger_reader_reads_an_amount_exactly_as_the_number_parser_or_not_at_all(texts):
    con = duckdb.connect()
    rows = ", ".join(f"({i}, {quote_literal(t)})" for i, t in enumerate(texts))
    source = f"(SELECT * FROM (VALUES {rows}) AS s(i, t))"
    read = dict(
        con.execute(f"SELECT i, v FROM {amount_relation(source, 't', ',', 'v')}").fetchall()
    )
    for i, text in enumerate(texts):
        try:
            expected = parse_decimal(text, decimal_separator=",")
        except NumberFormatError:
            expected = None
        if read[i] is None:
            continue  # the reader is stricter: two decimals at most, 16 digits, no "e"
        assert expected is not None and read[i] == expected, (text, read[i], expected)


@given(st.integers(-5, 10_005), st.integers(-2, 15), st.integers(-2, 40))
def test_a_date_in_yaml_is_the_date_it_says_or_an_error_on_its_line(year, month, day):
    text = f"{year:04d}-{month:02d}-{day:02d}" if year >= 0 and month >= 0 and day >= 0 else "x"
    try:
        document = parse_yaml(f"a: 1\nd: {text}\n", "f.yaml")
    except FileError as error:
        assert error.error.line == 2
        return
    value = document["d"]
    if isinstance(value, datetime.date):
        assert value == datetime.date(year, month, day)


@settings(deadline=None)
@given(st.text(alphabet="0123456789-/ ", max_size=9))
def test_the_ledger_period_is_a_real_month_or_nothing(text):
    con = duckdb.connect()
    year, month = period_year_month("p")
    got = con.execute(f"SELECT {year}, {month} FROM (SELECT ? AS p)", [text]).fetchone()
    if got[0] is not None:
        assert 1 <= got[1] <= 12 and 0 <= got[0] <= 9999


LEAVES = st.one_of(
    st.sampled_from(["a", "b", "c"]),
    st.decimals(min_value=-1000, max_value=1000, places=2).map(str),
)


def _expression(leaves):
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"-{e}"),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"max({', '.join(xs)})"),
            inner.map(lambda e: f"abs({e})"),
        ),
        max_leaves=25,
    )


VALUES = {"a": Decimal("2.5"), "b": Decimal("-4"), "c": Decimal("0.1")}


@given(_expression(LEAVES))
def test_the_formula_evaluator_computes_or_refuses_with_a_reason(text):
    try:
        result = evaluate(text, VALUES)
    except FormulaError as error:
        assert error.message
        return
    assert result is None or result.is_finite()
