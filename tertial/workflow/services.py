"""Transitions of the follow-up work. Each one checks the state, changes it, and is audited.

Rights (who may take a transition) are checked by the caller through tertial.access; these
functions decide only what the state allows, so the CLI and tests can use them too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.core.errors import Refused
from tertial.economy.figures import comment_threshold, unit_figures
from tertial.narrative.queries import texts_to_write
from tertial.organisation.models import Period, Unit
from tertial.organisation.services import ensure_open
from tertial.workflow import notices
from tertial.workflow.models import ReportApproval, UnitSubmission

State = UnitSubmission.State
ReportState = ReportApproval.State
# Handed in and waiting for a reviewer: approve or return.
REVIEWABLE = frozenset({State.SUBMITTED, State.CHANGED})


class WorkflowError(Refused):
    """A transition the current state does not allow; the message is for the user."""


def reporting_units(period: Period):
    """The units that take part in the period's follow-up: those existing during it."""
    units = Unit.objects.filter(organisation_id=period.fiscal_year.organisation_id)
    return [u for u in units if u.exists_during(period.start_date, period.end_date)]


def submission_for(unit: Unit, period: Period) -> UnitSubmission:
    """The unit's submission, unsaved in state draft when nothing has happened yet."""
    return UnitSubmission.objects.filter(unit=unit, period=period).first() or UnitSubmission(
        unit=unit, period=period
    )


def approval_for(period: Period) -> ReportApproval:
    return ReportApproval.objects.filter(period=period).first() or ReportApproval(period=period)


def _locked_submission(unit: Unit, period: Period) -> UnitSubmission:
    """The submission row locked for the rest of the transaction (created when missing)."""
    UnitSubmission.objects.get_or_create(unit=unit, period=period)
    return UnitSubmission.objects.select_for_update().get(unit=unit, period=period)


def unit_open(period: Period, submission: UnitSubmission, *, reviewer: bool) -> bool:
    """Whether a unit's forecast, comment and indicator values may change now, by state: never
    in a locked period; while the unit's part is a draft or returned; and for a reviewer (a
    controller), who corrects a submitted or approved unit until the period is approved (a
    change to an approved unit sends it back to review: ``mark_changed_after_approval``)."""
    if period.is_locked:
        return False
    return reviewer or submission.state in {State.DRAFT, State.RETURNED}


def missing_for_submission(unit: Unit, period: Period, figures=None) -> list[str]:
    """What a unit must still do before it can submit (``figures``: its UnitFigures, when
    the caller has them already)."""
    if figures is None:
        figures = unit_figures(period, [unit.pk]).get(unit.pk)
    forecast = figures.forecast if figures else None
    missing = []
    if forecast is None:
        missing.append(_("Helårsprognos saknas."))
    elif (
        abs(figures.forecast_deviation) > comment_threshold(period) and not forecast.comment.strip()
    ):
        missing.append(_("Prognosen avviker väsentligt från budget men kommentar saknas."))
    sections, plans = texts_to_write(period, [unit.pk])
    for text in [*sections, *plans]:
        if not text.body.strip():
            missing.append(_("Texten %(title)s är inte skriven.") % {"title": text})
    return missing


def _transition(unit, period, actor, allowed_from, to, action, comment=""):
    with transaction.atomic():
        submission = _locked_submission(unit, period)
        if submission.state not in allowed_from:
            raise WorkflowError(
                _("Inte möjligt när inlämningen har status %(state)s.")
                % {"state": submission.get_state_display()}
            )
        before = submission.state
        submission.state = to
        submission.updated_by = actor
        if comment or to != State.SUBMITTED:
            submission.return_comment = comment
        submission.save()
        record(
            action,
            actor=actor,
            organisation=unit.organisation,
            obj=submission,
            before={"state": before},
            after={"state": to},
            reason=comment,
        )
    return submission


def submit_unit(unit: Unit, period: Period, *, actor) -> UnitSubmission:
    ensure_open(period)
    missing = missing_for_submission(unit, period)
    if missing:
        raise WorkflowError(_("Verksamheten kan inte lämnas in ännu."), missing)
    with transaction.atomic():
        submission = _transition(
            unit,
            period,
            actor,
            {State.DRAFT, State.RETURNED},
            State.SUBMITTED,
            "workflow.unit.submitted",
        )
        notices.unit_submitted(unit, period, actor)
    return submission


