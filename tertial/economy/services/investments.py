"""Writes of investment projects, their frames and their outcomes at each follow-up.

The loader of an organisation folder (tertial.ingest.folder) calls these inside its one
transaction; an approved or locked period keeps its outcomes unless the load is forced.
"""

from __future__ import annotations

from collections.abc import Sequence

from tertial.economy.models import InvestmentFrame, InvestmentOutcome, InvestmentProject
from tertial.organisation.models import Organisation, Period
from tertial.platform.rows import Synced, upsert


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
