"""Economy services on a small organisation built here, independent of the example."""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model

from tertial.audit.history import history, version_of
from tertial.audit.models import AuditEntry
from tertial.core.errors import PeriodLocked, StaleVersion
from tertial.core.forecast import NO_ROWS_LAST_YEAR
from tertial.economy.forecasts import forecast_accuracy, propose_forecast, reason_text
from tertial.economy.models import (
    BudgetEntry,
    Forecast,
    LedgerBalance,
)
from tertial.economy.services import EconomyError, save_forecast, set_budget_from_year_figure
from tertial.economy.sums import split_sums, unit_month_sums
from tertial.organisation.models import Period, Unit


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
    assert change.who == user.get_username() and change.what == "Sparad"
    net = change.fields[0]
    assert (net.label, net.before, net.after) == ("prognos nettoresultat", "60 tkr", "75 tkr")
    assert change.fields[-1].label == "analys och kommentar"


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
    with pytest.raises(EconomyError, match="månad .* har motsatt tecken"):
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


def test_a_forecast_per_class_is_refused_in_a_locked_period_and_for_anothers_classes(small, user):
    from tertial.core.errors import PeriodLocked
    from tertial.economy.models import AccountClass
    from tertial.economy.services import save_forecast_by_class
    from tertial.organisation.models import Organisation

    a = _unit(small, "10")
    sales = small.account_classes.get(code="sales")
    with pytest.raises(PeriodLocked):
        save_forecast_by_class(a, _period(small, "2020-04"), {sales: "1"}, actor=user)
    other = Organisation.objects.create(slug="other", name="Annan", municipality="K")
    foreign = AccountClass.objects.create(organisation=other, code="x", name="X", kind="cost")
    with pytest.raises(EconomyError, match="annan förvaltning"):
        save_forecast_by_class(a, _period(small, "2020-08"), {foreign: "1"}, actor=user)
    assert not a.forecasts.filter(lines__isnull=False).exists()
