"""Every printed figure of the reference's economy tables, computed from examples/vss-2020.

The expected figures are typed from /work/shared/reference/vss-delarsrapport-2020-08.txt
(pages "Ekonomi", "Driftsammandrag", "Prognos resultat 2020" and "Investeringar").
"""

from decimal import Decimal as D

import pytest

from tertial.core.formatting import normalise_spaces
from tertial.core.tables import RowRole
from tertial.economy import tables


def printed(table):
    """Each row's label and figures as the reference prints them (plain spaces, "-")."""
    return [
        (
            row.label,
            " ".join(normalise_spaces(row.cells[c.key].text) for c in table.columns).strip(),
        )
        for row in table.rows
    ]


def test_operating_summary_reference(period_2020_08):
    table = tables.operating_summary(period_2020_08)
    assert printed(table) == [
        ("VSS ledning", "-272 0 -272 -203"),
        ("Upphandling & inköp", "-38 0 -38 -"),
        ("Ekonomiservice", "-401 184 -585 -65"),
        ("HR service", "378 270 108 433"),
        ("Kontakt Linköping", "2 532 0 2 532 2 787"),
        ("Stadsarkivet", "127 0 127 87"),
        ("eLärandeCenter", "-1 030 0 -1 030 -"),
        ("LKDATA", "7 190 1 159 6 031 12 976"),
        ("Summa", "8 486 1 613 6 874 16 015"),
    ]
    # the printed deviations add to 6 873; the Summa is rounded from the exact sum
    rows = [r for r in table.rows if r.role == RowRole.DATA]
    assert (
        sum(int(normalise_spaces(r.cells["deviation"].text).replace(" ", "")) for r in rows) == 6873
    )
    summa = table.row("Summa")
    assert summa.cells["deviation"].value == sum(r.cells["deviation"].value for r in rows)
    missing = table.cell("Upphandling & inköp", "previous_year")
    assert missing.text == "-" and missing.value is None
    assert table.column("deviation").note == "Avvikelse = redovisat \u2212 budget"


def test_full_year_forecast_reference(period_2020_08):
    table = tables.full_year_forecast(period_2020_08)
    assert printed(table) == [
        ("VSS ledning", "-1 100 0 -1 100 -2 356"),
        ("Upphandling & inköp", "-100 0 -100 -"),
        ("Ekonomiservice", "-500 0 -500 -476"),
        ("HR service", "200 0 200 -232"),
        ("Kontakt Linköping", "800 0 800 5 027"),
        ("Stadsarkivet", "0 0 0 -24"),
        ("eLärandeCenter", "-700 0 -700 -"),
        ("LKDATA", "4 000 0 4 000 15 362"),
        ("Summa nettokostnader, tkr", "2 600 0 2 600 17 301"),
        ("varav kostnader", "297 560 294 028 3 532 254 067"),
        ("varav intäkter", "300 160 294 028 6 132 271 368"),
    ]
    assert table.row("varav kostnader").role == RowRole.OF_WHICH
    assert table.cell("eLärandeCenter", "closed").value is None


def test_economy_summary_reference(period_2020_08):
    table = tables.economy_summary(period_2020_08)
    assert printed(table) == [
        ("Verksamhetens nettokostnader", "2 600 0 2 600"),
        ("varav nettokostnader för coronapandemin", "- - -"),
        ("varav kostnader", "297 560 294 028 3 532"),
        ("varav intäkter", "300 160 294 028 6 132"),
        ("Investeringar, netto", "60 000 45 000 15 000"),
    ]


def test_investments_reference(period_2020_08):
    table = tables.investments(period_2020_08)
    assert printed(table) == [
        ("LKDATA", ""),
        ("IT-utrustning", "28 564 0 60 000 0 60 000 45 000 15 000"),
        ("Summa investeringar", "28 564 0 60 000 0 60 000 45 000 15 000"),
        ("varav utgifter", "28 564 0 60 000 0 60 000 45 000 15 000"),
        ("varav inkomster", "0 0 0 0 0 0 0"),
    ]


def test_charts_data_agree_with_the_tables(period_2020_08):
    summary = tables.operating_summary(period_2020_08)
    revenues = tables.revenue_by_kind(period_2020_08)
    costs = tables.cost_by_kind(period_2020_08)
    net = revenues.cell("Summa", "current").value - costs.cell("Summa", "current").value
    assert net == summary.cell("Summa", "actual").value
    net_previous = revenues.cell("Summa", "previous").value - costs.cell("Summa", "previous").value
    assert net_previous == summary.cell("Summa", "previous_year").value
    # "för samtliga verksamheter är försäljning av verksamhet största intäktsposten"
    top = max(
        (r for r in revenues.rows if r.role == RowRole.DATA),
        key=lambda r: r.cells["current"].value or 0,
    )
    assert top.label == "Försäljning av verksamhet"
    per_unit = tables.net_result_per_unit(period_2020_08)
    forecast = tables.full_year_forecast(period_2020_08)
    for row in per_unit.rows:
        assert row.cells["forecast"].value == forecast.cell(row.label, "forecast").value
        assert row.cells["closed"].value == forecast.cell(row.label, "closed").value
    assert per_unit.cell("LKDATA", "forecast").value == D("4000000")


@pytest.mark.parametrize(
    "build",
    [
        tables.operating_summary,
        tables.full_year_forecast,
        tables.economy_summary,
        tables.investments,
        tables.revenue_by_kind,
        tables.cost_by_kind,
        tables.net_result_per_unit,
    ],
)
def test_every_figure_is_traceable(period_2020_08, build):
    table = build(period_2020_08)
    traced = 0
    for row in table.rows:
        for key, cell in row.cells.items():
            if cell.value is not None:
                assert cell.source, f"{table.key}: {row.label}/{key} has no source"
                traced += 1
    assert traced > len(table.rows)
