"""The economy tables of a follow-up report, computed from the database.

Each function takes a follow-up Period and returns a tertial.core.tables.Table whose cells
keep the exact amount in kronor (Cell.value), the text it prints as in whole tkr (Cell.text,
"-" where no figure exists) and a ``source`` naming the rows behind it, e.g.
"ledger:unit=1800;year=2020;months=1-8". Sums are exact sums of the unrounded amounts,
rounded once for display. Every deviation follows the organisation's conventions
(tertial.core.conventions) and its column's note states the formula.

The figures come from a handful of grouped queries per table (by unit, account or class),
never one query per cell, so a table costs the same for ten units as for a thousand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from tertial.core import forecast as core_forecast
from tertial.core.conventions import Conventions, DeviationFormula, conventions_from_settings
from tertial.core.economy import REVENUE, Gross, gross_from_sums
from tertial.core.formatting import format_number, format_tkr
from tertial.core.money import ZERO, exact_sum
from tertial.core.months import month_name
from tertial.core.sharing import shared
from tertial.core.tables import Cell, Column, ColumnKind, Row, RowRole, Table
from tertial.economy import forecasts
from tertial.economy.models import (
    AccountClass,
    Forecast,
    InvestmentFrame,
    InvestmentOutcome,
    InvestmentProject,
)
from tertial.economy.sums import ORE, budget, ledger, months_text, ore_sums, split_sums
from tertial.organisation.models import Organisation, Period, Unit


def _term_labels() -> dict[str, str]:
    return {
        "actual": _("redovisat"),
        "budget": _("budget"),
        "forecast": _("prognos"),
        "frame": _("investeringsram"),
    }


def _note(formula: DeviationFormula) -> str:
    return formula.note(_term_labels(), heading=_("Avvikelse"))


def _months_label_to(last_month: int, year: int) -> str:
    """Months 1…``last_month`` of ``year``: "jan–augusti 2020", "januari 2020"."""
    month = month_name(last_month, translation.get_language() or "sv")
    if last_month == 1:
        return f"{month} {year}"
    return _("jan–%(month)s %(year)s") % {"month": month, "year": year}


def _months_label(period: Period, year: int) -> str:
    """The months a follow-up covers in ``year``: "jan–augusti 2020", "januari 2020"."""
    return _months_label_to(period.end_month, year)


def _amount(value: Decimal | None, source: str) -> Cell:
    """An amount cell: "-" with no value where no figure exists."""
    return Cell(format_tkr(value), value, source if value is not None else "")


def _with_deviation(
    formula: DeviationFormula, **terms: tuple[Decimal | None, str]
) -> dict[str, Cell]:
    """A cell per term of ``formula`` (value and source) and the deviation between them."""
    cells = {key: _amount(value, source) for key, (value, source) in terms.items()}
    deviation = formula.apply({key: value for key, (value, _source) in terms.items()})
    cells["deviation"] = _amount(deviation, f"formula:{formula.text}")
    return cells


def _blank(columns: Iterable[Column]) -> dict[str, Cell]:
    return {c.key: Cell("") for c in columns}


def _unit_rows(units: Iterable[Unit], cells: Callable[[Unit], dict[str, Cell]]) -> list[Row]:
    """A row per unit with a figure in any column; a unit with none is left out."""
    rows = []
    for unit in units:
        unit_cells = cells(unit)
        if any(cell.value is not None for cell in unit_cells.values()):
            rows.append(Row(label=unit.name, ref=f"unit:{unit.code}", cells=unit_cells))
    return rows


def sum_present(values: Iterable[Decimal | None]) -> Decimal | None:
    """The exact sum of the values present; None when none is."""
    present = [v for v in values if v is not None]
    return exact_sum(present) if present else None


@dataclass(frozen=True)
class _Context:
    period: Period
    organisation: Organisation
    year: int
    end_month: int
    conventions: Conventions
    units: list[Unit]

    @classmethod
    def of(cls, period: Period) -> _Context:
        return shared(("context", period.pk), lambda: cls._read(period))

    @classmethod
    def _read(cls, period: Period) -> _Context:
        fiscal_year = period.fiscal_year
        organisation = fiscal_year.organisation
        return cls(
            period=period,
            organisation=organisation,
            year=fiscal_year.year,
            end_month=period.end_month,
            conventions=conventions_from_settings(organisation.settings),
            units=list(organisation.units.order_by("sort_order", "name")),
        )

    def ledger_source(self, year: int, last_month: int, **where: str) -> str:
        scope = ";".join(f"{k}={v}" for k, v in where.items()) or f"org={self.organisation.slug}"
        return f"ledger:{scope};year={year};months={months_text(last_month)}"

    def budget_source(self, last_month: int, **where: str) -> str:
        scope = ";".join(f"{k}={v}" for k, v in where.items()) or f"org={self.organisation.slug}"
        return f"budget:{scope};year={self.year};months={months_text(last_month)}"


@dataclass(frozen=True)
class _Accounts:
    kind: dict[int, str]  # account id → kind of its class
    account_class: dict[int, int]  # account id → class id
    class_kind: dict[int, str]  # class id → kind
    classes: list[AccountClass]

    @classmethod
    def of(cls, ctx: _Context) -> _Accounts:
        def read() -> _Accounts:
            classes = list(AccountClass.objects.filter(organisation=ctx.organisation))
            accounts = list(
                ctx.organisation.accounts.values_list("id", "account_class_id")  # type: ignore[attr-defined]
            )
            class_kind = {c.id: c.kind for c in classes}
            return cls(
                kind={a: class_kind[c] for a, c in accounts},
                account_class=dict(accounts),
                class_kind=class_kind,
                classes=classes,
            )

        return shared(("accounts", ctx.organisation.pk), read)


# Each table asks only for the sums it shows, each sum a query of its own grouped as coarsely
# as it can be (by unit for net results, by account for revenues and costs): grouping by unit
# follows the ledger's (unit, year, month) index, so the database never has to sort the rows.


def _net_by_unit(sums: dict[tuple, tuple[int, int]]) -> dict[int, Decimal]:
    """Net result (revenues − costs) per unit id from öre sums grouped by (…, unit id, …)."""
    result: dict[int, int] = {}
    for key, (debit, credit) in sums.items():
        result[key[0]] = result.get(key[0], 0) + debit + credit
    return {unit_id: -Decimal(ore) * ORE for unit_id, ore in result.items()}


def _gross_by(
    sums: dict[int, tuple[int, int]],
    group_of: Callable[[int], int],
    kind_of: Callable[[int], str],
) -> dict[int, Gross]:
    """Gross revenues and costs per group (an account class, say) of sums per account."""
    result: dict[int, Gross] = {}
    for item_id, (debit, credit) in sums.items():
        gross = gross_from_sums(kind_of(item_id), Decimal(debit) * ORE, Decimal(credit) * ORE)
        group = group_of(item_id)
        result[group] = result.get(group, Gross()) + gross
    return result


def _ledger_net_by_unit(ctx: _Context, year: int, last_month: int) -> dict[int, Decimal]:
    """Net result per unit id with ledger rows in ``year``, January to ``last_month``."""
    return shared(
        ("ledger-units", ctx.organisation.pk, year, last_month),
        lambda: _net_by_unit(ore_sums(ledger(ctx.organisation, year, last_month), ["unit_id"])),
    )


def _ledger_by_account(ctx: _Context, year: int, last_month: int) -> dict[int, tuple[int, int]]:
    """(debit, credit) in öre per account id, ``year`` January to ``last_month``."""

    def read() -> dict[int, tuple[int, int]]:
        sums = ore_sums(ledger(ctx.organisation, year, last_month), ["account_id"])
        return {account_id: pair for (account_id,), pair in sums.items()}

    return shared(("ledger-accounts", ctx.organisation.pk, year, last_month), read)


@dataclass(frozen=True)
class _Budget:
    to_date: dict[int, Decimal]  # unit id → net budget, January to the period's month
    full_year: dict[int, Decimal]  # unit id → net budget of the year
    full_year_gross: Gross

    @classmethod
    def of(cls, ctx: _Context) -> _Budget:
        def read() -> _Budget:
            sums = ore_sums(
                budget(ctx.organisation, ctx.year).annotate(to_date=_to_date(ctx.end_month)),
                ["unit_id", "account_class_id", "to_date"],
            )
            by_class: dict[int, tuple[int, int]] = {}
            for (_unit, class_id, _span), (debit, credit) in sums.items():
                d, c = by_class.get(class_id, (0, 0))
                by_class[class_id] = (d + debit, c + credit)
            kinds = _Accounts.of(ctx).class_kind
            return cls(
                to_date=_net_by_unit({k: v for k, v in sums.items() if k[2]}),
                full_year=_net_by_unit(sums),
                full_year_gross=sum(
                    _gross_by(by_class, lambda _: 0, kinds.__getitem__).values(), Gross()
                ),
            )

        return shared(("budget", ctx.period.pk), read)


def _to_date(end_month: int) -> Case:
    return Case(
        When(month__lte=end_month, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# ---------------------------------------------------------------------------------------------
# Driftsammandrag


def operating_summary(period: Period) -> Table:
    """Driftsammandrag, netto tkr: per unit actual and budget to date, deviation, last year."""
    ctx = _Context.of(period)
    y, m = ctx.year, ctx.end_month
    actual = _ledger_net_by_unit(ctx, y, m)
    previous = _ledger_net_by_unit(ctx, y - 1, m)
    budgeted = _Budget.of(ctx).to_date
    formula = ctx.conventions.operating_deviation
    columns = [
        Column("actual", _("Redovisat %(months)s") % {"months": _months_label(period, y)}),
        Column("budget", _("Budget %(months)s") % {"months": _months_label(period, y)}),
        Column("deviation", _("Avvikelse"), note=_note(formula)),
        Column("previous_year", _("Redovisat samma period föregående år")),
    ]
    table = Table(
        key="operating_summary",
        title=_("Driftsammandrag, netto tkr"),
        columns=columns,
        caption=_("Resultat %(day)s %(month)s %(year)s")
        % {
            "day": period.end_date.day,
            "month": month_name(m, translation.get_language() or "sv"),
            "year": y,
        },
        notes=[_note(formula)],
    )

    def cells(unit: Unit) -> dict[str, Cell]:
        return {
            **_with_deviation(
                formula,
                actual=(actual.get(unit.id), ctx.ledger_source(y, m, unit=unit.code)),
                budget=(budgeted.get(unit.id), ctx.budget_source(m, unit=unit.code)),
            ),
            "previous_year": _amount(
                previous.get(unit.id), ctx.ledger_source(y - 1, m, unit=unit.code)
            ),
        }

    table.rows.extend(_unit_rows(ctx.units, cells))
    table.rows.append(
        Row(
            label=_("Summa"),
            role=RowRole.SUM,
            cells={
                **_with_deviation(
                    formula,
                    actual=(sum_present(actual.values()), ctx.ledger_source(y, m)),
                    budget=(sum_present(budgeted.values()), ctx.budget_source(m)),
                ),
                "previous_year": _amount(
                    sum_present(previous.values()), ctx.ledger_source(y - 1, m)
                ),
            },
        )
    )
    return table


# ---------------------------------------------------------------------------------------------
# Full-year forecast


@dataclass
class _ForecastData:
    """What the forecast table, the economy summary and the bar chart share."""

    ctx: _Context
    forecasts: dict[int, dict]  # unit id → current Forecast values

    @classmethod
    def of(cls, period: Period) -> _ForecastData:
        return shared(("forecast", period.pk), lambda: cls._read(period))

    @classmethod
    def _read(cls, period: Period) -> _ForecastData:
        forecasts = {
            f["unit_id"]: f
            for f in Forecast.objects.filter(period=period).values(
                "unit_id", "net_result", "revenues", "costs", "pandemic_net_cost"
            )
        }
        return cls(ctx=_Context.of(period), forecasts=forecasts)

    @cached_property
    def budget(self) -> _Budget:
        return _Budget.of(self.ctx)

    @cached_property
    def closed_net(self) -> dict[int, Decimal]:
        """Last year's closed accounts per unit id (net)."""
        return _ledger_net_by_unit(self.ctx, self.ctx.year - 1, 12)

    @cached_property
    def closed_gross(self) -> Gross:
        accounts = _Accounts.of(self.ctx)
        by_account = _ledger_by_account(self.ctx, self.ctx.year - 1, 12)
        return sum(_gross_by(by_account, lambda _: 0, accounts.kind.__getitem__).values(), Gross())

    def forecast_net(self, unit_id: int) -> Decimal | None:
        f = self.forecasts.get(unit_id)
        return None if f is None else f["net_result"]

    def forecast_total(self, field: str) -> Decimal | None:
        """The sum of a forecast field over all units; None unless every forecast has it."""
        values = [f[field] for f in self.forecasts.values()]
        if not values or any(v is None for v in values):
            return None
        return exact_sum(values)

    def forecast_source(self, field: str, unit: Unit | None = None) -> str:
        scope = f"unit={unit.code}" if unit else f"org={self.ctx.organisation.slug}"
        return f"forecast:{scope};period={self.ctx.period.key};field={field}"

    def budget_source(self, **where: str) -> str:
        return self.ctx.budget_source(12, **where)

    def net_total_cells(self, formula: DeviationFormula) -> dict[str, Cell]:
        """The organisation's forecast net result against its full-year budget."""
        return _with_deviation(
            formula,
            forecast=(
                sum_present(f["net_result"] for f in self.forecasts.values()),
                self.forecast_source("net_result"),
            ),
            budget=(sum_present(self.budget.full_year.values()), self.budget_source()),
        )

    def closed_source(self, **where: str) -> str:
        return self.ctx.ledger_source(self.ctx.year - 1, 12, **where)


