"""Amount parsing in DuckDB: exact round trips, and agreement with tertial.core.numbers."""

from decimal import Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from tertial.core.numbers import NumberFormatError, parse_decimal
from tertial.ingest.ledger.expressions import Layers, amount, amount_relation

AMOUNTS = st.decimals(
    min_value=Decimal("-9999999999999.99"),
    max_value=Decimal("9999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def parse_all(texts: list[str], decimal_separator: str) -> list[Decimal | None]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    layers = Layers()
    amount(layers, "v", decimal_separator, "parsed")
    full = con.execute(f"SELECT i, parsed FROM {layers.sql('t')} ORDER BY i").fetchall()
    # The import's relation, with its short path for plain amounts, reads the same.
    relation = amount_relation("t", "v", decimal_separator, "parsed")
    assert con.execute(f"SELECT i, parsed FROM {relation} ORDER BY i").fetchall() == full
    return [p for _, p in full]


def written(value: Decimal, decimal_separator: str, grouping: str, sign: str) -> str:
    digits = f"{abs(value):.2f}"
    integer, fraction = digits.split(".")
    if grouping:
        groups = []
        while integer:
            groups.insert(0, integer[-3:])
            integer = integer[:-3]
        integer = grouping.join(groups)
    text = f"{integer}{decimal_separator}{fraction}"
    if value < 0:
        text = {"leading": f"-{text}", "trailing": f"{text}-", "minus": f"\u2212{text}",
                "parentheses": f"({text})"}[sign]  # fmt: skip
    return text


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(AMOUNTS, min_size=1, max_size=30),
    decimal_separator=st.sampled_from([",", "."]),
    grouping=st.sampled_from(["", " ", "\u00a0", "thousands"]),
    sign=st.sampled_from(["leading", "trailing", "minus", "parentheses"]),
)
def test_written_amounts_read_back_exactly(values, decimal_separator, grouping, sign):
    if grouping == "thousands":
        grouping = "." if decimal_separator == "," else ","
    texts = [written(v, decimal_separator, grouping, sign) for v in values]
    assert parse_all(texts, decimal_separator) == values


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="0123456789,.- ()+", max_size=12), min_size=1, max_size=30),
    decimal_separator=st.sampled_from([",", "."]),
)
def test_agrees_with_core_parse_decimal(texts, decimal_separator):
    for text, parsed in zip(texts, parse_all(texts, decimal_separator), strict=True):
        try:
            expected = parse_decimal(text, decimal_separator=decimal_separator)
        except NumberFormatError:
            expected = None
        if expected is not None and expected.as_tuple().exponent < -2:
            expected = None  # more than two decimals: refused rather than rounded
        if parsed is None:
            assert expected is None, text
        else:
            assert parsed == expected, text