def return_unit(unit: Unit, period: Period, *, actor, comment: str) -> UnitSubmission:
    ensure_open(period)
    if not comment.strip():
        raise WorkflowError(_("Skriv en kommentar om vad som ska rättas."))
    with transaction.atomic():
        submission = _transition(
            unit,
            period,
            actor,
            {*REVIEWABLE, State.APPROVED},
            State.RETURNED,
            "workflow.unit.returned",
            comment.strip(),
        )
        notices.unit_returned(unit, period, actor, comment.strip())
    return submission


def approve_unit(unit: Unit, period: Period, *, actor) -> UnitSubmission:
    ensure_open(period)
    return _transition(unit, period, actor, REVIEWABLE, State.APPROVED, "workflow.unit.approved")


def approve_units(units: list[Unit], period: Period, *, actor) -> list[UnitSubmission]:
    """Approve several units at once, all or none: refused, naming them, when any of them
    is not waiting for review."""
    ensure_open(period)
    with transaction.atomic():
        submissions = [_locked_submission(unit, period) for unit in units]
        waiting = [s.unit.name for s in submissions if s.state not in REVIEWABLE]
        if waiting:
            raise WorkflowError(
                _("Bara inlämnade verksamheter kan godkännas; de här väntar inte på granskning:"),
                waiting,
            )
        return [approve_unit(unit, period, actor=actor) for unit in units]


def mark_changed_after_approval(unit: Unit, period: Period, actor) -> None:
    """A reviewer changed a figure of an approved unit: the unit is reviewed again and its
    heads are told. Nothing happens to a unit that is not approved."""
    with transaction.atomic():
        submission = (
            UnitSubmission.objects.select_for_update()
            .filter(unit=unit, period=period, state=State.APPROVED)
            .first()
        )
        if submission is None:
            return
        submission.state = State.CHANGED
        submission.updated_by = actor
        submission.save()
        record(
            "workflow.unit.changed_after_approval",
            actor=actor,
            organisation=unit.organisation,
            obj=submission,
            before={"state": State.APPROVED},
            after={"state": State.CHANGED},
        )
        notices.unit_changed_after_approval(unit, period, actor)


def on_unit_figures_changed(sender, *, unit, period, actor, **kwargs) -> None:
    """Receiver of tertial.organisation.signals.unit_figures_changed (connected in apps)."""
    mark_changed_after_approval(unit, period, actor)


def _locked_approval(period: Period) -> ReportApproval:
    ReportApproval.objects.get_or_create(period=period)
    return ReportApproval.objects.select_for_update().get(period=period)


def units_not_approved(period: Period) -> list[Unit]:
    approved = set(
        UnitSubmission.objects.filter(period=period, state=State.APPROVED).values_list(
            "unit_id", flat=True
        )
    )
    return [unit for unit in reporting_units(period) if unit.pk not in approved]


def approve_report(
    period: Period, *, actor, freeze=None, acknowledged: list[str] | tuple = ()
) -> ReportApproval:
    """Approve the administration's report, freeze an edition of it and lock the period.

    ``freeze(period, actor=, reason=)`` makes the frozen edition and returns it (or None);
    tertial.reports provides it, the web passes it in. ``acknowledged``: the warnings of the
    report's checks the approver saw and approved anyway, kept in the change log.
    """
    with transaction.atomic():
        approval = _locked_approval(period)
        if approval.state != ReportState.DRAFT:
            raise WorkflowError(_("Rapporten är redan godkänd."))
        pending = units_not_approved(period)
        if pending:
            raise WorkflowError(
                _("Alla verksamheter måste vara godkända innan rapporten kan godkännas."),
                [unit.name for unit in pending],
            )
        if freeze is not None:
            edition = freeze(period, actor=actor, reason=_("Godkänd av förvaltningschef"))
            approval.edition_number = getattr(edition, "number", None)
        approval.state = ReportState.APPROVED
        approval.approved_by = actor
        approval.approved_at = timezone.now()
        approval.save()
        before_status = period.status
        period.status = Period.Status.APPROVED
        period.save(update_fields=["status"])
        record(
            "workflow.report.approved",
            actor=actor,
            organisation=period.organisation,
            obj=period,
            before={"status": before_status},
            after={
                "status": period.status,
                "edition": approval.edition_number,
                "acknowledged_warnings": list(acknowledged),
            },
        )
        notices.report_approved(period, actor)
    return approval


