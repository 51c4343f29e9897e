"""Storing a validated organisation folder: one transaction, upserts by code, data replaced.

Things people and other rows refer to (the organisation, units, accounts, years, periods,
goals, indicators, projects) are updated in place by their codes, so their primary keys and
everything attached to them survive a re-load. The data rows the folder defines (current
forecasts and assessments, targets, indicator values, texts, investment figures) are deleted
and written anew, except those of periods approved or locked in the database
(tertial.ingest.folder.locked) unless the load is forced; the ledger and budget files are
imported again, as ``tertial import ledger`` imports (tertial.economy.services.imports),
after the earlier load's imports are deleted. Then the goals engine computes the formula
indicators and proposes an assessment for each loaded one. Every write goes through the
services of the app that owns the table.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.core.errors import InputError, InputErrors
from tertial.economy import services as economy
from tertial.economy.services import chart, investments
from tertial.economy.services.imports import (
    delete_budget_without_import,
    delete_imports_from,
    store_imports,
)
from tertial.goals import services as goals
from tertial.goals.services import structure
from tertial.ingest.folder import locked
from tertial.ingest.folder.folder import FolderData
from tertial.ingest.records.importer import import_records
from tertial.narrative import services as narrative
from tertial.organisation import services as organisation
from tertial.organisation.queries import locked_periods, status_stands
from tertial.platform import cache
from tertial.records import services as records

# The source names of the batches a folder load creates, by kind; `tertial import ledger`
# names its batches otherwise, so a re-load replaces only what an earlier load put there.
FOLDER_SOURCES = {"ledger": "ledger/", "budget": "budget/"}


@dataclass
class LoadResult:
    organisation: object  # tertial.organisation.models.Organisation
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


class _Store:
    """The folder's data through each app's services, in the order their rows refer to one
    another: the period data of the periods replaced is deleted first, then what it refers
    to is updated by code, then what the folder no longer holds is deleted, then the period
    data is written anew."""

    def __init__(self, data: FolderData, actor, force: bool = False):
        self.data = data
        self.actor = actor
        self.force = force
        self.notes: list[str] = []

    def run(self) -> LoadResult:
        d = self.data
        org = organisation.save_organisation(
            d.slug,
            name=d.name,
            short_name=d.short_name,
            municipality=d.municipality,
            board=d.board,
            settings=d.settings,
        )
        self.org = org
        protected = {} if self.force else locked_periods(org)
        errors, unchanged = locked.changes(d, protected)
        if errors:
            raise InputErrors(errors)
        for key in unchanged:
            self.notes.append(
                _(
                    "perioden %(key)s är %(status)s i databasen: dess uppgifter, desamma i "
                    "mappen, har behållits som de är"
                )
                % {"key": key, "status": protected[key].get_status_display()}
            )
        self.kept = list(protected.values())
        self.clear_period_data()
        self.sync(protected)
        self.delete_vanished()
        self.store_period_data()
        self.store_records()
        counts = {**d.counts(), **self.run_goals_engine()}
        record("organisation.loaded", actor=self.actor, organisation=org, obj=org, after=counts)
        return LoadResult(org, counts, self.notes)

    def clear_period_data(self) -> None:
        org = self.org
        # What earlier loads of the folder imported; the files are imported again below
        # (a file taken out of the folder takes its rows with it).
        delete_imports_from(org, FOLDER_SOURCES, actor=self.actor)
        delete_budget_without_import(org)
        economy.clear_forecasts(org, self.kept)
        investments.clear_figures(org, self.kept)
        structure.clear_period_data(org, self.kept)
        narrative.clear_texts(org, self.kept)

    def sync(self, protected: dict) -> None:
        d, org = self.data, self.org
        self.units = organisation.sync_units(org, d.units)
        self.classes = chart.sync_account_classes(org, d.account_classes)
        self.accounts = chart.sync_accounts(org, d.account_names, d.account_class_of, self.classes)
        statuses = {p.key: p.status for fy in d.fiscal_years for p in fy.periods}
        for key, period in protected.items():
            if key in statuses and status_stands(statuses[key], period.status):
                self.notes.append(
                    _(
                        "perioden %(key)s förblir %(status)s som i databasen (mappen säger "
                        "%(folder)s); läs in med --force för att ändra det"
                    )
                    % {
                        "key": key,
                        "status": period.get_status_display(),
                        "folder": statuses[key],
                    }
                )
                statuses[key] = period.status
        self.years, self.periods = organisation.sync_calendar(org, d.fiscal_years, statuses)
        self.perspectives, self.council_goals, self.board_goals = structure.sync_goals(
            org,
            self.years,
            self.units,
            perspectives=d.perspectives,
            council_goals=d.council_goals,
            board_goals=d.board_goals,
        )
        self.indicators = structure.sync_indicators(org, d.indicators, self.units, self.board_goals)
        self.projects = investments.sync_projects(org, d.investment_projects, self.units)

    def delete_vanished(self) -> None:
        """Delete what the folder no longer holds, unless other rows still refer to it: in
        the order they refer to one another, each by the services of the app it belongs to."""
        errors = []
        for delete, synced, file, field, label in (
            (
                economy.delete_vanished,
                self.projects,
                "investments.yaml",
                "projects",
                _("projektet"),
            ),
            (
                structure.delete_vanished,
                self.indicators,
                "goals.yaml",
                "indicators",
                _("indikatorn"),
            ),
            (structure.delete_vanished, self.board_goals, "goals.yaml", "board_goals", _("målet")),
            (
                structure.delete_vanished,
                self.council_goals,
                "goals.yaml",
                "council_goals",
                _("fullmäktigemålet"),
            ),
            (
                structure.delete_vanished,
                self.perspectives,
                "goals.yaml",
                "perspectives",
                _("perspektivet"),
            ),
            (
                organisation.delete_vanished,
                self.periods,
                "organisation.yaml",
                "fiscal_years",
                _("perioden"),
            ),
            (
                organisation.delete_vanished,
                self.years,
                "organisation.yaml",
                "fiscal_years",
                _("räkenskapsåret"),
            ),
            (organisation.delete_vanished, self.units, "organisation.yaml", "units", _("enheten")),
            (economy.delete_vanished, self.accounts, "organisation.yaml", "accounts", _("kontot")),
            (
                economy.delete_vanished,
                self.classes,
                "organisation.yaml",
                "account_classes",
                _("kontoklassen"),
            ),
        ):
            for obj, others in delete(synced.vanished).items():
                name = getattr(obj, "code", None) or getattr(obj, "key", None) or str(obj)
                errors.append(
                    InputError(
                        file,
                        None,
                        field,
                        _(
                            "%(label)s %(name)s finns inte längre i mappen men hänvisas "
                            "fortfarande till av %(value)s; lägg tillbaka den eller ta först bort "
                            "dem"
                        )
                        % {"label": label, "name": name, "value": ", ".join(others)},
                    )
                )
        if errors:
            raise InputErrors(errors)

    def store_period_data(self) -> None:
        d, org, actor, kept = self.data, self.org, self.actor, self.kept
        # The folder's files, imported as ``tertial import ledger|budget`` imports: the months
        # they cover replaced, their rows kept for tracing.
        for files in (d.ledger_files, d.budget_files):
            if files:
                store_imports(org, [f.to_store() for f in files], replace=True, actor=actor)
        economy.store_forecasts(d.forecasts, self.units, self.periods, kept, actor=actor)
        narrative.store_texts(
            self.periods,
            kept,
            units=self.units,
            sections=d.sections,
            decisions_events=d.decisions_events,
            plans=d.plans,
            actor=actor,
        )
        structure.store_assessments(
            d.assessments, self.board_goals, self.periods, kept, actor=actor
        )
        structure.store_targets(d.indicators, self.indicators)
        structure.store_values(d.indicator_values, self.indicators, kept, actor=actor)
        investments.store_figures(d.investment_projects, self.projects, self.periods, kept)

    def store_records(self) -> None:
        """The indicators' definitions over records, and the folder's files of records, each
        replacing the months it covers; read now, by the units just stored."""
        d = self.data
        records.sync_definitions(
            self.org, {i.code: i.records for i in d.indicators if i.records}, actor=self.actor
        )
        for source in d.record_sources:
            import_records(
                self.org, source.path, mapping=source.mapping, actor=self.actor,
                source_name=source.file,
            )  # fmt: skip

    def run_goals_engine(self) -> dict[str, int]:
        """Computed indicators get their values and loaded assessments the system's proposal,
        as they would had they been entered in the web app: from records first, as formulas
        may use them."""
        try:
            computed_from_records = records.compute_values(self.org, actor=self.actor)
            computed = goals.compute_indicator_values(self.org, actor=self.actor)
        except ValidationError as exc:
            # the formulas were checked when read; what is left is arithmetic on the values
            raise InputErrors(
                [InputError("indicator_values.csv", None, "", m) for m in exc.messages]
            ) from exc
        return {
            "computed_indicator_values": computed,
            "values_computed_from_records": computed_from_records,
            "assessment_proposals": goals.fill_missing_proposals(self.org),
        }
