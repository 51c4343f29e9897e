"""What other parts read of budgets, forecasts and investments, beside the report's tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tertial.core.money import exact_sum
from tertial.economy.models import (
    AccountClass,
    BudgetEntry,
    Forecast,
    ForecastLine,
    InvestmentFrame,
    InvestmentOutcome,
    InvestmentProject,
)
from tertial.economy.sums import split_sums, unit_month_sums
from tertial.organisation.models import Organisation, Period, Unit


def forecasts_of(periods: Sequence[Period]) -> list[Forecast]:
    """The forecasts of ``periods``, with their units."""
    return list(Forecast.objects.filter(period__in=periods).select_related("unit"))


def outcomes_of(periods: Sequence[Period]) -> list[InvestmentOutcome]:
    """The investment outcomes of ``periods``, with their projects."""
    return list(InvestmentOutcome.objects.filter(period__in=periods).select_related("project"))


@dataclass(frozen=True)
class InvestmentRow:
    """A project as the investments page shows it at a period."""

    project: InvestmentProject
    frame: Decimal | None  # the year's frame as approved by the period's end
    frames: list[InvestmentFrame]  # every frame and change of the year
    outcome: InvestmentOutcome | None

    @property
    def forecast_net(self) -> Decimal | None:
        if self.outcome is None:
            return None
        return self.outcome.forecast_expenditure - self.outcome.forecast_income

    @property
    def deviation(self) -> Decimal | None:
        """The frame less the net forecast: positive when the project spends less."""
        if self.frame is None or self.forecast_net is None:
            return None
        return self.frame - self.forecast_net


def investments_of(period: Period) -> list[InvestmentRow]:
    """Every investment project of the period's organisation, by unit, with its frame and
    its outcome at the period."""
    organisation = period.organisation
    frames: dict[int, list[InvestmentFrame]] = defaultdict(list)
    for frame in InvestmentFrame.objects.filter(
        project__organisation=organisation, year=period.year
    ).order_by("approved_on", "pk"):
        frames[frame.project_id].append(frame)
    outcomes = {o.project_id: o for o in InvestmentOutcome.objects.filter(period=period)}
    rows = []
    for project in (
        InvestmentProject.objects.filter(organisation=organisation)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__name", "sort_order", "code")
    ):
        approved = [
            f.amount
            for f in frames[project.pk]
            if f.approved_on is None or f.approved_on <= period.end_date
        ]
        rows.append(
            InvestmentRow(
                project,
                exact_sum(approved) if approved else None,
                frames[project.pk],
                outcomes.get(project.pk),
            )
        )
    return rows


def investment_of(period: Period, pk: int) -> InvestmentProject | None:
    return (
        InvestmentProject.objects.filter(organisation=period.organisation, pk=pk)
        .select_related("unit")
        .first()
    )


def account_class_by_code(organisation: Organisation, code: str) -> AccountClass | None:
    return organisation.account_classes.filter(code=code).first()


@dataclass(frozen=True)
class YearBudget:
    """A unit's budget of one account class for a year, as a person states it: revenues and
    costs both positive (``tertial.economy.services.set_year_budget``)."""

    unit: Unit
    account_class: AccountClass
    amount: Decimal


def year_budgets(
    organisation: Organisation, year: int, unit: Unit | None = None
) -> list[YearBudget]:
    """Every unit's budget of ``year`` per account class (or ``unit``'s alone), by unit and
    class order."""
    entries = BudgetEntry.objects.filter(unit__organisation=organisation, year=year)
    if unit is not None:
        entries = entries.filter(unit=unit)
    sums = split_sums(entries, ["unit_id", "account_class_id"])
    units = {u.pk: u for u in organisation.units.all()} if unit is None else {unit.pk: unit}
    classes = {c.pk: c for c in organisation.account_classes.all()}
    rows = []
    for (unit_id, class_id), total in sums.items():
        unit, account_class = units[unit_id], classes[class_id]
        ledger_total = total.total
        amount = -ledger_total if account_class.kind == AccountClass.Kind.REVENUE else ledger_total
        rows.append(YearBudget(unit, account_class, amount))
    rows.sort(
        key=lambda r: (
            r.unit.sort_order,
            r.unit.name,
            r.account_class.sort_order,
            r.account_class.code,
        )
    )
    return rows


@dataclass(frozen=True)
class ClassForecast:
    """An account class on a unit's page: its full-year budget and the unit's forecast of
    it, both as a person states them (revenues and costs positive); None where none."""

    account_class: AccountClass
    budget: Decimal | None
    forecast: Decimal | None


def forecast_by_class(unit: Unit, period: Period) -> list[ClassForecast]:
    """Every account class of the unit's organisation with the unit's year budget of it and
    its forecast line at ``period``, in class order."""
    budgets = {
        row.account_class.pk: row.amount
        for row in year_budgets(unit.organisation, period.year, unit)
    }
    lines = dict(
        ForecastLine.objects.filter(forecast__unit=unit, forecast__period=period).values_list(
            "account_class_id", "amount"
        )
    )
    return [
        ClassForecast(c, budgets.get(c.pk), lines.get(c.pk))
        for c in unit.organisation.account_classes.all()
    ]


@dataclass(frozen=True)
class MonthFigures:
    """One month of a unit's year, net in the report's sign; the cumulative sums from
    January, the actual ones only up to the follow-up's month."""

    month: int
    actual: Decimal | None
    budget: Decimal | None
    actual_to_date: Decimal | None
    budget_to_date: Decimal


def months_of(unit: Unit, period: Period) -> list[MonthFigures]:
    """The unit's twelve months of the period's year: actual (through the period's month)
    and budget, each month and accumulated."""
    sums = unit_month_sums(unit.pk, period.year)
    months = []
    actual_sum, budget_sum = Decimal(0), Decimal(0)
    for month in range(1, 13):
        actual = sums.get(("ledger", period.year, month))
        budget = sums.get(("budget", period.year, month))
        budget_sum += budget.net if budget else 0
        shown = month <= period.end_month
        if shown:
            actual_sum += actual.net if actual else 0
        months.append(
            MonthFigures(
                month,
                actual.net if actual and shown else None,
                budget.net if budget else None,
                actual_sum if shown else None,
                budget_sum,
            )
        )
    return months
