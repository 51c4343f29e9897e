"""Economy services on a small organisation built here, independent of the example."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model

from tertial.audit.history import history, version_of
from tertial.audit.models import AuditEntry
from tertial.core.errors import PeriodLocked, StaleVersion
from tertial.core.forecast import NO_ROWS_LAST_YEAR
from tertial.economy.forecasts import forecast_accuracy, propose_forecast, reason_text
from tertial.economy.models import (
    Account,
    AccountClass,
    AccountRange,
    BudgetEntry,
    Forecast,
    InvestmentFrame,
    InvestmentOutcome,
    InvestmentProject,
    LedgerBalance,
)
from tertial.economy.services import EconomyError, save_forecast, set_budget_from_year_figure
from tertial.economy.sums import split_sums, unit_month_sums
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit


def build_small_org():
    """Three units (C has no figures), 2019 in full, 2020 to August, one investment project.

    The ledger amounts carry öre and fractions of a tkr, so sums rounded from exact amounts
    can be told apart from sums of rounded rows.
    """
    org = Organisation.objects.create(slug="tiny", name="Liten förvaltning", municipality="K")
    a = Unit.objects.create(organisation=org, code="10", name="Alfa", sort_order=1)
    b = Unit.objects.create(
        organisation=org,
        code="20",
        name="Beta",
        sort_order=2,
        starts_on=datetime.date(2020, 1, 1),
    )
    Unit.objects.create(
        organisation=org,
        code="30",
        name="Gamma",
        sort_order=3,
        starts_on=datetime.date(2020, 12, 1),
    )
    classes = {}
    for code, name, kind, first, last, order in [
        ("sales", "Försäljning", "revenue", 3000, 3999, 1),
        ("personnel", "Personal", "cost", 5000, 5999, 2),
        ("premises", "Lokaler", "cost", 6000, 6199, 3),
        ("financial", "Finansiella poster", "financial", 8000, 8999, 4),
    ]:
        cls = AccountClass.objects.create(
            organisation=org, code=code, name=name, kind=kind, sort_order=order
        )
        AccountRange.objects.create(account_class=cls, first=first, last=last)
        classes[code] = cls
    accounts = {
        number: Account.objects.create(organisation=org, number=number, account_class=classes[c])
        for number, c in [
            ("3510", "sales"),
            ("5010", "personnel"),
            ("6110", "premises"),
            ("8400", "financial"),
        ]
    }
    fy2019 = FiscalYear.objects.create(organisation=org, year=2019)
    fy2020 = FiscalYear.objects.create(organisation=org, year=2020)
    Period.objects.create(
        fiscal_year=fy2019, key="2019-12", kind="annual", end_month=12, status="locked"
    )
    p04 = Period.objects.create(
        fiscal_year=fy2020, key="2020-04", kind="tertial", end_month=4, status="locked"
    )
    p08 = Period.objects.create(fiscal_year=fy2020, key="2020-08", kind="interim", end_month=8)

    def book(unit, number, year, month, amount):
        LedgerBalance.objects.create(
            organisation=org,
            unit=unit,
            account=accounts[number],
            year=year,
            month=month,
            amount=D(amount),
        )

    for month in range(1, 13):
        book(a, "3510", 2019, month, "-100000.40")
        book(a, "5010", 2019, month, "90000.10")
    book(a, "8400", 2019, 3, "5000.00")
    book(a, "8400", 2019, 4, "-2000.00")
    for month in range(1, 9):
        book(a, "3510", 2020, month, "-110000.00")
        book(a, "5010", 2020, month, "100000.00")
        book(a, "6110", 2020, month, "200.30")
        book(b, "3510", 2020, month, "-50000.25")
        book(b, "5010", 2020, month, "60000.00")
    for month in range(1, 13):
        BudgetEntry.objects.create(
            unit=a, account_class=classes["sales"], year=2020, month=month, amount=D("-120000")
        )
        BudgetEntry.objects.create(
            unit=a, account_class=classes["personnel"], year=2020, month=month, amount=D("115000")
        )
    Forecast.objects.create(
        unit=a, period=p08, net_result=D("60000"), revenues=D("1400000"), costs=D("1340000")
    )
    Forecast.objects.create(
        unit=b, period=p08, net_result=D("-150000"), revenues=D("600000"), costs=D("750000")
    )
    Forecast.objects.create(unit=a, period=p04, net_result=D("100000"))
    project = InvestmentProject.objects.create(organisation=org, unit=a, code="it", name="IT")
    InvestmentFrame.objects.create(
        project=project, year=2020, amount=D("1000000"), approved_on=datetime.date(2019, 11, 26)
    )
    InvestmentFrame.objects.create(
        project=project, year=2020, amount=D("500000"), approved_on=datetime.date(2020, 10, 1)
    )  # after August
    InvestmentFrame.objects.create(project=project, year=2020, amount=D("250000"))
    InvestmentOutcome.objects.create(
        project=project,
        period=p08,
        expenditure_to_date=D("300000.50"),
        income_to_date=D("10000"),
        forecast_expenditure=D("1600000"),
        forecast_income=D("20000"),
    )
    return org


@pytest.fixture
def small(db):
    return build_small_org()


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("controller", password="x")


def _unit(org, code):
    return org.units.get(code=code)


def _period(org, key):
    return Period.objects.get(fiscal_year__organisation=org, key=key)


def test_save_forecast_changes_the_one_forecast_and_logs_the_change(small, user):
    a, p08 = _unit(small, "10"), _period(small, "2020-08")
    first = Forecast.objects.get(unit=a, period=p08)
    new = save_forecast(
        a,
        p08,
        net_result=D("75000"),
        revenues="1400000",
        costs=D("1325000"),
        comment="Bättre än väntat.",
        actor=user,
        base_version=version_of(first),
    )
    assert new.pk == first.pk and new.version == first.version + 1 and new.updated_by == user
    assert Forecast.objects.filter(unit=a, period=p08).count() == 1
    entry = AuditEntry.objects.get(action="economy.forecast.saved")
    assert entry.before["net_result"] == "60000.00" and entry.after["net_result"] == "75000"
    assert entry.actor == user and entry.organisation == small
    (change,) = history(new)
    assert change.who == user.get_username() and "75000" in change.after


def test_save_forecast_refuses_a_save_based_on_an_older_version(small, user):
    a, p08 = _unit(small, "10"), _period(small, "2020-08")
    first = Forecast.objects.get(unit=a, period=p08)
    seen = version_of(first)
    save_forecast(a, p08, net_result=D("1"), actor=user, base_version=seen)
    with pytest.raises(StaleVersion) as refused:
        save_forecast(a, p08, net_result=D("2"), actor=user, base_version=seen)
    assert refused.value.current.net_result == D("1")
    assert Forecast.objects.get(unit=a, period=p08).net_result == D("1")


def test_the_first_forecast_of_a_unit_is_created_by_a_save_from_an_empty_form(small, user):
    b, p08 = _unit(small, "20"), _period(small, "2020-08")
    Forecast.objects.filter(unit=b, period=p08).delete()
    created = save_forecast(b, p08, net_result=D("3"), actor=user, base_version="")
    assert created.version == 1
    assert AuditEntry.objects.get(action="economy.forecast.saved").before is None
    # A second form opened before the first save was also empty: it is now stale.
    with pytest.raises(StaleVersion):
        save_forecast(b, p08, net_result=D("4"), actor=user, base_version="")


def test_save_forecast_refuses_a_locked_period(small, user):
    a, p04 = _unit(small, "10"), _period(small, "2020-04")
    with pytest.raises(PeriodLocked, match="2020-04 är låst"):
        save_forecast(a, p04, net_result=D("1"), comment="", actor=user)
    assert Forecast.objects.get(unit=a, period=p04).net_result == D("100000")
    assert not AuditEntry.objects.filter(action="economy.forecast.saved").exists()


def test_save_forecast_refuses_revenues_and_costs_that_do_not_make_the_net(small, user):
    with pytest.raises(EconomyError, match="inte nettoresultatet"):
        save_forecast(
            _unit(small, "10"),
            _period(small, "2020-08"),
            net_result=D("5"),
            revenues=D("10"),
            costs=D("6"),
            comment="",
            actor=user,
        )
    with pytest.raises(TypeError):
        save_forecast(
            _unit(small, "10"), _period(small, "2020-08"), net_result=5.0, comment="", actor=user
        )


def test_propose_forecast(small):
    a, b, p08 = _unit(small, "10"), _unit(small, "20"), _period(small, "2020-08")
    proposals = propose_forecast(a, p08)
    # Alfa: 8 × (110 000 − 100 000 − 200,30) = 78 397,60 to date
    assert proposals.actual_to_date == D("78397.60")
    # plus the budget of September–December: 4 × (120 000 − 115 000)
    assert proposals.remaining_budget.net_result == D("98397.60")
    # 2019: 12 × 10 000,30 − 5 000 + 2 000 = 117 003,60 of which Jan–Aug 80 002,40 − 3 000
    profile = proposals.last_year_profile
    assert profile.share == D("77002.40") / D("117003.60")
    assert profile.net_result == D("119123.58")  # 78 397,60 × 117 003,60 / 77 002,40
    beta = propose_forecast(b, p08)
    assert beta.last_year_profile.net_result is None
    assert beta.last_year_profile.reason == NO_ROWS_LAST_YEAR
    assert "inga bokförda belopp" in reason_text(beta.last_year_profile)
    assert beta.remaining_budget.net_result == D("-79998.00")


def test_a_units_month_sums_are_those_of_ore_sums(small):
    for unit in Unit.objects.filter(organisation=small):
        expected = {
            ("ledger", year, month): sums
            for (year, month), sums in split_sums(
                LedgerBalance.objects.filter(unit=unit, year__in=[2019, 2020]), ["year", "month"]
            ).items()
        }
        expected |= {
            ("budget", year, month): sums
            for (year, month), sums in split_sums(
                BudgetEntry.objects.filter(unit=unit, year=2020), ["year", "month"]
            ).items()
        }
        assert unit_month_sums(unit.pk, 2020) == expected


def test_forecast_accuracy_against_closed_accounts(small):
    rows = forecast_accuracy(small, 2019)
    assert rows == []  # no forecasts were made in 2019
    Forecast.objects.create(
        unit=_unit(small, "10"), period=_period(small, "2019-12"), net_result=D("100000")
    )
    (row,) = forecast_accuracy(small, 2019)
    assert row.closed == D("117003.60")
    assert row.accuracy.difference == D("-17003.60")
    assert round(row.accuracy.percent, 2) == D("-14.53")
    rows_2020 = forecast_accuracy(small, 2020)
    assert [(r.unit.code, r.period.key) for r in rows_2020] == [
        ("10", "2020-04"),
        ("10", "2020-08"),
        ("20", "2020-08"),
    ]
    assert rows_2020[0].closed == D("78397.60")  # the year so far, until it is closed


def test_budget_periodised_by_twelfths_replaces_and_audits(small, user):
    a = _unit(small, "10")
    sales = small.account_classes.get(code="sales")
    entries = set_budget_from_year_figure(a, sales, 2020, D("-1000000.00"), "twelfths", actor=user)
    stored = list(
        BudgetEntry.objects.filter(unit=a, account_class=sales, year=2020)
        .order_by("month")
        .values_list("amount", flat=True)
    )
    assert len(entries) == 12 and len(stored) == 12
    assert sum(stored) == D("-1000000.00")
    assert stored[0] == D("-83333.34") and stored[11] == D("-83333.33")
    entry = AuditEntry.objects.get(action="economy.budget.periodised")
    assert entry.before["months"]["1"] == "-120000.00"
    assert entry.after["key"] == "twelfths" and entry.after["months"]["12"] == "-83333.33"


def test_budget_by_previous_year_profile_and_custom_key(small, user):
    a = _unit(small, "10")
    financial = small.account_classes.get(code="financial")
    personnel = small.account_classes.get(code="personnel")
    set_budget_from_year_figure(a, personnel, 2020, "1200000", "previous_year", actor=user)
    stored = list(
        BudgetEntry.objects.filter(unit=a, account_class=personnel, year=2020).values_list(
            "amount", flat=True
        )
    )
    assert stored == [D("100000.00")] * 12  # 2019 was flat
    with pytest.raises(EconomyError, match="opposite sign"):
        set_budget_from_year_figure(a, financial, 2020, "1000", "previous_year", actor=user)
    weights = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    set_budget_from_year_figure(a, personnel, 2020, "100", weights, actor=user)
    stored = list(
        BudgetEntry.objects.filter(unit=a, account_class=personnel, year=2020)
        .order_by("month")
        .values_list("amount", flat=True)
    )
    assert stored == [D("0")] * 8 + [D("25")] * 4
    with pytest.raises(EconomyError, match="Okänd periodiseringsnyckel"):
        set_budget_from_year_figure(a, personnel, 2020, "100", "quarters", actor=user)
