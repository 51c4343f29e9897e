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
    InvestmentFrame,
    InvestmentOutcome,
    InvestmentProject,
)
from tertial.economy.sums import split_sums
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


def year_budgets(organisation: Organisation, year: int) -> list[YearBudget]:
    """Every unit's budget of ``year`` per account class, by unit and class order."""
    sums = split_sums(
        BudgetEntry.objects.filter(unit__organisation=organisation, year=year),
        ["unit_id", "account_class_id"],
    )
    units = {u.pk: u for u in organisation.units.all()}
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