def _of_which_rows(data: _ForecastData, formula: DeviationFormula, closed: bool) -> list[Row]:
    rows = []
    for label, field in ((_("varav kostnader"), "costs"), (_("varav intäkter"), "revenues")):
        kind = "cost" if field == "costs" else "revenue"
        cells = _with_deviation(
            formula,
            forecast=(data.forecast_total(field), data.forecast_source(field)),
            budget=(getattr(data.budget.full_year_gross, field), data.budget_source(side=kind)),
        )
        if closed:
            cells["closed"] = _amount(
                getattr(data.closed_gross, field), data.closed_source(side=kind)
            )
        rows.append(Row(label=label, cells=cells, role=RowRole.OF_WHICH, level=1))
    return rows


def full_year_forecast(period: Period) -> Table:
    """Prognos resultat <year>: per unit forecast, full-year budget, deviation, last year."""
    data = _ForecastData.of(period)
    ctx = data.ctx
    formula = ctx.conventions.forecast_deviation
    of_which = ctx.conventions.of_which_deviation
    columns = [
        Column("forecast", _("Prognos helår")),
        Column("budget", _("Budget %(year)s") % {"year": ctx.year}),
        Column("deviation", _("Avvikelse"), note=_note(formula)),
        Column("closed", _("Bokslut %(year)s") % {"year": ctx.year - 1}),
    ]
    notes = [_note(formula)]
    if of_which != formula:
        notes.append(_("varav-raderna: %(note)s") % {"note": _note(of_which)})
    table = Table(
        key="full_year_forecast",
        title=_("Prognos resultat %(year)s") % {"year": ctx.year},
        columns=columns,
        caption=_("Driftsammandrag, netto tkr"),
        notes=notes,
    )

    def cells(unit: Unit) -> dict[str, Cell]:
        return {
            **_with_deviation(
                formula,
                forecast=(data.forecast_net(unit.id), data.forecast_source("net_result", unit)),
                budget=(data.budget.full_year.get(unit.id), data.budget_source(unit=unit.code)),
            ),
            "closed": _amount(data.closed_net.get(unit.id), data.closed_source(unit=unit.code)),
        }

    table.rows.extend(_unit_rows(ctx.units, cells))
    table.rows.append(
        Row(
            label=_("Summa nettokostnader, tkr"),
            role=RowRole.SUM,
            cells={
                **data.net_total_cells(formula),
                "closed": _amount(sum_present(data.closed_net.values()), data.closed_source()),
            },
        )
    )
    table.rows.extend(_of_which_rows(data, of_which, closed=True))
    return table


