"""Writes of the economy: a year's budget periodised, forecasts, and what an organisation
folder defines; imports, import jobs, the chart of accounts and investments each have a
module of their own beside this one. The sums it reads are in tertial.economy.sums."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tertial.audit.history import check_version, save_version
from tertial.audit.log import record
from tertial.core.actors import person
from tertial.core.errors import Refused
from tertial.core.formatting import format_exact_tkr
from tertial.core.money import to_decimal
from tertial.core.numbers import LARGEST_AMOUNT, storage_problem
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
from tertial.economy.sums import split_sums
from tertial.organisation.models import Organisation, Period, Unit
from tertial.organisation.services import ensure_open
from tertial.organisation.signals import unit_figures_changed
from tertial.platform.rows import Synced, delete_unreferred


class EconomyError(Refused):
    """A request the economy refuses, with a message for the person who made it."""


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
    amount = exact_amount(amount)
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


def exact_amount(value: Decimal | int | str) -> Decimal:
    """``value`` as kronor, refused unless both databases keep it exactly: a larger amount
    would be stored rounded on SQLite and break every page that reads it."""
    amount = to_decimal(value)
    problem = storage_problem(amount)
    if problem == "decimals":
        raise EconomyError(
            _("Beloppet %(amount)s har fler decimaler än hela ören.")
            % {"amount": format_exact_tkr(amount)}
        )
    if problem:
        raise EconomyError(
            _("Beloppet %(amount)s är för stort: det måste vara mindre än %(limit)s.")
            % {
                "amount": format_exact_tkr(amount),
                "limit": format_exact_tkr(LARGEST_AMOUNT + Decimal("0.01")),
            }
        )
    return amount


def _optional(value) -> Decimal | None:
    return None if value is None else exact_amount(value)


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
    net = exact_amount(net_result)
    revenues_, costs_ = _optional(revenues), _optional(costs)
    if revenues_ is not None and costs_ is not None and revenues_ - costs_ != net:
        raise EconomyError(
            _("Prognosens intäkter minus kostnader (%(diff)s) är inte nettoresultatet %(net)s.")
            % {"diff": format_exact_tkr(revenues_ - costs_), "net": format_exact_tkr(net)}
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
        unit_figures_changed.send(Forecast, unit=unit, period=period, actor=actor)
    return forecast


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
