"""The economy tests' small organisation, built here, independent of the example."""

import datetime
from decimal import Decimal as D

import pytest

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
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit


@pytest.fixture
def small(db):
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
