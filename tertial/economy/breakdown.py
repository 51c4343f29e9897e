"""What a ledger or budget figure is made of: its accounts (or account classes) by month,
and the imports that brought them.

The first step of tracing a figure (the rows behind one account and month are the next:
tertial.ingest.ledger.tracing). Amounts are exact kronor in the ledger's sign (costs
positive, revenues negative), as the rows behind them are; a net result is minus their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tertial.core.money import ZERO, exact_sum
from tertial.economy.models import Account, AccountClass, ImportBatch
from tertial.economy.sums import ORE, budget, ledger, ore_sums
from tertial.organisation.models import Organisation, Unit

LEDGER = ImportBatch.Kind.LEDGER
BUDGET = ImportBatch.Kind.BUDGET


@dataclass(frozen=True)
class BreakdownRow:
    code: str  # the account's number, or the account class's code
    name: str
    months: dict[int, Decimal]  # month → sum; months without rows are absent

    @property
    def total(self) -> Decimal:
        return exact_sum(self.months.values())


@dataclass(frozen=True)
class Breakdown:
    kind: str  # LEDGER: by account; BUDGET: by account class
    year: int
    months: list[int]
    rows: list[BreakdownRow]
    batches: list[ImportBatch] = field(default_factory=list)  # the imports behind, newest first
    without_import: bool = False  # some budget was set from a year's figure and a key

    def month_total(self, month: int) -> Decimal:
        return exact_sum(row.months.get(month, ZERO) for row in self.rows)

    @property
    def month_totals(self) -> list[Decimal]:
        return [self.month_total(month) for month in self.months]

    @property
    def total(self) -> Decimal:
        return exact_sum(row.total for row in self.rows)

    @property
    def net(self) -> Decimal:
        """The figure in the report's sign: revenues − costs."""
        return -self.total


def _in_kronor(sums: dict[tuple, tuple[int, int]]) -> dict[tuple, Decimal]:
    return {key: Decimal(debit + credit) * ORE for key, (debit, credit) in sums.items()}


def ledger_breakdown(
    organisation: Organisation, year: int, last_month: int, unit: Unit | None = None
) -> Breakdown:
    """The ledger of ``year``, January to ``last_month``, of a unit or the whole organisation,
    by account and month."""
    balances = ledger(organisation, year, last_month)
    if unit is not None:
        balances = balances.filter(unit=unit)
    sums = _in_kronor(ore_sums(balances, ["account_id", "month"]))
    by_account: dict[int, dict[int, Decimal]] = {}
    for (account_id, month), amount in sums.items():
        by_account.setdefault(account_id, {})[month] = amount
    accounts = Account.objects.filter(pk__in=by_account).order_by("number")
    batch_ids = balances.order_by().values_list("batch_id", flat=True).distinct()
    return Breakdown(
        kind=LEDGER,
        year=year,
        months=list(range(1, last_month + 1)),
        rows=[BreakdownRow(a.number, a.name, by_account[a.pk]) for a in accounts],
        batches=list(ImportBatch.objects.filter(pk__in=batch_ids).select_related("imported_by")),
    )


def budget_breakdown(
    organisation: Organisation, year: int, last_month: int, unit: Unit | None = None
) -> Breakdown:
    """The budget of ``year``, January to ``last_month``, of a unit or the whole
    organisation, by account class and month, with the imports that brought it."""
    entries = budget(organisation, year, last_month)
    if unit is not None:
        entries = entries.filter(unit=unit)
    sums = _in_kronor(ore_sums(entries, ["account_class_id", "month"]))
    by_class: dict[int, dict[int, Decimal]] = {}
    for (class_id, month), amount in sums.items():
        by_class.setdefault(class_id, {})[month] = amount
    classes = AccountClass.objects.filter(pk__in=by_class).order_by("sort_order", "code")
    batch_ids = {b for b in entries.order_by().values_list("batch_id", flat=True).distinct()}
    return Breakdown(
        kind=BUDGET,
        year=year,
        months=list(range(1, last_month + 1)),
        rows=[BreakdownRow(c.code, c.name, by_class[c.pk]) for c in classes],
        batches=list(
            ImportBatch.objects.filter(pk__in=batch_ids - {None}).select_related("imported_by")
        ),
        without_import=None in batch_ids,
    )