def net_result_per_unit(period: Period) -> Table:
    """Per unit the full-year forecast against last year's closed accounts (the bar chart)."""
    data = _ForecastData.of(period)
    ctx = data.ctx
    table = Table(
        key="net_result_per_unit",
        title=_(
            "Förvaltningens verksamheter, nettoresultat i prognosen för helår %(year)s "
            "jämfört med bokslut %(previous)s"
        )
        % {"year": ctx.year, "previous": ctx.year - 1},
        columns=[
            Column("forecast", _("Prognos %(year)s") % {"year": ctx.year}),
            Column("closed", _("Bokslut %(year)s") % {"year": ctx.year - 1}),
        ],
    )
    table.rows.extend(
        _unit_rows(
            ctx.units,
            lambda unit: {
                "forecast": _amount(
                    data.forecast_net(unit.id), data.forecast_source("net_result", unit)
                ),
                "closed": _amount(data.closed_net.get(unit.id), data.closed_source(unit=unit.code)),
            },
        )
    )
    return table


# ---------------------------------------------------------------------------------------------
# Investments


@dataclass
class _InvestmentData:
    ctx: _Context
    projects: list[InvestmentProject]
    outcomes: dict[int, InvestmentOutcome]  # project id → outcome at the period
    frames: dict[int, Decimal]  # project id → frame of the year as approved by the period's end

    @classmethod
    def of(cls, period: Period) -> _InvestmentData:
        return shared(("investments", period.pk), lambda: cls._read(period))

    @classmethod
    def _read(cls, period: Period) -> _InvestmentData:
        ctx = _Context.of(period)
        outcomes = {o.project_id: o for o in InvestmentOutcome.objects.filter(period=period)}
        frame_rows = InvestmentFrame.objects.filter(
            project__organisation=ctx.organisation, year=ctx.year
        ).filter(Q(approved_on__lte=period.end_date) | Q(approved_on__isnull=True))
        frames = {pid: s.total for (pid,), s in split_sums(frame_rows, ["project_id"]).items()}
        projects = [
            p
            for p in InvestmentProject.objects.filter(organisation=ctx.organisation)
            .select_related("unit")
            .order_by("unit__sort_order", "unit__name", "sort_order", "code")
            if p.id in outcomes or p.id in frames
        ]
        return cls(ctx, projects, outcomes, frames)

    def frame_source(self, project: InvestmentProject | None = None) -> str:
        scope = f"project={project.code}" if project else f"org={self.ctx.organisation.slug}"
        return f"frame:{scope};year={self.ctx.year};approved<={self.ctx.period.end_date}"

    def outcome_source(self, field: str, project: InvestmentProject | None = None) -> str:
        scope = f"project={project.code}" if project else f"org={self.ctx.organisation.slug}"
        return f"investment:{scope};period={self.ctx.period.key};field={field}"

    def net_forecast(self) -> Decimal | None:
        if not self.outcomes:
            return None
        return exact_sum(o.forecast_expenditure - o.forecast_income for o in self.outcomes.values())

    def frame_total(self) -> Decimal | None:
        return sum_present(self.frames.values())


