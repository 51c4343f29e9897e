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
from tertial.core import periodisation
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
    ForecastLine,
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


def _periodisation_refusal(error: PeriodisationError) -> str:
    """Why a key cannot be used, in the person's words."""
    months = ", ".join(str(m) for m in error.months)
    match error.reason:
        case periodisation.WRONG_COUNT:
            return _("En periodiseringsnyckel behöver tolv månadsvikter.")
        case periodisation.NEGATIVE:
            return _("Vikterna får inte vara negativa (månad %(months)s).") % {"months": months}
        case periodisation.ZERO_WEIGHTS:
            return _("Vikterna är alla noll: det finns inget att fördela efter.")
        case periodisation.NOT_A_NUMBER:
            return _("En vikt är inget tal.")
        case periodisation.NO_AMOUNTS:
            return _(
                "Verksamheten har inga bokförda belopp i kontoklassen föregående år (eller de "
                "blir noll tillsammans): använd tolftedelar eller en egen nyckel."
            )
        case periodisation.OPPOSITE_SIGN:
            return _(
                "Föregående års månad %(months)s har motsatt tecken mot helåret, så årets "
                "månadsprofil kan inte användas: använd tolftedelar eller en egen nyckel."
            ) % {"months": months}
        case periodisation.TOO_PRECISE:
            return _("Beloppet har fler decimaler än ören.")
    return str(error)


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
        raise EconomyError(_periodisation_refusal(exc)) from exc
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


def set_year_budget(
    unit: Unit,
    account_class: AccountClass,
    year: int,
    amount: Decimal | int | str,
    key: PeriodisationKey | str | Sequence[Decimal | int | str],
    *,
    actor,
) -> list[BudgetEntry]:
    """A year's budget as a person states it: revenues and costs both as positive amounts
    (a financial item positive as a cost), turned into the ledger's sign of the class's kind
    and periodised by ``key`` (``set_budget_from_year_figure``)."""
    amount = exact_amount(amount)
    ledger_amount = -amount if account_class.kind == AccountClass.Kind.REVENUE else amount
    return set_budget_from_year_figure(unit, account_class, year, ledger_amount, key, actor=actor)


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


def _lines_state(forecast: Forecast | None) -> dict:
    """The forecast per account class as the log keeps it: by class name, exact in tkr."""
    if forecast is None or forecast.pk is None:
        return {}
    return {
        line.account_class.name: format_exact_tkr(line.amount)
        for line in forecast.lines.select_related("account_class")
    }


def gross_of_lines(amounts: dict[AccountClass, Decimal]) -> tuple[Decimal, Decimal]:
    """Revenues and costs of a forecast per account class (each amount stated positive)."""
    revenues = sum(
        (a for c, a in amounts.items() if c.kind == AccountClass.Kind.REVENUE), Decimal(0)
    )
    costs = sum((a for c, a in amounts.items() if c.kind != AccountClass.Kind.REVENUE), Decimal(0))
    return revenues, costs


def save_forecast_by_class(
    unit: Unit,
    period: Period,
    amounts: dict[AccountClass, Decimal | int | str | None],
    *,
    actor,
    base_version: str | None = None,
) -> Forecast:
    """Save the unit's full-year forecast at ``period`` per account class.

    Each class's amount is stated positive (revenues and costs alike; a financial item as a
    cost); an empty class counts as nothing. The forecast's net result, revenues and costs
    become the lines' sums, so the classes always add up to the unit's forecast. With every
    class empty the lines are removed and the forecast's figures stay as they were.
    Refused like ``save_forecast`` (a locked period, a stale version).
    """
    ensure_open(period)
    if unit.organisation_id != period.fiscal_year.organisation_id:
        raise EconomyError(_("Verksamheten hör till en annan förvaltning än perioden."))
    if any(c.organisation_id != unit.organisation_id for c in amounts):
        raise EconomyError(_("Kontoklassen hör till en annan förvaltning än verksamheten."))
    given = {c: exact_amount(a) for c, a in amounts.items() if a is not None}
    with transaction.atomic():
        Unit.objects.select_for_update().only("pk").get(pk=unit.pk)
        forecast = Forecast.objects.filter(unit=unit, period=period).first()
        check_version(forecast, base_version)
        if forecast is None and not given:
            raise EconomyError(_("Ange prognosen för minst en kontoklass."))
        before = _forecast_state(forecast)
        if before is not None:
            before["by_class"] = _lines_state(forecast) or None
        forecast = forecast or Forecast(unit=unit, period=period)
        if given:
            revenues, costs = gross_of_lines(given)
            forecast.net_result, forecast.revenues, forecast.costs = (
                revenues - costs,
                revenues,
                costs,
            )
        save_version(
            forecast,
            actor=actor,
            action="economy.forecast.saved",
            organisation=unit.organisation,
            before=before,
            after={
                **_forecast_state(forecast),
                "by_class": {c.name: format_exact_tkr(a) for c, a in given.items()} or None,
            },
        )
        forecast.lines.all().delete()
        ForecastLine.objects.bulk_create(
            ForecastLine(forecast=forecast, account_class=c, amount=a) for c, a in given.items()
        )
        unit_figures_changed.send(Forecast, unit=unit, period=period, actor=actor)
    return forecast


def _optional(value) -> Decimal | None:
    return None if value is None else exact_amount(value)


def _check_against_lines(
    forecast: Forecast, net: Decimal, revenues: Decimal | None, costs: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """A forecast given per account class changes there: its figures are the lines' sums.
    Returns the revenues and costs to keep (the lines' where it has lines)."""
    lines = {
        line.account_class: line.amount for line in forecast.lines.select_related("account_class")
    }
    if not lines:
        return revenues, costs
    line_revenues, line_costs = gross_of_lines(lines)
    if (
        net != line_revenues - line_costs
        or (revenues is not None and revenues != line_revenues)
        or (costs is not None and costs != line_costs)
    ):
        raise EconomyError(
            _(
                "Prognosen är angiven per kontoklass (netto %(net)s): ändra beloppen per "
                "kontoklass, eller töm dem först."
            )
            % {"net": format_exact_tkr(line_revenues - line_costs)}
        )
    return line_revenues, line_costs


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
        if forecast is not None:
            revenues_, costs_ = _check_against_lines(forecast, net, revenues_, costs_)
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
