"""Storing a validated organisation folder: one transaction, upserts by code, data replaced.

Things people and other rows refer to (the organisation, units, accounts, years, periods,
goals, indicators, projects) are updated in place by their codes, so their primary keys and
everything attached to them survive a re-load. The data rows the folder defines (current
forecasts and assessments, targets, indicator values, texts, investment figures) are deleted
and written anew, except those of periods approved or locked in the database
(tertial.ingest.folder.locked) unless the load is forced; the ledger and budget files are
imported again, as ``tertial import ledger`` imports (tertial.economy.services.imports),
after the earlier load's imports are deleted. Then the goals engine computes the formula
indicators and proposes an assessment for each loaded one.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model, Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

from tertial.audit.log import record
from tertial.core.actors import person
from tertial.core.errors import InputError, InputErrors
from tertial.economy.models import (
    Account,
    AccountClass,
    AccountRange,
    BudgetEntry,
    Forecast,
    ImportBatch,
    InvestmentFrame,
    InvestmentOutcome,
    InvestmentProject,
)
from tertial.economy.services.imports import delete_imports, store_imports
from tertial.goals.models import (
    Assessment,
    AssessmentItem,
    BoardGoal,
    CouncilGoal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Perspective,
)
from tertial.goals.services import compute_indicator_values, fill_missing_proposals
from tertial.ingest.folder import locked
from tertial.ingest.folder.folder import FolderData
from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit
from tertial.platform import cache

BATCH_SIZE = 2000
# ImportBatch.source_name of the files a folder load creates; `tertial import ledger` names
# its batches otherwise, so a re-load replaces only what an earlier load put there.
FOLDER_SOURCES = {ImportBatch.Kind.LEDGER: "ledger/", ImportBatch.Kind.BUDGET: "budget/"}


@dataclass
class LoadResult:
    organisation: Organisation
    counts: dict[str, int]
    # what the load left as it was in the database, for the person loading to know
    notes: list[str] = dataclasses.field(default_factory=list)


def store_folder(data: FolderData, *, actor=None, force: bool = False) -> LoadResult:
    """Write ``data`` in one transaction; InputErrors (and nothing stored) on a conflict.

    Without ``force`` the data of periods approved or locked in the database is kept, and a
    folder that would change it is refused.
    """
    # One bump, by the load's audit entry, instead of one per row the signals would see.
    with transaction.atomic(), cache.bumped_by_writer():
        return _Store(data, actor, force).run()


def _sync(queryset, key, rows: dict, fields: list[str]) -> tuple[dict, list]:
    """Create or update one object per entry of ``rows`` (key → field values) by ``key``.

    Returns the objects by key and the existing objects whose key is no longer in ``rows``.
    """
    model = queryset.model
    existing = {key(obj): obj for obj in queryset}
    result, to_create, to_update = {}, [], []
    for k, values in rows.items():
        obj = existing.get(k)
        if obj is None:
            obj = model(**values)
            to_create.append(obj)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        result[k] = obj
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update and fields:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    return result, [obj for k, obj in existing.items() if k not in rows]


def _coded(i: int, item, values) -> dict:
    return {"code": item.code, "sort_order": i, **values(item)}


def _changed(rows: dict) -> list[str]:
    """The fields an upsert writes to existing rows: all but the keys it finds them by."""
    keys = ("organisation", "fiscal_year", "code")
    return [name for name in next(iter(rows.values()), {}) if name not in keys]


def referrers(obj: Model) -> list[str]:
    """What would be deleted or blocked along with ``obj``: names of the other kinds of rows."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as exc:
        return sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects})
    except RestrictedError as exc:
        return sorted({str(o._meta.verbose_name_plural) for o in exc.restricted_objects})
    names = set()
    for model, instances in collector.data.items():
        if any(instance != obj for instance in instances):
            names.add(str(model._meta.verbose_name_plural))
    for queryset in collector.fast_deletes:
        if queryset.exists():
            names.add(str(queryset.model._meta.verbose_name_plural))
    return sorted(names)


