"""Sums of the ledger and the budget, aggregated in the database.

The sums are computed in the database, grouped by what the caller needs (unit, account,
month), never row by row in Python, so the tables stay fast with millions of ledger rows.
They are summed as whole öre (ROUND(amount × 100)): exact on PostgreSQL's numeric and on
SQLite, where decimals are stored as floating point and a plain SUM could drift by an öre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    DecimalField,
    F,
    Func,
    QuerySet,
    Sum,
    Value,
    When,
)

from tertial.core.money import ZERO
from tertial.economy.models import BudgetEntry, LedgerBalance
from tertial.organisation.models import Organisation, Unit

ORE = Decimal("0.01")


class _Ore(Func):
    """An amount in whole öre, ROUND(amount × 100), with no casts around it (SQLite only).

    SQLite stores decimals as floating point, where a plain SUM could drift by an öre; a sum
    of whole öre stays exact (integers are exact in a double up to 2^53).
    """

    template = "ROUND(%(expressions)s * 100)"
    output_field = BigIntegerField()


@dataclass(frozen=True)
class Sums:
    """The sums of the positive (debit) and negative (credit) ledger-sign amounts of a group."""

    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.debit + self.credit

    @property
    def net(self) -> Decimal:
        """Net result in the report's sign: revenues − costs."""
        return -self.total


def ore_sums(queryset: QuerySet, group: Sequence[str]) -> dict[tuple, tuple[int, int]]:
    """Debit and credit sums of ``queryset``'s ``amount`` in whole öre, per value of ``group``.

    Only groups with at least one row appear, so "no rows" (shown as "-") stays apart from
    rows that add up to zero.
    """
    connection = connections[queryset.db]
    # PostgreSQL's numeric sums are exact as they are, and twice as fast as summing öre.
    in_ore = connection.vendor == "sqlite"
    amount = _Ore(F("amount")) if in_ore else F("amount")
    kind = BigIntegerField() if in_ore else DecimalField(max_digits=18, decimal_places=2)
    query = (
        queryset.order_by()
        .values(*group)
        .annotate(
            total=Sum(amount),
            credit=Sum(Case(When(amount__lt=0, then=amount), default=Value(0), output_field=kind)),
        )
        .values_list(*group, "total", "credit")
    )
    # Read through a plain cursor: Django's per-value converters cost more than the query
    # itself when a large organisation returns a hundred thousand groups.
    sql, params = query.query.sql_with_params()
    width = len(group)
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor:
            total, credit = row[width] or 0, row[width + 1] or 0
            if not in_ore:
                total, credit = total * 100, credit * 100
            total, credit = int(total), int(credit)
            result[tuple(row[:width])] = (total - credit, credit)
    return result


def split_sums(queryset: QuerySet, group: Sequence[str]) -> dict[tuple, Sums]:
    """Like ``ore_sums``, as exact kronor."""
    return {
        key: Sums(Decimal(debit) * ORE, Decimal(credit) * ORE)
        for key, (debit, credit) in ore_sums(queryset, group).items()
    }


def units_of(organisation: Organisation | int) -> QuerySet:
    """The ids of the organisation's units, as a subquery to filter balances by."""
    # Filtering by the organisation's units (a subquery) lets the database search the
    # (unit, year, month) index unit by unit, instead of skipping through every unit of every
    # organisation in the database: ten times faster for an administration in a municipality.
    return Unit.objects.filter(organisation=organisation).values("id")


def ledger(organisation: Organisation, year: int, last_month: int = 12) -> QuerySet:
    """Ledger balances of ``year`` from January to ``last_month``."""
    return LedgerBalance.objects.filter(
        organisation=organisation,
        unit_id__in=units_of(organisation),
        year=year,
        month__lte=last_month,
    )


def budget(organisation: Organisation, year: int, last_month: int = 12) -> QuerySet:
    return BudgetEntry.objects.filter(
        unit_id__in=units_of(organisation), year=year, month__lte=last_month
    )


def months_text(last_month: int) -> str:
    """How a source string names the months: "1-8", or "1" for January alone."""
    return "1" if last_month == 1 else f"1-{last_month}"


def unit_month_sums(unit_id: int, year: int) -> dict[tuple[str, int, int], Sums]:
    """A unit's ledger of ``year`` and the year before and its budget of ``year``, summed per
    month as ``ore_sums`` sums them, by ("ledger" or "budget", year, month).

    One plain statement for both tables: a unit's page shows the forecast proposals on every
    view, and building the equivalent ORM queries took ten times as long as running them.
    """
    connection = connections[LedgerBalance.objects.db]
    in_ore = connection.vendor == "sqlite"  # as in ore_sums
    amount = "ROUND(amount * 100)" if in_ore else "amount"
    sums = f"year, month, SUM({amount}), SUM(CASE WHEN amount < 0 THEN {amount} ELSE 0 END)"
    ledger = connection.ops.quote_name(LedgerBalance._meta.db_table)
    budget = connection.ops.quote_name(BudgetEntry._meta.db_table)
    sql = (
        f"SELECT 'ledger', {sums} FROM {ledger} WHERE unit_id = %s AND year IN (%s, %s) "
        "GROUP BY year, month UNION ALL "
        f"SELECT 'budget', {sums} FROM {budget} WHERE unit_id = %s AND year = %s "
        "GROUP BY year, month"
    )
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, year - 1, year, unit_id, year])
        for kind, row_year, month, total, credit in cursor:
            total, credit = total or 0, credit or 0
            if not in_ore:
                total, credit = total * 100, credit * 100
            total, credit = int(total), int(credit)
            result[(kind, row_year, month)] = Sums(
                Decimal(total - credit) * ORE, Decimal(credit) * ORE
            )
    return result
