"""The dashboard's per-unit figures agree with the report's operating summary, cell by cell."""

import pytest

from tertial.core.formatting import format_tkr
from tertial.economy.figures import unit_figures
from tertial.economy.tables import full_year_forecast, operating_summary

pytestmark = pytest.mark.django_db


def test_unit_figures_match_the_report_tables(vss, period_2020_08):
    figures = unit_figures(period_2020_08)
    units = {unit.code: unit for unit in vss.units.all()}
    summary = operating_summary(period_2020_08)
    forecast = full_year_forecast(period_2020_08)
    compared = 0
    for row in summary.rows:
        if not row.ref.startswith("unit:"):
            continue
        unit_fig = figures[units[row.ref.removeprefix("unit:")].pk]
        assert format_tkr(unit_fig.actual) == row.cells["actual"].text
        assert format_tkr(unit_fig.budget or 0) == row.cells["budget"].text
        assert format_tkr(unit_fig.previous_year) == row.cells["previous_year"].text
        compared += 1
    assert compared >= 8
    compared = 0
    for row in forecast.rows:
        if row.ref.startswith("unit:"):
            unit_fig = figures[units[row.ref.removeprefix("unit:")].pk]
            assert format_tkr(unit_fig.forecast.net_result) == row.cells["forecast"].text
            assert format_tkr(unit_fig.full_year_budget or 0) == row.cells["budget"].text
            compared += 1
    assert compared >= 8


def test_one_unit_alone(vss, period_2020_08):
    lkdata = vss.units.get(code="1800")
    alone = unit_figures(period_2020_08, [lkdata.pk])
    assert list(alone) == [lkdata.pk]
    assert alone[lkdata.pk].actual == unit_figures(period_2020_08)[lkdata.pk].actual


def test_unit_figures_are_exact_to_the_ore_at_any_size(vss, period_2020_08):
    # SQLite keeps decimals as floating point: a plain SUM of these a hundred balances is
    # off by öre; the dashboard sums in whole öre, as the report does.
    from decimal import Decimal

    from tertial.economy.models import Account, LedgerBalance

    unit = vss.units.get(code="1800")
    account = Account.objects.filter(organisation=vss).first()
    before = unit_figures(period_2020_08, [unit.pk])[unit.pk].actual
    amount = Decimal("123456789012.37")
    LedgerBalance.objects.bulk_create(
        LedgerBalance(
            organisation=vss,
            unit=unit,
            account=account,
            year=2020,
            month=1,
            activity=f"E{i}",
            amount=amount,
        )
        for i in range(100)
    )
    after = unit_figures(period_2020_08, [unit.pk])[unit.pk].actual
    assert after == before - 100 * amount