class _Store:
    def __init__(self, data: FolderData, actor, force: bool = False):
        self.data = data
        self.actor = actor
        self.person = person(actor)
        self.force = force
        self.errors: list[InputError] = []
        self.notes: list[str] = []

    def run(self) -> LoadResult:
        d = self.data
        org, _ = Organisation.objects.get_or_create(
            slug=d.slug, defaults={"name": d.name, "municipality": d.municipality}
        )
        org.name, org.short_name, org.municipality, org.board = (
            d.name,
            d.short_name,
            d.municipality,
            d.board,
        )
        org.settings = d.settings
        org.save()
        self.org = org

        self.protected = {} if self.force else locked.protected_periods(org)
        self.protected_value_keys = set(locked.value_period_keys(self.protected))
        errors, kept = locked.changes(d, self.protected)
        if errors:
            raise InputErrors(errors)
        for key in kept:
            self.notes.append(
                f"period {key} is {self.protected[key].status} in the database: its data, "
                "the same in the folder, was kept as it is"
            )
        self.delete_replaced_rows()
        self.sync_units()
        self.sync_accounts()
        self.sync_calendar()
        self.sync_goals()
        self.sync_indicators()
        self.sync_investment_projects()
        self.delete_vanished()
        if self.errors:
            raise InputErrors(self.errors)
        self.store_ledger_and_budget()
        self.store_followups()
        self.store_indicator_data()
        self.store_investment_figures()
        counts = {**d.counts(), **self.run_goals_engine()}
        record("organisation.loaded", actor=self.actor, organisation=org, obj=org, after=counts)
        return LoadResult(org, counts, self.notes)

    def run_goals_engine(self) -> dict[str, int]:
        """Computed indicators get their values and loaded assessments the system's proposal,
        as they would had they been entered in the web app."""
        try:
            computed = compute_indicator_values(self.org, actor=self.actor)
        except ValidationError as exc:
            # the formulas were checked when read; what is left is arithmetic on the values
            raise InputErrors(
                [InputError("indicator_values.csv", None, "", m) for m in exc.messages]
            ) from exc
        return {
            "computed_indicator_values": computed,
            "assessment_proposals": fill_missing_proposals(self.org),
        }

    def _replaced(self, period_key: str) -> bool:
        return period_key not in self.protected

    def _sync_by_code(self, model, items, values) -> tuple[dict, list]:
        """Upsert the organisation's ``model`` rows by code, one per item in the folder's order.

        ``values(item)`` gives the fields besides organisation, code and sort order; all of
        them are written to rows that already exist.
        """
        rows = {
            item.code: {"organisation": self.org, **_coded(i, item, values)}
            for i, item in enumerate(items)
        }
        return _sync(
            model.objects.filter(organisation=self.org), lambda o: o.code, rows, _changed(rows)
        )

    def _sync_by_year_and_code(self, model, items, values) -> tuple[dict, list]:
        """The same for rows of a fiscal year (goals), upserted by year and code."""
        rows = {
            (item.year, item.code): {
                "fiscal_year": self.fiscal_years[item.year],
                **_coded(i, item, values),
            }
            for i, item in enumerate(items)
        }
        return _sync(
            model.objects.filter(fiscal_year__organisation=self.org).select_related("fiscal_year"),
            lambda o: (o.fiscal_year.year, o.code),
            rows,
            _changed(rows),
        )

    def delete_replaced_rows(self) -> None:
        org = self.org
        # What earlier loads of the folder imported; the files are imported again below
        # (a file taken out of the folder takes its rows with it).
        delete_imports(
            ImportBatch.objects.filter(organisation=org).filter(
                Q(kind=ImportBatch.Kind.LEDGER, source_name__startswith=FOLDER_SOURCES["ledger"])
                | Q(kind=ImportBatch.Kind.BUDGET, source_name__startswith=FOLDER_SOURCES["budget"])
            ),
            actor=self.actor,
        )
        BudgetEntry.objects.filter(unit__organisation=org, batch__isnull=True).delete()
        kept = [p.pk for p in self.protected.values()]
        periods = Period.objects.filter(fiscal_year__organisation=org).exclude(pk__in=kept)
        Forecast.objects.filter(period__in=periods).delete()
        Assessment.objects.filter(period__in=periods).delete()
        NarrativeSection.objects.filter(period__in=periods).delete()
        DecisionEvent.objects.filter(period__in=periods).delete()
        PlanFollowUp.objects.filter(period__in=periods).delete()
        InvestmentFrame.objects.filter(project__organisation=org).delete()
        InvestmentOutcome.objects.filter(project__organisation=org).exclude(
            period__in=kept
        ).delete()
        IndicatorTarget.objects.filter(indicator__organisation=org).delete()
        values = IndicatorValue.objects.filter(indicator__organisation=org)
        for year, month in self.protected_value_keys:
            values = values.exclude(year=year, through_month=month)
        values.delete()

    # -- entities, upserted by code --

    def sync_units(self) -> None:
        self.units, self.vanished_units = self._sync_by_code(
            Unit,
            self.data.units,
            lambda u: {"name": u.name, "starts_on": u.starts_on, "ends_on": u.ends_on},
        )
        for u in self.data.units:
            self.units[u.code].parent = self.units[u.parent] if u.parent else None
        for unit in self.vanished_units:
            unit.parent = None
        Unit.objects.bulk_update(
            [*self.units.values(), *self.vanished_units], ["parent"], batch_size=BATCH_SIZE
        )

    def sync_accounts(self) -> None:
        d = self.data
        self.classes, self.vanished_classes = self._sync_by_code(
            AccountClass, d.account_classes, lambda c: {"name": c.name, "kind": c.kind}
        )
        AccountRange.objects.filter(account_class__organisation=self.org).delete()
        AccountRange.objects.bulk_create(
            AccountRange(account_class=self.classes[c.code], first=first, last=last)
            for c in d.account_classes
            for first, last in c.ranges
        )
        existing = {a.number: a for a in Account.objects.filter(organisation=self.org)}
        # The ledger files' other accounts are created when they are stored. An account the
        # folder does not name but that is in the database (from a ledger import) stays as
        # long as a range still classifies it.
        numbers = set(d.account_names)
        numbers |= {n for n in existing if d.account_class_of(n) is not None}
        rows = {}
        for number in sorted(numbers):
            name = d.account_names.get(number) or (
                existing[number].name if number in existing else ""
            )
            rows[number] = {
                "organisation": self.org,
                "number": number,
                "name": name,
                "account_class": self.classes[d.account_class_of(number)],
            }
        self.accounts, self.vanished_accounts = _sync(
            Account.objects.filter(organisation=self.org),
            lambda o: o.number,
            rows,
            ["name", "account_class"],
        )

    def sync_calendar(self) -> None:
        statuses = {p.key: p.status for fy in self.data.fiscal_years for p in fy.periods}
        for key, period in self.protected.items():
            if key in statuses and locked.kept_status(statuses[key], period.status):
                self.notes.append(
                    f"period {key} stays {period.status} as in the database "
                    f"(the folder says {statuses[key]}); load with --force to change it"
                )
                statuses[key] = period.status
        rows = {
            fy.year: {"organisation": self.org, "year": fy.year} for fy in self.data.fiscal_years
        }
        self.fiscal_years, self.vanished_years = _sync(
            FiscalYear.objects.filter(organisation=self.org), lambda o: o.year, rows, []
        )
        rows = {
            p.key: {
                "fiscal_year": self.fiscal_years[fy.year],
                "key": p.key,
                "kind": p.kind,
                "end_month": p.end_month,
                "title": p.title,
                "status": statuses[p.key],
                "deadline": p.deadline,
            }
            for fy in self.data.fiscal_years
            for p in fy.periods
        }
        self.periods, self.vanished_periods = _sync(
            Period.objects.filter(fiscal_year__organisation=self.org),
            lambda o: o.key,
            rows,
            ["kind", "end_month", "title", "status", "deadline"],
        )

    def sync_goals(self) -> None:
        d = self.data
        self.perspectives, self.vanished_perspectives = self._sync_by_code(
            Perspective, d.perspectives, lambda p: {"name": p.name, "long_name": p.long_name}
        )
        self.council_goals, self.vanished_council_goals = self._sync_by_year_and_code(
            CouncilGoal,
            d.council_goals,
            lambda g: {"name": g.name, "perspective": self.perspectives[g.perspective]},
        )
        self.board_goals, self.vanished_goals = self._sync_by_year_and_code(
            BoardGoal,
            d.board_goals,
            lambda g: {
                "name": g.name,
                "description": g.description,
                "council_goal": self.council_goals[(g.year, g.council_goal)],
                # set below, once every goal it may point to exists
                "carried_over_from": None,
            },
        )
        for g in d.board_goals:
            if g.carried_over_from:
                earlier = max(
                    year
                    for year, code in self.board_goals
                    if code == g.carried_over_from and year < g.year
                )
                self.board_goals[(g.year, g.code)].carried_over_from = self.board_goals[
                    (earlier, g.carried_over_from)
                ]
        BoardGoal.objects.bulk_update(
            self.board_goals.values(), ["carried_over_from"], batch_size=BATCH_SIZE
        )
        through = BoardGoal.responsible_units.through
        through.objects.filter(boardgoal__fiscal_year__organisation=self.org).delete()
        through.objects.bulk_create(
            through(boardgoal=self.board_goals[(g.year, g.code)], unit=self.units[code])
            for g in d.board_goals
            for code in g.responsible_units
        )

    def sync_indicators(self) -> None:
        d = self.data
        self.indicators, self.vanished_indicators = self._sync_by_code(
            Indicator,
            d.indicators,
            lambda ind: {
                "name": ind.name,
                "description": ind.description,
                "unit": self.units.get(ind.unit),
                "measure": ind.measure,
                "decimals": ind.decimals,
                "direction": ind.direction,
                "gender_split": ind.gender_split,
                "is_part_of_parent": ind.is_part_of_parent,
                "formula": ind.formula,
                "partly_met_threshold": ind.partly_met_threshold,
                "kolada_kpi": ind.kolada_kpi,
                "in_core_volumes": ind.in_core_volumes,
                "in_personnel": ind.in_personnel,
                "accumulates": ind.accumulates,
                "parent": None,
                "same_as": None,
            },
        )
        for ind in d.indicators:
            obj = self.indicators[ind.code]
            obj.parent = self.indicators[ind.parent] if ind.parent else None
            obj.same_as = self.indicators[ind.same_as] if ind.same_as else None
        for obj in self.vanished_indicators:
            obj.parent = obj.same_as = None
        Indicator.objects.bulk_update(
            [*self.indicators.values(), *self.vanished_indicators],
            ["parent", "same_as"],
            batch_size=BATCH_SIZE,
        )
        goals_by_code = defaultdict(list)
        for (_, code), goal in self.board_goals.items():
            goals_by_code[code].append(goal)
        through = Indicator.board_goals.through
        through.objects.filter(indicator__organisation=self.org).delete()
        through.objects.bulk_create(
            (
                through(indicator=self.indicators[ind.code], boardgoal=goal)
                for ind in d.indicators
                for code in dict.fromkeys(ind.board_goals)
                for goal in goals_by_code[code]
            ),
            batch_size=BATCH_SIZE,
        )

    def sync_investment_projects(self) -> None:
        self.projects, self.vanished_projects = self._sync_by_code(
            InvestmentProject,
            self.data.investment_projects,
            lambda p: {"name": p.name, "unit": self.units[p.unit]},
        )

    def delete_vanished(self) -> None:
        """Delete what the folder no longer holds, unless other rows still refer to it."""
        for objects, file, field, label in (
            (self.vanished_projects, "investments.yaml", "projects", "investment project"),
            (self.vanished_indicators, "goals.yaml", "indicators", "indicator"),
            (self.vanished_goals, "goals.yaml", "board_goals", "goal"),
            (self.vanished_council_goals, "goals.yaml", "council_goals", "council goal"),
            (self.vanished_perspectives, "goals.yaml", "perspectives", "perspective"),
            (self.vanished_periods, "organisation.yaml", "fiscal_years", "period"),
            (self.vanished_years, "organisation.yaml", "fiscal_years", "fiscal year"),
            (self.vanished_units, "organisation.yaml", "units", "unit"),
            (self.vanished_accounts, "organisation.yaml", "accounts", "account"),
            (self.vanished_classes, "organisation.yaml", "account_classes", "account class"),
        ):
            for obj in objects:
                others = referrers(obj)
                if others:
                    name = getattr(obj, "code", None) or getattr(obj, "key", None) or str(obj)
                    self.errors.append(
                        InputError(
                            file,
                            None,
                            field,
                            f"{label} {name} is no longer in the folder but is still referred to "
                            f"by {', '.join(others)}; put it back or remove those first",
                        )
                    )
                else:
                    obj.delete()

    # -- data rows --

    def store_ledger_and_budget(self) -> None:
        """The folder's files, imported as ``tertial import ledger|budget`` imports: the
        months they cover replaced, their rows kept for tracing."""
        for files in (self.data.ledger_files, self.data.budget_files):
            if files:
                store_imports(
                    self.org, [f.to_store() for f in files], replace=True, actor=self.actor
                )

    def _numbered(self, items, group):
        """The items of the periods being replaced, each with its place in its group."""
        order = defaultdict(int)
        for item in items:
            if self._replaced(item.period):
                yield item, order[group(item)]
                order[group(item)] += 1

    def store_followups(self) -> None:
        d = self.data
        Forecast.objects.bulk_create(
            Forecast(
                unit=self.units[f.unit],
                period=self.periods[f.period],
                net_result=f.net_result,
                revenues=f.revenues,
                costs=f.costs,
                pandemic_net_cost=f.pandemic_net_cost,
                comment=f.comment,
                updated_by=self.person,
            )
            for f in d.forecasts
            if self._replaced(f.period)
        )
        NarrativeSection.objects.bulk_create(
            NarrativeSection(
                period=self.periods[s.period],
                key=s.key,
                title=s.title,
                body=s.body,
                sort_order=i,
                updated_by=self.person,
            )
            for s, i in self._numbered(d.sections, lambda s: s.period)
        )
        DecisionEvent.objects.bulk_create(
            DecisionEvent(
                period=self.periods[e.period],
                kind=e.kind,
                text=e.text,
                date=e.date,
                sort_order=i,
            )
            for e, i in self._numbered(d.decisions_events, lambda e: (e.period, e.kind))
        )
        PlanFollowUp.objects.bulk_create(
            PlanFollowUp(period=self.periods[p.period], title=p.title, body=p.body, sort_order=i)
            for p, i in self._numbered(d.plans, lambda p: p.period)
        )
        loaded = [a for a in d.assessments if self._replaced(a.period)]
        assessments = [
            Assessment(
                board_goal=self.board_goals[(int(a.period[:4]), a.goal)],
                period=self.periods[a.period],
                value=a.value,
                justification=a.justification,
                updated_by=self.person,
            )
            for a in loaded
        ]
        Assessment.objects.bulk_create(assessments)
        AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=obj, kind=kind, text=text, sort_order=i)
            for obj, a in zip(assessments, loaded, strict=True)
            for i, (kind, text) in enumerate(a.items)
        )

    def store_indicator_data(self) -> None:
        d = self.data
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(
                indicator=self.indicators[ind.code],
                year=t.year,
                text=t.text,
                comparator=t.comparator,
                value=t.value,
                tolerance=t.tolerance,
            )
            for ind in d.indicators
            for t in ind.targets
        )
        IndicatorValue.objects.bulk_create(
            (
                IndicatorValue(
                    indicator=self.indicators[v.indicator],
                    year=v.year,
                    through_month=v.through_month,
                    kind=v.kind,
                    gender=v.gender,
                    value=v.value,
                    note=v.note,
                    source=v.source,
                    updated_by=self.person,
                )
                for v in d.indicator_values
                if (v.year, v.through_month) not in self.protected_value_keys
            ),
            batch_size=BATCH_SIZE,
        )

    def store_investment_figures(self) -> None:
        projects = self.data.investment_projects
        InvestmentFrame.objects.bulk_create(
            InvestmentFrame(
                project=self.projects[p.code],
                year=f.year,
                amount=f.amount,
                approved_on=f.approved_on,
                note=f.note,
            )
            for p in projects
            for f in p.frames
        )
        InvestmentOutcome.objects.bulk_create(
            InvestmentOutcome(
                project=self.projects[p.code],
                period=self.periods[o.period],
                expenditure_to_date=o.expenditure_to_date,
                income_to_date=o.income_to_date,
                forecast_expenditure=o.forecast_expenditure,
                forecast_income=o.forecast_income,
                comment=o.comment,
            )
            for p in projects
            for o in p.outcomes
            if self._replaced(o.period)
        )