def _zero_if(value: Decimal | None) -> Decimal | None:
    """Zero where a total exists, so a varav row shows 0 for the other side, not "-"."""
    return None if value is None else ZERO


_OUTCOME_FIELDS = (
    "expenditure_to_date",
    "income_to_date",
    "forecast_expenditure",
    "forecast_income",
)


def investments(period: Period) -> Table:
    """Investeringar: per unit and project to date, forecast, frame and deviation."""
    data = _InvestmentData.of(period)
    ctx = data.ctx
    formula = ctx.conventions.investment_deviation
    months = _months_label(period, ctx.year)
    columns = [
        Column("expenditure_to_date", _("Redovisat %(months)s, utgifter") % {"months": months}),
        Column("income_to_date", _("Redovisat %(months)s, inkomster") % {"months": months}),
        Column("forecast_expenditure", _("Prognos %(year)s, utgifter") % {"year": ctx.year}),
        Column("forecast_income", _("Prognos %(year)s, inkomster") % {"year": ctx.year}),
        Column("forecast_net", _("Prognos %(year)s, netto") % {"year": ctx.year}),
        Column("frame", _("Investeringsram %(year)s") % {"year": ctx.year}),
        Column("deviation", _("Avvikelse"), note=_note(formula)),
    ]
    table = Table(
        key="investments",
        title=_("Investeringar"),
        columns=columns,
        caption=_("Investeringar, belopp tkr"),
        notes=[_note(formula)],
    )
    deviation_source = f"formula:{formula.text}"

    def cells(values: dict[str, Decimal | None], source) -> dict[str, Cell]:
        net = (
            None
            if values["forecast_expenditure"] is None
            else values["forecast_expenditure"] - values["forecast_income"]
        )
        result = {k: _amount(values[k], source(k)) for k in _OUTCOME_FIELDS}
        result["forecast_net"] = _amount(net, "formula:forecast_expenditure - forecast_income")
        result["frame"] = _amount(values["frame"], source("frame"))
        result["deviation"] = _amount(
            formula.apply({"forecast": net, "frame": values["frame"]}), deviation_source
        )
        return result

    current_unit = None
    for project in data.projects:
        if project.unit_id != current_unit:
            current_unit = project.unit_id
            table.rows.append(
                Row(
                    label=project.unit.name,
                    cells=_blank(columns),
                    role=RowRole.GROUP,
                    ref=f"unit:{project.unit.code}",
                )
            )
        outcome = data.outcomes.get(project.id)
        values = {k: getattr(outcome, k) if outcome else None for k in _OUTCOME_FIELDS}
        values["frame"] = data.frames.get(project.id)

        def source(field: str, project=project) -> str:
            if field == "frame":
                return data.frame_source(project)
            return data.outcome_source(field, project)

        table.rows.append(
            Row(
                label=project.name,
                cells=cells(values, source),
                level=1,
                ref=f"investment:{project.code}",
            )
        )

    totals = {
        k: sum_present(getattr(o, k) for o in data.outcomes.values()) for k in _OUTCOME_FIELDS
    }
    frame = data.frame_total()

    def total_source(field: str) -> str:
        return data.frame_source() if field == "frame" else data.outcome_source(field)

    table.rows.append(
        Row(
            label=_("Summa investeringar"),
            cells=cells({**totals, "frame": frame}, total_source),
            role=RowRole.SUM,
        )
    )
    # The frame is a frame for net expenditure, so it stays with the expenditure row; the two
    # varav rows add up to the Summa row in every column.
    expenditure = {
        "expenditure_to_date": totals["expenditure_to_date"],
        "income_to_date": _zero_if(totals["income_to_date"]),
        "forecast_expenditure": totals["forecast_expenditure"],
        "forecast_income": _zero_if(totals["forecast_income"]),
        "frame": frame,
    }
    income = {
        "expenditure_to_date": _zero_if(totals["expenditure_to_date"]),
        "income_to_date": totals["income_to_date"],
        "forecast_expenditure": _zero_if(totals["forecast_expenditure"]),
        "forecast_income": totals["forecast_income"],
        "frame": _zero_if(frame),
    }
    table.rows.append(
        Row(_("varav utgifter"), cells(expenditure, total_source), RowRole.OF_WHICH, level=1)
    )
    table.rows.append(
        Row(_("varav inkomster"), cells(income, total_source), RowRole.OF_WHICH, level=1)
    )
    return table


