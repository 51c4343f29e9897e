"""The year's rhythm: a controller creates the next follow-up period from an earlier one, and
the next fiscal year from this one, each shown as a plan before anything is saved.

A new period gets the texts to write of the period it is made from (sections with their
instructions, the plans to follow up) and its deadlines, moved as many months as the period
ends later. A new year gets the periods of this year, each made from its counterpart, and
this year's goals and targets (tertial.goals.services.carry_over). The units need nothing:
a unit takes part in every period it exists during.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.core import calendar
from tertial.core.errors import Refused
from tertial.goals.services.carry_over import CarryOver, carry_over_goals, plan_carry_over
from tertial.narrative import queries as texts
from tertial.narrative.services import start_texts
from tertial.organisation import services as organisation_services
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit
from tertial.workflow.models import ReportApproval


@dataclass(frozen=True)
class PeriodPlan:
    """A period to create, and the period whose texts and deadlines it starts from."""

    year: int
    end_month: int
    kind: str
    title: str
    unit_deadline: datetime.date | None
    report_deadline: datetime.date | None
    source: Period | None

    @property
    def key(self) -> str:
        return f"{self.year}-{self.end_month:02d}"

    @property
    def kind_label(self) -> str:
        return str(Period.Kind(self.kind).label)


def _periods(organisation: Organisation):
    return Period.objects.filter(fiscal_year__organisation=organisation).select_related(
        "fiscal_year"
    )


def _report_deadline(period: Period) -> datetime.date | None:
    approval = ReportApproval.objects.filter(period=period).first()
    return approval.report_deadline if approval else None


def _moved(date: datetime.date | None, months: int) -> datetime.date | None:
    return calendar.shift_months(date, months) if date else None


def default_title(kind: str, end_month: int, year: int) -> str:
    """A period's title made from its kind and months; in Swedish, the report's language."""
    with translation.override("sv"):
        word = str(Period.Kind(kind).label)
    return calendar.period_title(word, end_month, year)


def plan_period(
    source: Period | None, *, year: int, end_month: int, kind: str, title: str = ""
) -> PeriodPlan:
    """A period ending with ``end_month`` of ``year`` made from ``source``: the source's
    deadlines moved by as many months as the new period ends later."""
    months = (
        calendar.months_between(source.year, source.end_month, year, end_month) if source else 0
    )
    return PeriodPlan(
        year=year,
        end_month=end_month,
        kind=kind,
        title=title or default_title(kind, end_month, year),
        unit_deadline=_moved(source.deadline, months) if source else None,
        report_deadline=_moved(_report_deadline(source), months) if source else None,
        source=source,
    )


def propose_next_period(organisation: Organisation) -> PeriodPlan | None:
    """The period after the organisation's latest, in the same year, made from the latest:
    its last month, kind and title as in last year's calendar when that has a period there,
    else four months on. None when the latest period ends the year (the next is a new year's)
    or the organisation has none."""
    periods = list(_periods(organisation))
    if not periods:
        return None
    latest = max(periods, key=lambda p: (p.year, p.end_month))
    this_year = [p for p in periods if p.year == latest.year]
    last_year = {p.end_month: p for p in periods if p.year == latest.year - 1}
    end_month = calendar.next_end_month(
        latest.end_month, taken=[p.end_month for p in this_year], pattern=last_year
    )
    if end_month is None:
        return None
    counterpart = last_year.get(end_month)
    if counterpart is not None:
        kind = counterpart.kind
        title = calendar.title_for_year(counterpart.title, counterpart.year, latest.year)
    else:
        kind = Period.Kind.ANNUAL if end_month == 12 else latest.kind
        title = ""
    return plan_period(latest, year=latest.year, end_month=end_month, kind=kind, title=title)


def _start(plan: PeriodPlan, fiscal_year: FiscalYear, *, actor) -> Period:
    period = organisation_services.create_period(
        fiscal_year,
        end_month=plan.end_month,
        kind=plan.kind,
        title=plan.title,
        deadline=plan.unit_deadline,
        actor=actor,
    )
    ReportApproval.objects.create(period=period, report_deadline=plan.report_deadline)
    if plan.source is not None:
        start_texts(period, plan.source, actor=actor)
    return period


def create_period(organisation: Organisation, plan: PeriodPlan, *, actor) -> Period:
    """Create the period ``plan`` describes, in a fiscal year the organisation has."""
    if plan.source is not None and plan.source.organisation != organisation:
        raise Refused(_("Perioden att utgå från hör till en annan förvaltning."))
    fiscal_year = FiscalYear.objects.filter(organisation=organisation, year=plan.year).first()
    if fiscal_year is None:
        raise Refused(
            _("Förvaltningen har inget räkenskapsår %(year)s: skapa året först.")
            % {"year": plan.year}
        )
    with transaction.atomic():
        period = _start(plan, fiscal_year, actor=actor)
        record(
            "workflow.period.created",
            actor=actor,
            organisation=organisation,
            obj=period,
            after=_plan_state(plan),
        )
    return period


def _plan_state(plan: PeriodPlan) -> dict:
    return {
        "key": plan.key,
        "kind": plan.kind,
        "title": plan.title,
        "unit_deadline": plan.unit_deadline.isoformat() if plan.unit_deadline else None,
        "report_deadline": plan.report_deadline.isoformat() if plan.report_deadline else None,
        "from": plan.source.key if plan.source else None,
    }


@dataclass(frozen=True)
class YearPlan:
    """The next fiscal year as it would be created."""

    from_year: int
    to_year: int
    periods: list[PeriodPlan]
    sections: dict[str, int]  # text sections each new period gets, by its key
    plans: dict[str, int]  # plan follow-ups each new period gets, by its key
    goals: CarryOver
    units: list[Unit]  # taking part in the new year
    units_ending: list[Unit]  # taking part this year, not the next

    @property
    def fingerprint(self) -> str:
        """What the plan shows, in short: a confirmation carries it, so that what is saved
        is what the controller saw."""
        shown = {
            "periods": [_plan_state(p) for p in self.periods],
            "goals": self.goals.fingerprint(),
            "units": [u.code for u in self.units],
        }
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]


def propose_next_year(organisation: Organisation) -> YearPlan | None:
    """The year after the organisation's latest fiscal year, made from it; None when the
    organisation has no fiscal year."""
    latest = FiscalYear.objects.filter(organisation=organisation).order_by("-year").first()
    if latest is None:
        return None
    from_year, to_year = latest.year, latest.year + 1
    periods = [
        plan_period(
            period,
            year=to_year,
            end_month=period.end_month,
            kind=period.kind,
            title=calendar.title_for_year(period.title, from_year, to_year),
        )
        for period in _periods(organisation).filter(fiscal_year=latest)
    ]
    units = list(Unit.objects.filter(organisation=organisation))
    start, end = datetime.date(from_year, 1, 1), datetime.date(from_year, 12, 31)
    next_start, next_end = datetime.date(to_year, 1, 1), datetime.date(to_year, 12, 31)
    return YearPlan(
        from_year=from_year,
        to_year=to_year,
        periods=periods,
        sections={p.key: len(texts.sections_of(p.source)) for p in periods},
        plans={p.key: len(texts.plans_of(p.source)) for p in periods},
        goals=plan_carry_over(organisation, from_year, to_year),
        units=[u for u in units if u.exists_during(next_start, next_end)],
        units_ending=[
            u
            for u in units
            if u.exists_during(start, end) and not u.exists_during(next_start, next_end)
        ],
    )


def create_next_year(organisation: Organisation, *, fingerprint: str, actor) -> FiscalYear:
    """Create the year ``propose_next_year`` shows, if it is still what was shown (its
    ``fingerprint``): the fiscal year, its periods with their texts and deadlines, and the
    goals and targets carried over, in one transaction."""
    with transaction.atomic():
        plan = propose_next_year(organisation)
        if plan is None:
            raise Refused(_("Förvaltningen har inget räkenskapsår att utgå från."))
        if plan.fingerprint != fingerprint:
            raise Refused(
                _(
                    "Något har ändrats sedan förslaget visades. Granska det nya förslaget "
                    "och skapa året igen."
                )
            )
        fiscal_year = organisation_services.create_fiscal_year(
            organisation, plan.to_year, actor=actor
        )
        for period_plan in plan.periods:
            _start(period_plan, fiscal_year, actor=actor)
        carry_over_goals(organisation, plan.from_year, fiscal_year, actor=actor)
        record(
            "workflow.year.created",
            actor=actor,
            organisation=organisation,
            obj=fiscal_year,
            after={
                "from": plan.from_year,
                "periods": [_plan_state(p) for p in plan.periods],
            },
        )
    return fiscal_year
