"""The economy tables on the small organisation of tests/economy/conftest.py."""

from decimal import Decimal as D

import pytest

from tertial.core.formatting import normalise_spaces
from tertial.core.sharing import sharing
from tertial.core.tables import RowRole
from tertial.economy import tables
from tertial.organisation.models import Period


@pytest.fixture
def p08(small):
    return Period.objects.get(fiscal_year__organisation=small, key="2020-08")


def texts(table, columns=None):
    columns = columns or [c.key for c in table.columns]
    return {row.label: [normalise_spaces(row.cells[c].text) for c in columns] for row in table.rows}


def test_operating_summary(p08, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        table = tables.operating_summary(p08)
    assert texts(table) == {
        "Alfa": ["78", "40", "38", "77"],
        "Beta": ["-80", "-", "-80", "-"],  # no budget, and no rows in 2019
        "Summa": ["-2", "40", "-42", "77"],
    }  # Gamma has no figures at all and is left out
    alfa = table.row("Alfa")
    assert alfa.cells["actual"].value == D("78397.60")
    assert alfa.cells["actual"].source == "ledger:unit=10;year=2020;months=1-8"
    assert alfa.cells["budget"].source == "budget:unit=10;year=2020;months=1-8"
    assert alfa.cells["previous_year"].value == D("77002.40")
    assert table.row("Beta").cells["previous_year"].value is None
    total = table.row("Summa")
    assert total.role == RowRole.SUM
    assert total.cells["actual"].value == D("-1600.40")
    assert total.cells["actual"].source == "ledger:org=tiny;year=2020;months=1-8"
    assert table.column("deviation").note == "Avvikelse = redovisat \u2212 budget"
    assert normalise_spaces(table.column("actual").label) == "Redovisat jan–augusti 2020"


def test_deviation_formula_follows_the_organisations_setting(p08):
    org = p08.fiscal_year.organisation
    org.settings = {"operating_deviation": "budget - actual"}
    org.save()
    table = tables.operating_summary(Period.objects.get(pk=p08.pk))
    assert table.cell("Alfa", "deviation").value == D("-38397.60")
    assert table.column("deviation").note == "Avvikelse = budget \u2212 redovisat"


def test_full_year_forecast(p08, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        table = tables.full_year_forecast(p08)
    assert texts(table) == {
        "Alfa": ["60", "60", "0", "117"],
        "Beta": ["-150", "-", "-150", "-"],
        "Summa nettokostnader, tkr": ["-90", "60", "-150", "117"],
        "varav kostnader": ["2 090", "1 380", "710", "1 085"],
        "varav intäkter": ["2 000", "1 440", "560", "1 202"],
    }
    costs = table.row("varav kostnader")
    assert costs.role == RowRole.OF_WHICH
    # the financial item's debit counts as a cost, its credit as a revenue
    assert costs.cells["closed"].value == D("1085001.20")
    assert table.cell("varav intäkter", "closed").value == D("1202004.80")
    assert (
        table.cell("Alfa", "forecast").source == "forecast:unit=10;period=2020-08;field=net_result"
    )
    assert table.cell("Alfa", "closed").source == "ledger:unit=10;year=2019;months=1-12"


def test_varav_forecast_is_missing_when_a_unit_gave_no_split(p08):
    p08.forecasts.filter(unit__code="20").update(revenues=None, costs=None)
    table = tables.full_year_forecast(p08)
    assert table.cell("varav kostnader", "forecast").text == "-"
    assert table.cell("varav kostnader", "deviation").value == D("-1380000")


def test_investments(p08):
    table = tables.investments(p08)
    assert texts(table) == {
        "Alfa": [""] * 7,
        "IT": ["300", "10", "1 600", "20", "1 580", "1 250", "330"],
        "Summa investeringar": ["300", "10", "1 600", "20", "1 580", "1 250", "330"],
        "varav utgifter": ["300", "0", "1 600", "0", "1 600", "1 250", "350"],
        "varav inkomster": ["0", "10", "0", "20", "-20", "0", "-20"],
    }
    assert table.row("Alfa").role == RowRole.GROUP
    # the frame approved in October is not yet part of the August frame
    assert table.cell("IT", "frame").value == D("1250000")
    assert table.cell("IT", "frame").source == "frame:project=it;year=2020;approved<=2020-08-31"
    assert table.column("deviation").note == "Avvikelse = prognos \u2212 investeringsram"


def test_economy_summary(p08):
    table = tables.economy_summary(p08)
    assert texts(table) == {
        "Verksamhetens nettokostnader": ["-90", "60", "-150"],
        "varav nettokostnader för coronapandemin": ["-", "-", "-"],
        "varav kostnader": ["2 090", "1 380", "710"],
        "varav intäkter": ["2 000", "1 440", "560"],
        "Investeringar, netto": ["1 580", "1 250", "330"],
    }
    p08.forecasts.filter(unit__code="20").update(pandemic_net_cost=D("-45600"))
    table = tables.economy_summary(p08)
    assert texts(table)["varav nettokostnader för coronapandemin"] == ["-46", "-", "-"]


def test_revenue_and_cost_by_kind(p08, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        revenues = tables.revenue_by_kind(p08)
    assert texts(revenues) == {
        "Försäljning": ["1 280", "800"],
        "Finansiella poster": ["-", "2"],
        "Summa": ["1 280", "802"],
    }
    costs = tables.cost_by_kind(p08)
    assert texts(costs) == {
        "Personal": ["1 280", "720"],
        "Lokaler": ["2", "-"],
        "Finansiella poster": ["-", "5"],
        "Summa": ["1 282", "725"],
    }
    # revenues − costs by kind is the operating summary's actual
    net = revenues.cell("Summa", "current").value - costs.cell("Summa", "current").value
    assert net == tables.operating_summary(p08).cell("Summa", "actual").value
    assert costs.cell("Lokaler", "current").source == (
        "ledger:account_class=premises;year=2020;months=1-8"
    )


def test_net_result_per_unit(p08):
    table = tables.net_result_per_unit(p08)
    assert texts(table) == {"Alfa": ["60", "117"], "Beta": ["-150", "-"]}


ALL = [
    tables.operating_summary,
    tables.full_year_forecast,
    tables.economy_summary,
    tables.investments,
    tables.revenue_by_kind,
    tables.cost_by_kind,
    tables.net_result_per_unit,
]


def test_tables_of_one_report_share_their_queries(p08, django_assert_max_num_queries):
    alone = [texts(build(p08)) for build in ALL]
    with django_assert_max_num_queries(14), sharing():
        shared = [texts(build(p08)) for build in ALL]
    assert shared == alone