# ---------------------------------------------------------------------------------------------
# Economy summary


def economy_summary(period: Period) -> Table:
    """Ekonomi, belopp tkr: net costs, corona, gross costs and revenues, net investment."""
    data = _ForecastData.of(period)
    investment = _InvestmentData.of(period)
    ctx = data.ctx
    conventions = ctx.conventions
    formula = conventions.forecast_deviation
    columns = [
        Column("forecast", _("Prognos helår")),
        Column("budget", _("Budget %(year)s") % {"year": ctx.year}),
        Column("deviation", _("Avvikelse"), note=_note(formula)),
    ]
    notes = [_note(formula)]
    if conventions.of_which_deviation != formula:
        notes.append(
            _("varav kostnader och intäkter: %(note)s")
            % {"note": _note(conventions.of_which_deviation)}
        )
    notes.append(
        _("Investeringar: %(note)s; budget är investeringsramen.")
        % {"note": _note(conventions.investment_deviation)}
    )
    table = Table(
        key="economy_summary",
        title=_("Ekonomi, belopp tkr"),
        columns=columns,
        notes=notes,
    )
    table.rows.append(
        Row(label=_("Verksamhetens nettokostnader"), cells=data.net_total_cells(formula))
    )
    # A pandemic cost has no budget of its own: only the forecast is shown, "-" when no
    # unit reported one.
    pandemic = sum_present(f["pandemic_net_cost"] for f in data.forecasts.values())
    table.rows.append(
        Row(
            label=_("varav nettokostnader för coronapandemin"),
            role=RowRole.OF_WHICH,
            level=1,
            cells={
                "forecast": _amount(pandemic, data.forecast_source("pandemic_net_cost")),
                "budget": _amount(None, ""),
                "deviation": _amount(None, ""),
            },
        )
    )
    table.rows.extend(_of_which_rows(data, conventions.of_which_deviation, closed=False))
    net, frame = investment.net_forecast(), investment.frame_total()
    inv_formula = conventions.investment_deviation
    table.rows.append(
        Row(
            label=_("Investeringar, netto"),
            ref="investments",
            cells={
                "forecast": _amount(net, investment.outcome_source("forecast_net")),
                "budget": _amount(frame, investment.frame_source()),
                "deviation": _amount(
                    inv_formula.apply({"forecast": net, "frame": frame}),
                    f"formula:{inv_formula.text}",
                ),
            },
        )
    )
    return table


