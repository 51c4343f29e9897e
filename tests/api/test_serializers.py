"""Serialising values and report tables to JSON, without a database."""

from decimal import Decimal

import pytest

from tertial.api.serializers import decimal_string, table_json
from tertial.core.tables import Cell, Column, ColumnKind, Row, RowRole, Table


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (None, None, None),
        (Decimal("91.000000"), None, "91"),
        (Decimal("8486123.45"), None, "8486123.45"),
        (Decimal("-1030.50"), None, "-1030.5"),
        (Decimal("1E+3"), None, "1000"),
        (Decimal("0.000000"), None, "0"),
        (Decimal("-0.00"), None, "0"),
        (Decimal("0.000001"), None, "0.000001"),
        (Decimal("2.000000"), 1, "2.0"),
        (Decimal("4.300000"), 2, "4.30"),
        # A value that does not fit the recorded decimals is never cut short.
        (Decimal("4.375000"), 1, "4.375"),
    ],
)
def test_decimal_string(value, decimals, expected):
    assert decimal_string(value, decimals) == expected


def sample_table() -> Table:
    columns = [
        Column("unit", "Verksamhet", ColumnKind.TEXT),
        Column("actual", "Redovisat", ColumnKind.AMOUNT, note="Avvikelse = redovisat − budget"),
        Column("share", "Andel", ColumnKind.PERCENT),
    ]
    rows = [
        Row(
            "LKDATA",
            {
                "unit": Cell("LKDATA"),
                "actual": Cell("1\u00a0500", Decimal("1500.00"), "ledger:unit=1800"),
                "share": Cell("91\u00a0%", Decimal("91"), status="met"),
            },
            ref="unit:1800",
        ),
        Row(
            "Ny verksamhet",
            {"unit": Cell("Ny verksamhet"), "actual": Cell("-"), "share": Cell("I.U.")},
        ),
        Row(
            "Summa",
            {"unit": Cell("Summa"), "actual": Cell("\u22122", Decimal("-1500.00"))},
            role=RowRole.SUM,
        ),
    ]
    return Table("operating_summary", "Driftsammandrag", columns, rows, notes=["Not"])


def test_table_json_keeps_text_exact_value_source_and_rounded_tkr():
    data = table_json(sample_table())
    assert data["key"] == "operating_summary"
    assert data["notes"] == ["Not"]
    assert [c["key"] for c in data["columns"]] == ["unit", "actual", "share"]
    assert data["columns"][1] == {
        "key": "actual",
        "label": "Redovisat",
        "kind": "amount",
        "note": "Avvikelse = redovisat − budget",
    }
    first = data["rows"][0]
    assert first["role"] == "data" and first["ref"] == "unit:1800" and first["level"] == 0
    assert first["cells"]["actual"] == {
        "text": "1\u00a0500",
        "value": "1500",
        "source": "ledger:unit=1800",
        "reference": {"kind": "ledger", "unit": "1800"},
        "tkr": 2,  # half away from zero
    }
    # Only amount columns carry tkr; a status is given where there is one.
    assert first["cells"]["share"] == {
        "text": "91\u00a0%",
        "value": "91",
        "source": "",
        "reference": None,
        "status": "met",
    }
    assert first["cells"]["unit"] == {
        "text": "LKDATA",
        "value": None,
        "source": "",
        "reference": None,
    }


def test_table_json_missing_values_are_null_and_sum_rows_keep_their_role():
    data = table_json(sample_table())
    missing = data["rows"][1]["cells"]
    assert missing["actual"] == {
        "text": "-",
        "value": None,
        "source": "",
        "reference": None,
        "tkr": None,
    }
    assert missing["share"]["value"] is None
    total = data["rows"][2]
    assert total["role"] == "sum"
    assert total["cells"]["actual"]["tkr"] == -2
    # A cell the row does not have is left out rather than invented.
    assert "share" not in total["cells"]
