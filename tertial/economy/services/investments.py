"""Writes of investment projects, their frames and their outcomes at each follow-up.

A controller adds projects and the frames the board approves; whoever answers for a
project's unit enters its expenditure and income to date and its full-year forecast at each
follow-up, a versioned row like the unit's forecast. The loader of an organisation folder
(tertial.ingest.folder) replaces them all inside its one transaction; an approved or locked
period keeps its outcomes unless the load is forced.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from tertial.audit.history import check_version, save_version
from tertial.audit.log import record
from tertial.core.errors import Refused
from tertial.economy.models import InvestmentFrame, InvestmentOutcome, InvestmentProject
from tertial.economy.services import exact_amount
from tertial.organisation.models import Organisation, Period, Unit
from tertial.organisation.services import ensure_open
from tertial.organisation.signals import unit_figures_changed
from tertial.platform.rows import Synced, upsert


def add_project(
    organisation: Organisation, *, code: str, name: str, unit: Unit, actor
) -> InvestmentProject:
    if unit.organisation_id != organisation.pk:
        raise Refused(_("Verksamheten hör till en annan förvaltning."))
    code = code.strip()
    if InvestmentProject.objects.filter(organisation=organisation, code=code).exists():
        raise Refused(_("Projektkoden %(code)s finns redan.") % {"code": code})
    last = InvestmentProject.objects.filter(organisation=organisation).order_by("-sort_order")
    project = InvestmentProject.objects.create(
        organisation=organisation,
        unit=unit,
        code=code,
        name=name.strip(),
        sort_order=last[0].sort_order + 1 if last else 0,
    )
    record(
        "economy.investment.added",
        actor=actor,
        organisation=organisation,
        obj=project,
        after={"code": code, "name": project.name, "unit": unit.code},
    )
    return project


def add_frame(
    project: InvestmentProject,
    *,
    year: int,
    amount: Decimal,
    approved_on: datetime.date | None,
    note: str,
    actor,
) -> InvestmentFrame:
    """Add an approved frame, or a later approved change to it: a year's frame is the sum of
    what was approved by a period's end."""
    amount = exact_amount(amount)
    frame = InvestmentFrame.objects.create(
        project=project, year=year, amount=amount, approved_on=approved_on, note=note.strip()
    )
    record(
        "economy.investment.frame_added",
        actor=actor,
        organisation=project.organisation,
        obj=project,
        after={
            "year": year,
            "amount": str(amount),
            "approved_on": approved_on.isoformat() if approved_on else None,
            "note": frame.note,
        },
    )
    return frame


_OUTCOME_FIELDS = (
    "expenditure_to_date",
    "income_to_date",
    "forecast_expenditure",
    "forecast_income",
)


def _outcome_state(outcome: InvestmentOutcome | None) -> dict | None:
    if outcome is None:
        return None
    return {
        **{field: str(getattr(outcome, field)) for field in _OUTCOME_FIELDS},
        "comment": outcome.comment,
    }


def save_outcome(
    project: InvestmentProject,
    period: Period,
    *,
    expenditure_to_date: Decimal,
    income_to_date: Decimal,
    forecast_expenditure: Decimal,
    forecast_income: Decimal,
    comment: str,
    actor,
    base_version: str | None = None,
) -> InvestmentOutcome:
    """Save the project's figures at ``period`` (kronor, expenditure and income both
    positive); refused in a locked period, and (``StaleVersion``) when the row changed
    since the form showed ``base_version``."""
    ensure_open(period)
    if project.organisation_id != period.organisation.pk:
        raise Refused(_("Projektet hör till en annan förvaltning än perioden."))
    for amount in (expenditure_to_date, income_to_date, forecast_expenditure, forecast_income):
        exact_amount(amount)
    with transaction.atomic():
        InvestmentProject.objects.select_for_update().only("pk").get(pk=project.pk)
        outcome = InvestmentOutcome.objects.filter(project=project, period=period).first()
        check_version(outcome, base_version)
        before = _outcome_state(outcome)
        outcome = outcome or InvestmentOutcome(project=project, period=period)
        outcome.expenditure_to_date = expenditure_to_date
        outcome.income_to_date = income_to_date
        outcome.forecast_expenditure = forecast_expenditure
        outcome.forecast_income = forecast_income
        outcome.comment = comment
        save_version(
            outcome,
            actor=actor,
            action="economy.investment.saved",
            organisation=period.organisation,
            before=before,
            after=_outcome_state(outcome),
        )
        unit_figures_changed.send(InvestmentOutcome, unit=project.unit, period=period, actor=actor)
    return outcome


def sync_projects(organisation: Organisation, projects: Sequence, units: Synced) -> Synced:
    """The projects (``code``, ``name``, ``unit`` code) in this order, by code."""
    return upsert(
        InvestmentProject.objects.filter(organisation=organisation),
        lambda p: p.code,
        {
            p.code: {
                "organisation": organisation,
                "code": p.code,
                "sort_order": i,
                "name": p.name,
                "unit": units.by_key[p.unit],
            }
            for i, p in enumerate(projects)
        },
        ["sort_order", "name", "unit"],
    )


def clear_figures(organisation: Organisation, kept_periods: Sequence[Period]) -> None:
    """Delete the organisation's frames, and its outcomes but those of ``kept_periods``."""
    InvestmentFrame.objects.filter(project__organisation=organisation).delete()
    InvestmentOutcome.objects.filter(project__organisation=organisation).exclude(
        period__in=kept_periods
    ).delete()


def store_figures(
    projects: Sequence, synced: Synced, periods: Synced, kept_periods: Sequence[Period]
) -> None:
    """Each project's ``frames`` (``year``, ``amount``, ``approved_on``, ``note``) and its
    ``outcomes`` (``period`` key and the figures) but those of ``kept_periods``."""
    kept = {period.key for period in kept_periods}
    InvestmentFrame.objects.bulk_create(
        InvestmentFrame(
            project=synced.by_key[p.code],
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
            project=synced.by_key[p.code],
            period=periods.by_key[o.period],
            expenditure_to_date=o.expenditure_to_date,
            income_to_date=o.income_to_date,
            forecast_expenditure=o.forecast_expenditure,
            forecast_income=o.forecast_income,
            comment=o.comment,
        )
        for p in projects
        for o in p.outcomes
        if o.period not in kept
    )