# ---------------------------------------------------------------------------------------------
# Revenues and costs by kind


def _by_kind(period: Period, side: str) -> Table:
    ctx = _Context.of(period)
    y, m = ctx.year, ctx.end_month
    accounts = _Accounts.of(ctx)
    gross: dict[tuple[int, int], Gross] = {}
    for year in (y, y - 1):
        by_class = _gross_by(
            _ledger_by_account(ctx, year, m),
            accounts.account_class.__getitem__,
            accounts.kind.__getitem__,
        )
        gross.update({(year, class_id): g for class_id, g in by_class.items()})
    field = "revenues" if side == REVENUE else "costs"
    title = (
        _("Förvaltningens intäkter %(months)s jämfört med %(previous)s")
        if side == REVENUE
        else _("Förvaltningens kostnader %(months)s jämfört med %(previous)s")
    ) % {"months": _months_label(period, y), "previous": y - 1}
    table = Table(
        key="revenue_by_kind" if side == REVENUE else "cost_by_kind",
        title=title,
        columns=[
            Column("current", _months_label(period, y).capitalize()),
            Column("previous", _months_label(period, y - 1).capitalize()),
        ],
        caption=_("Belopp tkr"),
    )
    totals = {"current": [], "previous": []}
    for cls in accounts.classes:
        # a class counts on this side when it is of this kind, or a financial class with
        # amounts on this side
        if cls.kind not in (side, "financial"):
            continue
        values = {}
        for column, year in (("current", y), ("previous", y - 1)):
            g = gross.get((year, cls.id))
            values[column] = None if g is None else getattr(g, field)
        if cls.kind == "financial" and not any(values.values()):
            continue
        if all(v is None for v in values.values()):
            continue
        for column, v in values.items():
            totals[column].append(v)
        table.rows.append(
            Row(
                label=cls.name,
                ref=f"account_class:{cls.code}",
                cells={
                    "current": _amount(
                        values["current"], ctx.ledger_source(y, m, account_class=cls.code)
                    ),
                    "previous": _amount(
                        values["previous"], ctx.ledger_source(y - 1, m, account_class=cls.code)
                    ),
                },
            )
        )
    table.rows.append(
        Row(
            label=_("Summa"),
            role=RowRole.SUM,
            cells={
                "current": _amount(
                    sum_present(totals["current"]), ctx.ledger_source(y, m, side=side)
                ),
                "previous": _amount(
                    sum_present(totals["previous"]), ctx.ledger_source(y - 1, m, side=side)
                ),
            },
        )
    )
    return table


