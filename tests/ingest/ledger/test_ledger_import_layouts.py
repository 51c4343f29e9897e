"""Every layout the import reads gives the same balances."""

import datetime
from decimal import Decimal

import pytest

from tertial.ingest.ledger.importer import import_ledger
from tertial.ingest.ledger.mapping import load_mapping, mapping_from_dict
from tertial.ingest.ledger.tracing import rows_behind
from tests.ingest.ledger.helpers import agresso, balances, write

EXPECTED = {
    ("1100", "5010", 2020, 1, "", ""): Decimal("1234.50"),
    ("1100", "3510", 2020, 2, "", ""): Decimal("-2000.00"),
}


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom", "decimal", "newline"),
    [
        (";", "cp1252", False, ",", "\n"),
        (";", "utf-8", False, ",", "\r\n"),
        (";", "utf-8", True, ",", "\n"),
        (",", "utf-8", True, ".", "\r\n"),
        (",", "cp1252", False, ".", "\n"),
        ("\t", "utf-8", False, ",", "\n"),
    ],
)
def test_csv_variants_with_detected_settings(
    org, tmp_path, delimiter, encoding, bom, decimal, newline
):
    def amount(text):
        return (
            text.replace(",", decimal)
            if decimal == ","
            else text.replace(".", "_").replace(",", ".").replace("_", ",")
        )

    rows = [
        ["Period", "Konto", "Ansvar", "Verksamhet", "Projekt", "Belopp", "Text"],
        ["202001", "5010", "1100", "", "", "1 234,50" if decimal == "," else "1,234.50", "Lön Åsa"],
        [
            "202002",
            "3510",
            "1100",
            "",
            "",
            "2 000,00-" if decimal == "," else "2,000.00-",
            "Försäljning",
        ],
    ]
    quote = '"' if delimiter == "," else ""
    lines = [
        delimiter.join(f"{quote}{v}{quote}" if v and quote and "," in v else v for v in r)
        for r in rows
    ]
    path = tmp_path / "hb.csv"
    data = newline.join(lines).encode(encoding) + newline.encode()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    mapping = agresso(encoding="auto", delimiter="auto", decimal_separator="auto")
    import_ledger(org, path, mapping=mapping)
    assert balances(org) == EXPECTED
    assert rows_behind(org, "1100", 2020, [1])[0]["text"] == "Lön Åsa"


def test_windows_1252_characters_outside_latin_1(org, tmp_path):
    path = write(
        tmp_path / "hb.csv",
        [
            "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text",
            "202001;5010;1100;;;1 234,50;Resa – 12 €",
        ],
    )
    import_ledger(org, path, mapping=agresso())
    assert rows_behind(org, "1100", 2020, 1)[0]["text"] == "Resa – 12 €"


def test_thousands_point_with_decimal_comma(org, tmp_path):
    path = write(
        tmp_path / "hb.csv",
        [
            "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text",
            "202001;5010;1100;;;1.234,50;x",
            "202002;3510;1100;;;-2.000;x",
        ],
    )
    import_ledger(org, path, mapping=agresso())
    assert balances(org) == EXPECTED


def test_raindance_debit_credit_and_dates(org, tmp_path):
    path = write(
        tmp_path / "rd.csv",
        [
            "Datum;Ansvar;Konto;Aktivitet;Projekt;Debet;Kredit;Text",
            "2020-01-15;1100;5010;;;1 234,50;;Lön",
            "2020-02-03;1100;3510;;;;2 000,00;Faktura",
        ],
    )
    import_ledger(org, path, mapping="raindance")
    assert balances(org) == EXPECTED


def test_tertial_layout_monthly_balances(org, tmp_path):
    path = write(
        tmp_path / "ledger.csv",
        [
            "year;month;unit;account;activity;project;amount",
            "2020;1;1100;5010;;;1 234,50",
            "2020;2;1100;3510;;;-2 000,00",
        ],
        encoding="utf-8",
    )
    import_ledger(org, path, mapping="tertial")
    assert balances(org) == EXPECTED


def test_xlsx(org, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Ansvar", "Konto", "Aktivitet", "Projekt", "Debet", "Kredit", "Text"])
    sheet.append([datetime.datetime(2020, 1, 15), 1100, 5010, None, None, 1234.5, None, "Lön"])
    sheet.append([])
    sheet.append([datetime.datetime(2020, 2, 3), "1100", "3510", None, None, None, 2000, "Faktura"])
    path = tmp_path / "hb.xlsx"
    workbook.save(path)
    import_ledger(org, path, mapping="raindance")
    assert balances(org) == EXPECTED
    assert [r["line"] for r in rows_behind(org, "1100", 2020, [1, 2])] == [2, 4]


def test_parquet(org, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "hb.parquet"
    pq.write_table(
        pa.table(
            {
                "Period": ["202001", "202002"],
                "Konto": ["5010", "3510"],
                "Ansvar": ["1100", "1100"],
                "Verksamhet": [None, None],
                "Projekt": [None, None],
                "Belopp": pa.array([Decimal("1234.50"), Decimal("-2000.00")], pa.decimal128(18, 2)),
                "Text": ["Lön", "Faktura"],
            }
        ),
        path,
    )
    import_ledger(org, path, mapping=agresso(format="parquet", decimal_separator="auto"))
    assert balances(org) == EXPECTED
    assert [r["line"] for r in rows_behind(org, "1100", 2020, [1, 2])] == [1, 2]


def test_header_row_below_a_title(org, tmp_path):
    path = write(
        tmp_path / "hb.csv",
        [
            "Huvudbok 2020",
            "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text",
            "202001;5010;1100;;;1 234,50;x",
            "202002;3510;1100;;;-2 000;x",
        ],
    )
    import_ledger(org, path, mapping=agresso(header_row=2))
    assert balances(org) == EXPECTED
    assert rows_behind(org, "1100", 2020, 2)[0]["line"] == 4


def test_shipped_mappings_load():
    for name in ("unit4-agresso", "raindance", "tertial", "tertial-budget", "unit4-agresso-budget"):
        assert load_mapping(name).columns


@pytest.mark.parametrize(
    "data",
    [
        {"columns": {"period": "P", "unit": "A", "amount": "B"}},  # no account
        {"columns": {"period": "P", "date": "D", "unit": "A", "account": "K", "amount": "B"}},
        {"columns": {"period": "P", "unit": "A", "account": "K", "debit": "D"}},
        {"columns": {"period": "P", "unit": "A", "account": "K", "amount": "B"}, "delimiter": "x"},
        {"columns": {"period": "P", "unit": "A", "account": "K", "amount": "B"}, "colour": 1},
    ],
)
def test_bad_mappings_refused(data):
    from tertial.ingest.ledger.mapping import MappingError

    with pytest.raises(MappingError):
        mapping_from_dict(data)
