"""Economy services: aggregate sums from the ledger and budget, budget periodisation, forecasts.

The sums are computed in the database, grouped by what the caller needs (unit, account,
month), never row by row in Python, so the tables stay fast with millions of ledger rows.
They are summed as whole öre (ROUND(amount × 100)): exact on PostgreSQL's numeric and on
SQLite, where decimals are stored as floating point and a plain SUM could drift by an öre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, transaction
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
from django.utils.translation import gettext_lazy as _

from tertial.audit.history import check_version, save_version
from tertial.audit.log import record
from tertial.core import forecast as core_forecast
from tertial.core.actors import person
from tertial.core.errors import Refused
from tertial.core.money import ZERO, to_decimal
from tertial.core.periodisation import (
    PeriodisationError,
    PeriodisationKey,
    custom_key,
    periodise,
    previous_year_key,
    twelfths,
)
from tertial.economy.models import (
    Account,
    AccountClass,
    BudgetEntry,
    Forecast,
    InvestmentProject,
    LedgerBalance,
)
from tertial.organisation.models import Organisation, Period, Unit
from tertial.organisation.services import ensure_open
from tertial.platform.rows import Synced, delete_unreferred

ORE = Decimal("0.01")


class _Ore(Func):
    """An amount in whole öre, ROUND(amount × 100), with no casts around it (SQLite only).

    SQLite stores decimals as floating point, where a plain SUM could drift by an öre; a sum
    of whole öre stays exact (integers are exact in a double up to 2^53).
    """

    template = "ROUND(%(expressions)s * 100)"
    output_field = BigIntegerField()


class EconomyError(Refused):
    """A request the economy refuses, with a message for the person who made it."""


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


# ---------------------------------------------------------------------------------------------
# Budget


def _key_for(unit: Unit, account_class: AccountClass, year: int, key) -> PeriodisationKey:
    if isinstance(key, PeriodisationKey):
        return key
    if key == "twelfths":
        return twelfths()
    if key == "previous_year":
        by_month = split_sums(
            LedgerBalance.objects.filter(
                unit=unit, account__account_class=account_class, year=year - 1
            ),
            ["month"],
        )
        return previous_year_key(
            [by_month[(m,)].total if (m,) in by_month else None for m in range(1, 13)]
        )
    if isinstance(key, str):
        raise EconomyError(
            _(
                "Okänd periodiseringsnyckel %(key)s: använd twelfths, previous_year eller "
                "tolv vikter."
            )
            % {"key": key}
        )
    return custom_key(list(key))


def set_budget_from_year_figure(
    unit: Unit,
    account_class: AccountClass,
    year: int,
    amount: Decimal | int | str,
    key: PeriodisationKey | str | Sequence[Decimal | int | str],
    *,
    actor,
) -> list[BudgetEntry]:
    """Store a year's budget for a unit and account class as 12 monthly entries.

    ``amount`` is in the ledger's sign (costs positive, revenues negative), like every
    BudgetEntry. ``key`` is "twelfths", "previous_year" (the unit's ledger profile of the
    class last year) or twelve weights. Existing entries of that year are replaced.
    """
    if account_class.organisation_id != unit.organisation_id:
        raise EconomyError(_("Kontoklassen hör till en annan förvaltning än verksamheten."))
    amount = to_decimal(amount)
    try:
        period_key = _key_for(unit, account_class, year, key)
        parts = periodise(amount, period_key)
    except PeriodisationError as exc:
        raise EconomyError(str(exc)) from exc
    with transaction.atomic():
        existing = BudgetEntry.objects.filter(unit=unit, account_class=account_class, year=year)
        before = {str(e.month): str(e.amount) for e in existing.order_by("month")}
        existing.delete()
        entries = BudgetEntry.objects.bulk_create(
            BudgetEntry(unit=unit, account_class=account_class, year=year, month=m, amount=a)
            for m, a in enumerate(parts, start=1)
        )
        record(
            "economy.budget.periodised",
            actor=actor,
            organisation=unit.organisation,
            obj=unit,
            before={"account_class": account_class.code, "year": year, "months": before}
            if before
            else None,
            after={
                "account_class": account_class.code,
                "year": year,
                "amount": str(amount),
                "key": period_key.method,
                "weights": [str(w) for w in period_key.weights],
                "months": {str(m): str(a) for m, a in enumerate(parts, start=1)},
            },
        )
    return entries


# ---------------------------------------------------------------------------------------------
# Forecasts

PROPOSAL_REASONS = {
    core_forecast.NO_ROWS_LAST_YEAR: _("Verksamheten har inga bokförda belopp föregående år."),
    core_forecast.LAST_YEAR_ZERO: _("Föregående års resultat var noll."),
    core_forecast.SHARE_NEAR_ZERO: _(
        "Föregående års resultat för samma månader är nära noll eller har motsatt tecken mot "
        "helåret; att skala upp det ger ingen rimlig prognos."
    ),
}


@dataclass(frozen=True)
class ForecastProposals:
    actual_to_date: Decimal | None
    remaining_budget: core_forecast.Proposal
    last_year_profile: core_forecast.Proposal

    @property
    def proposals(self) -> list[core_forecast.Proposal]:
        return [self.remaining_budget, self.last_year_profile]


def reason_text(proposal: core_forecast.Proposal) -> str:
    return str(PROPOSAL_REASONS[proposal.reason]) if proposal.reason else ""


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


def propose_forecast(unit: Unit, period: Period) -> ForecastProposals:
    """Both proposals of a unit's full-year net result at ``period`` (report sign)."""
    year, end = period.year, period.end_month
    this_year, last_year, budget_by_month = {}, {}, {}
    for (kind, row_year, month), sums in unit_month_sums(unit.pk, year).items():
        if kind == "budget":
            budget_by_month[month] = sums.net
        elif row_year == year - 1:
            last_year[month] = sums.net
        elif month <= end:
            this_year[month] = sums.net
    actual = sum(this_year.values(), ZERO) if this_year else None
    return ForecastProposals(
        actual_to_date=actual,
        remaining_budget=core_forecast.remaining_budget(actual or ZERO, budget_by_month, end),
        last_year_profile=core_forecast.last_year_profile(actual or ZERO, last_year, end),
    )