def revenue_by_kind(period: Period) -> Table:
    """Revenues per account class to date against the same months last year (gross, positive)."""
    return _by_kind(period, REVENUE)


def cost_by_kind(period: Period) -> Table:
    """Costs per account class to date against the same months last year (gross, positive)."""
    return _by_kind(period, "cost")


# ---------------------------------------------------------------------------------------------
# Forecast accuracy


def _percent(value: Decimal | None, source: str) -> Cell:
    if value is None:
        return Cell("-")
    return Cell(f"{format_number(value, 1)} %", value, source)


def forecast_accuracy(period: Period) -> Table:
    """Prognossäkerhet: each follow-up's full-year forecast of the year (up to this one)
    against the year's outcome per unit, with a sum per follow-up; the deviation in tkr and
    as per cent of the outcome. Until the year is booked to December the outcome is the
    year so far, and the table's note says so."""
    ctx = _Context.of(period)
    organisation, year = ctx.organisation, ctx.year
    rows = forecasts.forecast_accuracy(organisation, year, period.end_month)
    through = forecasts.outcome_through(organisation, year)
    complete = through == 12
    outcome_label = (
        _("Utfall %(year)s") % {"year": year}
        if complete or through is None
        else _("Utfall %(months)s") % {"months": _months_label_to(through, year)}
    )
    table = Table(
        key="forecast_accuracy",
        title=_("Prognossäkerhet %(year)s") % {"year": year},
        columns=[
            Column("forecast", _("Prognos helår")),
            Column("outcome", outcome_label),
            Column("deviation", _("Avvikelse"), note=_("prognos − utfall")),
            Column("percent", _("Avvikelse, %"), kind=ColumnKind.PERCENT),
        ],
        caption=_("Varje uppföljnings helårsprognos mot årets utfall, netto tkr"),
        notes=[
            _(
                "Avvikelse = prognos − utfall: positiv när prognosen var bättre än utfallet. "
                "Procent av utfallets belopp."
            )
        ],
    )
    if not complete:
        table.notes.append(
            _("Året är inte bokslutat: utfallet är det som är bokfört hittills.")
            if through is not None
            else _("Året har inget bokfört utfall ännu.")
        )
    by_period: dict[int, list] = {}
    for row in rows:
        by_period.setdefault(row.period.pk, []).append(row)
    for found in sorted(by_period.values(), key=lambda r: r[0].period.end_month):
        follow_up = found[0].period
        table.rows.append(
            Row(
                label=str(follow_up),
                role=RowRole.GROUP,
                ref=f"period:{follow_up.key}",
                cells=_blank(table.columns),
            )
        )
        for row in found:
            forecast_source = f"forecast:unit={row.unit.code};period={follow_up.key}"
            outcome_source = ctx.ledger_source(year, through or 12, unit=row.unit.code)
            table.rows.append(
                Row(
                    label=row.unit.name,
                    ref=f"unit:{row.unit.code}:{follow_up.key}",
                    level=1,
                    cells={
                        "forecast": _amount(row.forecast, forecast_source),
                        "outcome": _amount(row.closed, outcome_source),
                        "deviation": _amount(
                            row.accuracy.difference if row.accuracy else None,
                            "formula:forecast-outcome",
                        ),
                        "percent": _percent(
                            row.accuracy.percent if row.accuracy else None,
                            "formula:(forecast-outcome)/|outcome|",
                        ),
                    },
                )
            )
        compared = [r for r in found if r.accuracy is not None]
        total = (
            core_forecast.Accuracy(
                exact_sum(r.forecast for r in compared), exact_sum(r.closed for r in compared)
            )
            if compared
            else None
        )
        table.rows.append(
            Row(
                label=_("Summa %(follow_up)s") % {"follow_up": follow_up},
                role=RowRole.SUM,
                level=1,
                ref=f"sum:{follow_up.key}",
                cells={
                    "forecast": _amount(
                        exact_sum(r.forecast for r in found),
                        f"forecast:org={organisation.slug};period={follow_up.key}",
                    ),
                    "outcome": _amount(
                        sum_present(r.closed for r in found),
                        ctx.ledger_source(year, through or 12),
                    ),
                    "deviation": _amount(
                        total.difference if total else None, "formula:forecast-outcome"
                    ),
                    "percent": _percent(
                        total.percent if total else None, "formula:(forecast-outcome)/|outcome|"
                    ),
                },
            )
        )
    return table