def publish_report(period: Period, *, actor) -> ReportApproval:
    with transaction.atomic():
        approval = _locked_approval(period)
        if approval.state != ReportState.APPROVED:
            raise WorkflowError(_("Bara en godkänd rapport kan publiceras."))
        approval.state = ReportState.PUBLISHED
        approval.published_edition = approval.edition_number
        approval.published_by = actor
        approval.published_at = timezone.now()
        approval.save()
        before_status = period.status
        period.status = Period.Status.LOCKED
        period.save(update_fields=["status"])
        record(
            "workflow.report.published",
            actor=actor,
            organisation=period.organisation,
            obj=period,
            before={"status": before_status},
            after={"status": period.status, "published_edition": approval.published_edition},
        )
    return approval


def unlock_period(period: Period, *, actor, reason: str) -> ReportApproval:
    """Open an approved or published period for changes again; the reason is logged. The
    published edition stays public until another one is published."""
    if not reason.strip():
        raise WorkflowError(_("Ange varför perioden låses upp."))
    with transaction.atomic():
        approval = _locked_approval(period)
        if not period.is_locked and approval.state == ReportState.DRAFT:
            raise WorkflowError(_("Perioden är inte låst."))
        before = {"status": period.status, "report": approval.state}
        approval.state = ReportState.DRAFT
        approval.save()
        period.status = Period.Status.OPEN
        period.save(update_fields=["status"])
        record(
            "period.unlocked",
            actor=actor,
            organisation=period.organisation,
            obj=period,
            before=before,
            after={"status": period.status, "report": approval.state},
            reason=reason.strip(),
        )
    return approval


def set_deadlines(
    period: Period,
    *,
    actor,
    unit_deadline: datetime.date | None,
    report_deadline: datetime.date | None,
) -> None:
    with transaction.atomic():
        approval = _locked_approval(period)
        before = {
            "unit_deadline": period.deadline.isoformat() if period.deadline else None,
            "report_deadline": approval.report_deadline.isoformat()
            if approval.report_deadline
            else None,
        }
        period.deadline = unit_deadline
        period.save(update_fields=["deadline"])
        approval.report_deadline = report_deadline
        approval.save()
        record(
            "workflow.deadlines.changed",
            actor=actor,
            organisation=period.organisation,
            obj=period,
            before=before,
            after={
                "unit_deadline": unit_deadline.isoformat() if unit_deadline else None,
                "report_deadline": report_deadline.isoformat() if report_deadline else None,
            },
        )


@dataclass
class UnitStatus:
    unit: Unit
    submission: UnitSubmission
    overdue: bool


def unit_statuses(period: Period, today: datetime.date | None = None) -> list[UnitStatus]:
    """Every reporting unit's submission state and whether it is overdue."""
    today = today or timezone.localdate()
    submissions = {s.unit_id: s for s in UnitSubmission.objects.filter(period=period)}
    result = []
    for unit in reporting_units(period):
        submission = submissions.get(unit.pk) or UnitSubmission(unit=unit, period=period)
        result.append(UnitStatus(unit, submission, is_overdue(period, submission, today)))
    return result


def is_overdue(period: Period, submission: UnitSubmission, today=None) -> bool:
    """Past the period's deadline and not handed in (a returned unit is not handed in)."""
    today = today or timezone.localdate()
    return (
        period.deadline is not None
        and today > period.deadline
        and submission.state in {State.DRAFT, State.RETURNED}
    )


def report_overdue(period: Period, approval: ReportApproval, today=None) -> bool:
    today = today or timezone.localdate()
    return (
        approval.report_deadline is not None
        and today > approval.report_deadline
        and approval.state == ReportState.DRAFT
    )