def _forecast_state(forecast: Forecast | None) -> dict | None:
    if forecast is None:
        return None
    return {
        "net_result": str(forecast.net_result),
        "revenues": None if forecast.revenues is None else str(forecast.revenues),
        "costs": None if forecast.costs is None else str(forecast.costs),
        "pandemic_net_cost": None
        if forecast.pandemic_net_cost is None
        else str(forecast.pandemic_net_cost),
        "comment": forecast.comment,
    }


def _optional(value) -> Decimal | None:
    return None if value is None else to_decimal(value)


def save_forecast(
    unit: Unit,
    period: Period,
    *,
    net_result: Decimal | int | str,
    revenues: Decimal | int | str | None = None,
    costs: Decimal | int | str | None = None,
    pandemic_net_cost: Decimal | int | str | None = None,
    comment: str = "",
    actor,
    base_version: str | None = None,
) -> Forecast:
    """Save the unit's full-year forecast at ``period``; the change is its history.

    Amounts in kronor in the report's sign (net = revenues − costs, revenues and costs both
    positive). Refused when the period is locked, when revenues and costs are given but do
    not make up the net result, and (``StaleVersion``) when ``base_version``, the version
    the person's form showed, is no longer the forecast's.
    """
    ensure_open(period)
    if unit.organisation_id != period.fiscal_year.organisation_id:
        raise EconomyError(_("Verksamheten hör till en annan förvaltning än perioden."))
    net = to_decimal(net_result)
    revenues_, costs_ = _optional(revenues), _optional(costs)
    if revenues_ is not None and costs_ is not None and revenues_ - costs_ != net:
        raise EconomyError(
            _("Prognosens intäkter minus kostnader (%(diff)s) är inte nettoresultatet %(net)s.")
            % {"diff": revenues_ - costs_, "net": net}
        )
    with transaction.atomic():
        # The unit's row serialises the saves of its forecast, the first one included.
        Unit.objects.select_for_update().only("pk").get(pk=unit.pk)
        forecast = Forecast.objects.filter(unit=unit, period=period).first()
        check_version(forecast, base_version)
        before = _forecast_state(forecast)
        forecast = forecast or Forecast(unit=unit, period=period)
        forecast.net_result, forecast.revenues, forecast.costs = net, revenues_, costs_
        forecast.pandemic_net_cost = _optional(pandemic_net_cost)
        forecast.comment = comment
        save_version(
            forecast,
            actor=actor,
            action="economy.forecast.saved",
            organisation=unit.organisation,
            before=before,
            after=_forecast_state(forecast),
        )
    return forecast


