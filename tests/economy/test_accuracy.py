"""The forecast accuracy table: each follow-up's full-year forecast against the year's
outcome, per unit and summed per follow-up."""

from decimal import Decimal as D

from tertial.core.tables import RowRole
from tertial.economy.models import Forecast
from tertial.economy.tables import forecast_accuracy
from tertial.organisation.models import Period


def _period(org, key):
    return Period.objects.get(fiscal_year__organisation=org, key=key)


def test_each_follow_ups_forecast_is_set_against_the_outcome_per_unit_and_in_total(small):
    table = forecast_accuracy(_period(small, "2020-08"))
    assert [(r.role, r.label) for r in table.rows] == [
        (RowRole.GROUP, "2020-04"),
        (RowRole.DATA, "Alfa"),
        (RowRole.SUM, "Summa 2020-04"),
        (RowRole.GROUP, "2020-08"),
        (RowRole.DATA, "Alfa"),
        (RowRole.DATA, "Beta"),
        (RowRole.SUM, "Summa 2020-08"),
    ]
    alfa_april = table.rows[1].cells
    assert alfa_april["forecast"].value == D("100000")
    assert alfa_april["outcome"].value == D("78397.60")
    assert alfa_april["deviation"].value == D("21602.40")
    assert alfa_april["deviation"].text == "22"
    assert alfa_april["percent"].text == "27,6 %"
    total = table.rows[6].cells
    assert total["forecast"].value == D("-90000")
    assert total["outcome"].value == D("-1600.40")
    assert total["deviation"].value == D("-88399.60")
    assert total["percent"].text == "\u22125\u00a0523,6 %"
    # The year is booked to August only: the outcome says so.
    assert table.column("outcome").label == "Utfall jan–augusti 2020"
    assert any("inte bokslutat" in note for note in table.notes)


def test_a_report_of_an_earlier_follow_up_leaves_the_later_forecasts_out(small):
    table = forecast_accuracy(_period(small, "2020-04"))
    assert [r.label for r in table.rows] == ["2020-04", "Alfa", "Summa 2020-04"]


def test_a_closed_year_is_the_outcome_without_a_note(small):
    Forecast.objects.create(
        unit=small.units.get(code="10"), period=_period(small, "2019-12"), net_result=D("100000")
    )
    table = forecast_accuracy(_period(small, "2019-12"))
    assert table.column("outcome").label == "Utfall 2019"
    assert not any("bokslutat" in note for note in table.notes)
    row = table.rows[1].cells
    assert row["outcome"].value == D("117003.60")
    assert row["percent"].value.quantize(D("0.01")) == D("-14.53")


def test_a_year_without_forecasts_has_no_rows(small):
    Forecast.objects.filter(unit__organisation=small).delete()
    assert forecast_accuracy(_period(small, "2020-08")).rows == []
