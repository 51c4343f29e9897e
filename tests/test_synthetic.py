"""The synthetic municipality of the benchmarks, built small."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from tertial.core.evaluation import validate_value
from tertial.economy import tables as economy_tables
from tertial.economy.models import BudgetEntry, Forecast, LedgerBalance
from tertial.goals import tables as goal_tables
from tertial.goals.models import Assessment, BoardGoal, IndicatorValue
from tertial.narrative.models import NarrativeSection
from tertial.organisation.models import Organisation, Period, Unit
from tertial.synthetic import build_municipality


class Rollback(Exception):
    pass


def fingerprint() -> tuple:
    slugs = ["adm-01", "adm-02"]
    return (
        list(
            LedgerBalance.objects.filter(organisation__slug__in=slugs)
            .values_list("organisation__slug", "unit__code", "account__number", "year", "month")
            .annotate(total=Sum("amount"))
            .order_by("organisation__slug", "unit__code", "account__number", "year", "month")
        ),
        list(
            Assessment.objects.filter(period__fiscal_year__organisation__slug__in=slugs)
            .order_by(
                "period__fiscal_year__organisation__slug", "board_goal__code", "period__key", "id"
            )
            .values_list("board_goal__code", "value", "proposed_value", "justification")
        ),
        list(
            IndicatorValue.objects.filter(indicator__organisation__slug__in=slugs)
            .order_by(
                "indicator__organisation__slug",
                "indicator__code",
                "year",
                "through_month",
                "gender",
            )
            .values_list("indicator__code", "year", "through_month", "gender", "value")
        ),
    )


def build_and_roll_back(seed: int) -> tuple:
    result = None
    try:
        with transaction.atomic():
            build_municipality(administrations=2, units=5, seed=seed)
            result = fingerprint()
            raise Rollback
    except Rollback:
        pass
    return result


def test_same_seed_same_data_other_seed_other_data(db):
    first, again, other = build_and_roll_back(1), build_and_roll_back(1), build_and_roll_back(2)
    assert first == again
    assert first[0] != other[0]


@pytest.fixture
def small(db):
    return build_municipality(administrations=2, units=5, seed=0)


def test_organisations_units_and_calendar(small):
    assert [o.slug for o in small] == ["adm-01", "adm-02"]
    counts = dict(
        Unit.objects.filter(organisation__in=small)
        .values_list("organisation__slug")
        .annotate(n=Count("id"))
    )
    assert counts == {"adm-01": 3, "adm-02": 2}
    keys = list(
        Period.objects.filter(fiscal_year__organisation=small[0])
        .order_by("fiscal_year__year", "end_month")
        .values_list("key", flat=True)
    )
    assert keys == ["2019-04", "2019-08", "2019-12", "2020-04", "2020-08", "2020-12"]


def test_ledger_budget_and_forecasts(small):
    adm = small[0]
    units = list(adm.units.order_by("sort_order"))
    ledger = LedgerBalance.objects.filter(organisation=adm)
    # Four accounts a month: 2019 whole and 2020 January–August; the unit that started in 2020
    # has no 2019 rows.
    assert ledger.filter(unit=units[0]).count() == 4 * (12 + 8)
    assert units[-1].starts_on is not None
    assert not ledger.filter(unit=units[-1], year=2019).exists()
    assert not ledger.filter(year=2020, month__gt=8).exists()
    # Ledger sign: sales are credits (negative), costs debits (positive).
    assert ledger.filter(account__account_class__kind="revenue", amount__gt=0).count() == 0
    assert ledger.filter(account__account_class__kind="cost", amount__lt=0).count() == 0
    assert BudgetEntry.objects.filter(unit__organisation=adm).count() == len(units) * 4 * 12
    current = Forecast.objects.filter(unit__organisation=adm, period__key="2020-08")
    assert current.count() == len(units)
    for forecast in current:
        assert forecast.net_result == forecast.revenues - forecast.costs


def test_goals_values_and_texts(small):
    adm = small[0]
    goals = BoardGoal.objects.filter(fiscal_year__organisation=adm, fiscal_year__year=2020)
    assert goals.count() == 8
    august = Period.objects.get(fiscal_year__organisation=adm, key="2020-08")
    for goal in goals:
        assert Assessment.objects.filter(board_goal=goal, period=august).count() == 1
        assert goal.indicators.exists()
    values = IndicatorValue.objects.filter(indicator__organisation=adm)
    assert values.filter(gender="K").exists()
    for value in values.select_related("indicator"):
        assert validate_value(value.indicator.measure, value.value) is None, value
    assert set(NarrativeSection.objects.filter(period=august).values_list("key", flat=True)) >= {
        "mission",
        "head_assessment",
        "economy_summary_deviations",
    }


def test_report_tables_have_real_data(small):
    august = Period.objects.get(fiscal_year__organisation=small[0], key="2020-08")
    summary = economy_tables.operating_summary(august)
    units = list(small[0].units.order_by("sort_order"))
    unit_rows = [row for row in summary.rows if row.role == "data"]
    assert len(unit_rows) == len(units)
    assert all(cell.value is not None for cell in unit_rows[0].cells.values() if cell.source)
    # The unit that started in 2020 shows "-" for the same period last year.
    assert "-" in [cell.text for cell in unit_rows[-1].cells.values()]
    for build in (
        economy_tables.full_year_forecast,
        economy_tables.economy_summary,
        economy_tables.investments,
        economy_tables.revenue_by_kind,
        economy_tables.cost_by_kind,
        goal_tables.core_volumes,
    ):
        table = build(august)
        assert any(
            cell.value not in (None, Decimal(0))
            for row in table.rows
            for cell in row.cells.values()
        )
    assert goal_tables.indicator_tables(august)


def test_refuses_to_mix_with_existing_organisations(small):
    with pytest.raises(ValueError, match="adm-01"):
        build_municipality(administrations=1, units=1)
    assert Organisation.objects.filter(slug__startswith="adm-").count() == 2
