"""A cell's source read as a structured reference, as the API gives it."""

import pytest

from tertial.core.tables import source_reference


@pytest.mark.parametrize(
    ("source", "reference"),
    [
        (
            "ledger:unit=1800;year=2020;months=1-8",
            {"kind": "ledger", "unit": "1800", "year": 2020, "months": [1, 2, 3, 4, 5, 6, 7, 8]},
        ),
        (
            "ledger:org=vss;year=2019;months=1",
            {"kind": "ledger", "org": "vss", "year": 2019, "months": [1]},
        ),
        (
            "frame:project=P1;year=2020;approved<=2020-08-31",
            {"kind": "frame", "project": "P1", "year": 2020, "approved_until": "2020-08-31"},
        ),
        ("formula:actual − budget; a=b", {"kind": "formula", "formula": "actual − budget; a=b"}),
        ("indicator:svar 2020-08 actual", {"kind": "indicator", "text": "svar 2020-08 actual"}),
        ("", None),
    ],
)
def test_a_source_reads_as_its_kind_and_terms(source, reference):
    assert source_reference(source) == reference