@dataclass(frozen=True)
class ForecastAccuracyRow:
    unit: Unit
    period: Period
    forecast: Decimal
    closed: Decimal | None  # None: the unit has no ledger rows that year
    accuracy: core_forecast.Accuracy | None


def forecast_accuracy(organisation: Organisation, year: int) -> list[ForecastAccuracyRow]:
    """Each follow-up's current forecast of ``year`` against the year's closed accounts.

    Rows per unit (in unit order), then per follow-up (in month order). Meaningful once the
    year's ledger is complete; the caller decides when that is (the annual period's status).
    """
    closed = {
        unit_id: sums.net
        for (unit_id,), sums in split_sums(ledger(organisation, year), ["unit_id"]).items()
    }
    forecasts = (
        Forecast.objects.filter(
            period__fiscal_year__organisation=organisation,
            period__fiscal_year__year=year,
        )
        .select_related("unit", "period")
        .order_by("unit__sort_order", "unit__name", "period__end_month")
    )
    rows = []
    for f in forecasts:
        outcome = closed.get(f.unit_id)
        rows.append(
            ForecastAccuracyRow(
                unit=f.unit,
                period=f.period,
                forecast=f.net_result,
                closed=outcome,
                accuracy=None if outcome is None else core_forecast.Accuracy(f.net_result, outcome),
            )
        )
    return rows


# ---- Replacing what an organisation folder defines ------------------------------------------


def clear_forecasts(organisation: Organisation, kept_periods: Sequence[Period]) -> None:
    """Delete the organisation's forecasts but those of ``kept_periods``."""
    Forecast.objects.filter(period__fiscal_year__organisation=organisation).exclude(
        period__in=kept_periods
    ).delete()


def store_forecasts(
    forecasts: Sequence, units: Synced, periods: Synced, kept_periods: Sequence[Period], *, actor
) -> None:
    """The forecasts (``period`` key, ``unit`` code, ``net_result``, ``revenues``, ``costs``,
    ``pandemic_net_cost``, ``comment``) but those of ``kept_periods``."""
    kept = {period.key for period in kept_periods}
    Forecast.objects.bulk_create(
        Forecast(
            unit=units.by_key[f.unit],
            period=periods.by_key[f.period],
            net_result=f.net_result,
            revenues=f.revenues,
            costs=f.costs,
            pandemic_net_cost=f.pandemic_net_cost,
            comment=f.comment,
            updated_by=person(actor),
        )
        for f in forecasts
        if f.period not in kept
    )


def delete_vanished(objects: Sequence[Account | AccountClass | InvestmentProject]) -> dict:
    """Delete the accounts, account classes or projects a folder no longer holds, unless other
    rows still refer to them (returned, each with what refers to it)."""
    if not all(isinstance(obj, Account | AccountClass | InvestmentProject) for obj in objects):
        raise TypeError("not an account, account class or investment project")
    return delete_unreferred(objects)
