"""Writes of the organisation's tables, and the one rule of a locked period."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.core.errors import PeriodLocked, Refused
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit
from tertial.platform.rows import BATCH_SIZE, Synced, delete_unreferred, upsert


def ensure_open(period: Period) -> None:
    """Refuse any change of a period's data once its report is approved or locked.

    The one rule: every service that writes a period's data asks it, and the pages ask
    ``period.is_locked`` to leave out the forms it would refuse.
    """
    if period.is_locked:
        raise PeriodLocked(
            _("Perioden %(period)s är låst: rapporten är godkänd och inget i perioden kan ändras.")
            % {"period": period.key}
        )


# ---- The calendar, as a controller extends it ---------------------------------------------


def create_fiscal_year(organisation: Organisation, year: int, *, actor) -> FiscalYear:
    if FiscalYear.objects.filter(organisation=organisation, year=year).exists():
        raise Refused(_("Räkenskapsåret %(year)s finns redan.") % {"year": year})
    fiscal_year = FiscalYear.objects.create(organisation=organisation, year=year)
    record(
        "organisation.year.created",
        actor=actor,
        organisation=organisation,
        obj=fiscal_year,
        after={"year": year},
    )
    return fiscal_year


def create_period(
    fiscal_year: FiscalYear,
    *,
    end_month: int,
    kind: str,
    title: str,
    deadline: datetime.date | None,
    actor,
) -> Period:
    """A new open period of ``fiscal_year`` ending with ``end_month``."""
    if not 1 <= end_month <= 12:
        raise Refused(_("En period slutar med en månad mellan 1 och 12."))
    if kind not in Period.Kind.values:
        raise Refused(_("Okänd periodtyp: %(kind)s.") % {"kind": kind})
    key = f"{fiscal_year.year}-{end_month:02d}"
    if Period.objects.filter(fiscal_year=fiscal_year, key=key).exists():
        raise Refused(_("Perioden %(key)s finns redan.") % {"key": key})
    period = Period.objects.create(
        fiscal_year=fiscal_year,
        key=key,
        kind=kind,
        end_month=end_month,
        title=title.strip()[:200],
        deadline=deadline,
    )
    record(
        "organisation.period.created",
        actor=actor,
        organisation=fiscal_year.organisation,
        obj=period,
        after={
            "key": key,
            "kind": kind,
            "title": period.title,
            "deadline": deadline.isoformat() if deadline else None,
        },
    )
    return period


# ---- Replacing what an organisation folder defines ------------------------------------------
# The loader (tertial.ingest.folder) calls these inside its one transaction; the specs are
# plain objects with the attributes named (the folder reader's dataclasses).


def save_organisation(
    slug: str, *, name: str, short_name: str, municipality: str, board: str, settings: dict
) -> Organisation:
    """The organisation with this slug, created or updated."""
    organisation, _created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "municipality": municipality}
    )
    organisation.name, organisation.short_name = name, short_name
    organisation.municipality, organisation.board = municipality, board
    organisation.settings = settings
    organisation.save()
    return organisation


def sync_units(organisation: Organisation, units: Sequence) -> Synced:
    """The units (``code``, ``name``, ``parent`` code, ``starts_on``, ``ends_on``) in this
    order, by code; a vanished unit loses its parent, and is deleted by ``delete_vanished``."""
    rows = {
        unit.code: {
            "organisation": organisation,
            "code": unit.code,
            "sort_order": i,
            "name": unit.name,
            "starts_on": unit.starts_on,
            "ends_on": unit.ends_on,
        }
        for i, unit in enumerate(units)
    }
    synced = upsert(
        Unit.objects.filter(organisation=organisation),
        lambda u: u.code,
        rows,
        ["sort_order", "name", "starts_on", "ends_on"],
    )
    for unit in units:
        synced.by_key[unit.code].parent = synced.by_key[unit.parent] if unit.parent else None
    for unit in synced.vanished:
        unit.parent = None
    Unit.objects.bulk_update(
        [*synced.by_key.values(), *synced.vanished], ["parent"], batch_size=BATCH_SIZE
    )
    return synced


def sync_calendar(
    organisation: Organisation, fiscal_years: Sequence, statuses: dict[str, str]
) -> tuple[Synced, Synced]:
    """The fiscal years (``year``, ``periods``: ``key``, ``kind``, ``end_month``, ``title``,
    ``deadline``) by year and the periods by key, each period with its status from
    ``statuses``; returns the years and the periods."""
    years = upsert(
        FiscalYear.objects.filter(organisation=organisation),
        lambda y: y.year,
        {fy.year: {"organisation": organisation, "year": fy.year} for fy in fiscal_years},
        [],
    )
    periods = upsert(
        Period.objects.filter(fiscal_year__organisation=organisation),
        lambda p: p.key,
        {
            p.key: {
                "fiscal_year": years.by_key[fy.year],
                "key": p.key,
                "kind": p.kind,
                "end_month": p.end_month,
                "title": p.title,
                "status": statuses[p.key],
                "deadline": p.deadline,
            }
            for fy in fiscal_years
            for p in fy.periods
        },
        ["kind", "end_month", "title", "status", "deadline"],
    )
    return years, periods


def delete_vanished(objects: Sequence[Period | FiscalYear | Unit]) -> dict:
    """Delete the organisation's periods, years or units a folder no longer holds, unless
    other rows still refer to them (returned, each with what refers to it)."""
    if not all(isinstance(obj, Period | FiscalYear | Unit) for obj in objects):
        raise TypeError("not an organisation's period, fiscal year or unit")
    return delete_unreferred(objects)
