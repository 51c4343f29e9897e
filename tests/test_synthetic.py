"""The synthetic municipality of the benchmarks (benchmarks/synthetic.py), built small."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Count

from benchmarks.synthetic import build_municipality, write_municipality
from tertial.audit.models import AuditEntry
from tertial.core.evaluation import validate_value
from tertial.economy import tables as economy_tables
from tertial.economy.models import BudgetEntry, Forecast, ImportBatch, LedgerBalance
from tertial.goals import tables as goal_tables
from tertial.goals.models import Assessment, BoardGoal, IndicatorValue
from tertial.narrative.models import NarrativeSection
from tertial.organisation.models import Organisation, Period, Unit
from tertial.platform.models import CacheVersion


def written(directory: Path, seed: int) -> dict[str, bytes]:
    write_municipality(directory, administrations=2, units=5, seed=seed)
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    first, again = written(tmp_path / "first", 1), written(tmp_path / "again", 1)
    other = written(tmp_path / "other", 2)
    assert "adm-02/ledger/2020.csv" in first
    assert first == again
    assert first.keys() == other.keys()
    assert first["adm-01/ledger/2019.csv"] != other["adm-01/ledger/2019.csv"]


def test_refuses_a_folder_that_exists(tmp_path):
    write_municipality(tmp_path, administrations=1, units=1)
    with pytest.raises(FileExistsError):
        write_municipality(tmp_path, administrations=1, units=1)


@pytest.fixture
def small(db):
    return build_municipality(administrations=2, units=5, seed=0).organisations


def test_loaded_through_the_folder_loader(small):
    for organisation in small:
        assert AuditEntry.objects.filter(
            organisation=organisation, action="organisation.loaded"
        ).exists()
        batches = ImportBatch.objects.filter(organisation=organisation)
        assert sorted(batches.values_list("source_name", flat=True)) == [
            "budget/2020.csv",
            "ledger/2019.csv",
            "ledger/2020.csv",
        ]
        assert not LedgerBalance.objects.filter(organisation=organisation, batch=None).exists()
        assert CacheVersion.objects.filter(scope=organisation.pk).exists()


def test_organisations_units_and_calendar(small):
    assert [o.slug for o in small] == ["adm-01", "adm-02"]
    assert small[0].settings == {"forecast_comment_threshold_kr": 500000}
    counts = dict(
        Unit.objects.filter(organisation__in=small)
        .values_list("organisation__slug")
        .annotate(n=Count("id"))
    )
    assert counts == {"adm-01": 3, "adm-02": 2}
    periods = list(
        Period.objects.filter(fiscal_year__organisation=small[0])
        .order_by("fiscal_year__year", "end_month")
        .values_list("key", "status")
    )
    assert periods == [
        ("2019-04", "locked"),
        ("2019-08", "locked"),
        ("2019-12", "locked"),
        ("2020-04", "locked"),
        ("2020-08", "open"),
        ("2020-12", "open"),
    ]


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
    # Ledger sign: sales are credits (negative), costs debits (positive); amounts with öre.
    assert ledger.filter(account__account_class__kind="revenue", amount__gt=0).count() == 0
    assert ledger.filter(account__account_class__kind="cost", amount__lt=0).count() == 0
    assert ledger.exclude(amount=ledger.first().amount.to_integral_value()).exists()
    assert BudgetEntry.objects.filter(unit__organisation=adm).count() == len(units) * 4 * 12
    for key in ("2020-04", "2020-08"):
        forecasts = Forecast.objects.filter(unit__organisation=adm, period__key=key)
        assert forecasts.count() == len(units)
        for forecast in forecasts:
            assert forecast.net_result == forecast.revenues - forecast.costs


def test_goals_values_and_texts(small):
    adm = small[0]
    goals = BoardGoal.objects.filter(fiscal_year__organisation=adm, fiscal_year__year=2020)
    assert goals.count() == 8
    august = Period.objects.get(fiscal_year__organisation=adm, key="2020-08")
    for goal in goals:
        assessment = Assessment.objects.get(board_goal=goal, period=august)
        assert assessment.items.count() == 3
        assert assessment.proposed_value  # the loader's goals engine proposed one
        assert goal.indicators.exists()
        assert goal.responsible_units.exists()
    values = IndicatorValue.objects.filter(indicator__organisation=adm)
    assert values.filter(gender="K").exists()
    assert values.filter(value=None).exists()  # I.U.
    assert values.filter(kind="forecast", indicator__in_core_volumes=True).count() == 2
    checked = 0
    for value in values.select_related("indicator"):
        assert validate_value(value.indicator.measure, value.value) is None, value
        checked += 1
    # 13 indicators, 4 periods: two of them by gender too; and 2 forecasts of core volumes
    assert checked == values.count() == 11 * 4 + 2 * 3 * 4 + 2
    assert set(NarrativeSection.objects.filter(period=august).values_list("key", flat=True)) >= {
        "mission",
        "head_assessment",
        "economy_summary_deviations",
    }
    assert august.decisions_events.count() == 6
    assert august.plan_follow_ups.count() == 2


def test_report_tables_have_real_data(small):
    august = Period.objects.get(fiscal_year__organisation=small[0], key="2020-08")
    summary = economy_tables.operating_summary(august)
    units = list(small[0].units.order_by("sort_order"))
    unit_rows = [row for row in summary.rows if row.role == "data"]
    assert len(unit_rows) == len(units)
    assert all(cell.value is not None for cell in unit_rows[0].cells.values() if cell.source)
    # The unit that started in 2020 shows "-" for the same period last year.
    assert "-" in [cell.text for cell in unit_rows[-1].cells.values()]
    tables = [
        economy_tables.full_year_forecast,
        economy_tables.economy_summary,
        economy_tables.investments,
        economy_tables.revenue_by_kind,
        economy_tables.cost_by_kind,
        goal_tables.core_volumes,
    ]
    for build in tables:
        table = build(august)
        assert any(
            cell.value not in (None, Decimal(0))
            for row in table.rows
            for cell in row.cells.values()
        ), build.__name__
    assert goal_tables.indicator_tables(august)


def test_refuses_to_mix_with_existing_organisations(small):
    with pytest.raises(ValueError, match="adm-01"):
        build_municipality(administrations=1, units=1)
    assert Organisation.objects.filter(slug__startswith="adm-").count() == 2
