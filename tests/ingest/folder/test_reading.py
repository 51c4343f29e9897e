"""The file readers: encodings, CSV records with editor line numbers, YAML with line marks."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tertial.core.numbers import parse_decimal
from tertial.ingest.folder.reading import FileError, decode, parse_csv, parse_yaml

SWEDISH = "Åsa Öberg på Ängsvägen får 1 000 kr för kaffe & smörgås"


@pytest.mark.parametrize(
    "data",
    [
        SWEDISH.encode("utf-8"),
        b"\xef\xbb\xbf" + SWEDISH.encode("utf-8"),
        SWEDISH.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_legal_encodings_decode_to_the_same_text(data):
    assert decode(data, "f.csv") == SWEDISH


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SWEDISH.encode("utf-16"), "UTF-16"),
        (SWEDISH.encode("utf-16-le"), "UTF-16"),
        ("a;b\nåäö;\x81\n".encode("latin-1"), "0x81"),
        (b"a;b\nx;\x9d\n", "0x9D"),
        (b"\xef\xbb\xbfa;b\n\xff\n", "byteordningsmarkering"),
    ],
)
def test_illegal_encodings_are_refused_naming_the_file(data, expected):
    with pytest.raises(FileError) as info:
        decode(data, "ledger/2020.csv")
    assert info.value.error.file == "ledger/2020.csv"
    assert expected in info.value.error.message


def test_undefined_windows_1252_byte_names_its_line():
    with pytest.raises(FileError) as info:
        decode(b"a;b\nx;y\nz;\x8f\n", "f.csv")
    assert info.value.error.line == 3


def test_csv_lines_are_counted_as_an_editor_shows_them():
    text = '# comment\nUnit;Amount\n\n100;1 234,50\n# another\n200;"multi\nline"\n300;5\n'
    errors = []
    table = parse_csv(text, "f.csv", errors, required=("unit", "amount"))
    assert errors == []
    assert table.header_line == 2
    assert [(r.line, r.values) for r in table.rows] == [
        (4, {"unit": "100", "amount": "1 234,50"}),
        (6, {"unit": "200", "amount": "multi\nline"}),
        (8, {"unit": "300", "amount": "5"}),
    ]


def test_csv_unknown_and_missing_columns():
    errors = []
    table = parse_csv("Unit;Amont\n1;2\n", "f.csv", errors, required=("unit", "amount"))
    assert table is None
    assert {(e.line, e.field) for e in errors} == {(1, "amont"), (1, "amount")}


def test_csv_row_with_wrong_field_count_is_an_error_on_its_line():
    errors = []
    table = parse_csv("a,b\n1,2\n1,2,3\n", "f.csv", errors, required=("a", "b"))
    assert [r.line for r in table.rows] == [2]
    assert [(e.line, e.file) for e in errors] == [(3, "f.csv")]


def test_yaml_mappings_and_lists_know_their_lines():
    doc = parse_yaml("slug: x\nunits:\n  - code: a\n    name: A\n  - {code: b}\n", "o.yaml")
    assert doc.line_of("units") == 2
    units = doc["units"]
    assert units.line_of(0) == 3
    assert units[0].line_of("name") == 4
    assert units[1].line == 5


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\nb: [1, 2\nc: 3\n", 3), ("a: 1\n  b: 2\n", 2), ("a: 1\na: 2\n", 2)],
)
def test_yaml_errors_name_the_line(text, line):
    with pytest.raises(FileError) as info:
        parse_yaml(text, "goals.yaml")
    assert info.value.error.file == "goals.yaml"
    assert info.value.error.line == line


# --- round trip of generated CSV files -------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(list("abcåäöÅÄÖéü XYZ019;,\"'-#%&()")), max_size=20).map(
    str.strip
)
AMOUNT = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2)


def _written(amount: Decimal, decimal_comma: bool, grouped: bool) -> str:
    text = f"{amount:,.2f}" if grouped else f"{amount:.2f}"
    text = text.replace(",", " ")
    return text.replace(".", ",") if decimal_comma else text


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(TEXT, AMOUNT), max_size=8),
    separator=st.sampled_from([";", ","]),
    decimal_comma=st.booleans(),
    grouped=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_csv_round_trip(rows, separator, decimal_comma, grouped, encoding, newline):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, lineterminator=newline)
    writer.writerow(["Nr", "Text", "Amount"])
    for number, (text, amount) in enumerate(rows):
        writer.writerow([number, text, _written(amount, decimal_comma, grouped)])
    data = buffer.getvalue().encode(encoding)

    errors = []
    table = parse_csv(decode(data, "f.csv"), "f.csv", errors, required=("nr", "text", "amount"))
    assert errors == []
    assert table.separator == separator
    assert [(r.get("text"), parse_decimal(r.get("amount"))) for r in table.rows] == rows
    assert [r.line for r in table.rows] == list(range(2, len(rows) + 2))
