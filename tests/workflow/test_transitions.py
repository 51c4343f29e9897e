import datetime

import pytest

from tertial.audit.models import AuditEntry
from tertial.core.errors import PeriodLocked
from tertial.economy.models import Forecast
from tertial.economy.services import save_forecast
from tertial.organisation.models import Period
from tertial.workflow import services as workflow
from tertial.workflow.models import ReportApproval, UnitSubmission

pytestmark = pytest.mark.django_db
State = UnitSubmission.State


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_unit_draft_submitted_returned_submitted_approved(people, period_2020_08):
    unit, head = people.lkdata, people.lkdata_head
    assert workflow.submission_for(unit, period_2020_08).state == State.DRAFT
    assert workflow.submit_unit(unit, period_2020_08, actor=head).state == State.SUBMITTED
    with pytest.raises(workflow.WorkflowError):
        workflow.submit_unit(unit, period_2020_08, actor=head)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_unit(unit, period_2020_08, actor=people.controller, comment="  ")
    returned = workflow.return_unit(
        unit, period_2020_08, actor=people.controller, comment="Kommentera avvikelsen."
    )
    assert returned.state == State.RETURNED
    assert returned.return_comment == "Kommentera avvikelsen."
    workflow.submit_unit(unit, period_2020_08, actor=head)
    approved = workflow.approve_unit(unit, period_2020_08, actor=people.controller)
    assert approved.state == State.APPROVED
    assert actions()[-4:] == [
        "workflow.unit.submitted",
        "workflow.unit.returned",
        "workflow.unit.submitted",
        "workflow.unit.approved",
    ]
    entry = AuditEntry.objects.filter(action="workflow.unit.returned").get()
    assert entry.reason == "Kommentera avvikelsen."
    assert entry.actor == people.controller


def test_cannot_approve_what_is_not_submitted(people, period_2020_08):
    with pytest.raises(workflow.WorkflowError):
        workflow.approve_unit(people.lkdata, period_2020_08, actor=people.controller)


def test_submission_needs_a_forecast_and_a_comment_on_large_deviations(people, period_2020_08):
    unit = people.lkdata
    Forecast.objects.filter(unit=unit, period=period_2020_08).delete()
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.submit_unit(unit, period_2020_08, actor=people.lkdata_head)
    assert "Helårsprognos saknas." in refused.value.details
    # Ten million kronor better than budget, no comment: refused until explained.
    figures = workflow.unit_figures(period_2020_08, [unit.pk]).get(unit.pk)
    budget = figures.full_year_budget if figures and figures.full_year_budget else 0
    save_forecast(
        unit, period_2020_08, net_result=budget + 10_000_000, comment="", actor=people.lkdata_head
    )
    with pytest.raises(workflow.WorkflowError):
        workflow.submit_unit(unit, period_2020_08, actor=people.lkdata_head)
    save_forecast(
        unit,
        period_2020_08,
        net_result=budget + 10_000_000,
        comment="Vakanser under hösten.",
        actor=people.lkdata_head,
    )
    workflow.submit_unit(unit, period_2020_08, actor=people.lkdata_head)


def test_report_approval_needs_every_unit_then_locks(people, period_2020_08, approve_all_units):
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.approve_report(period_2020_08, actor=people.head)
    assert "LKDATA" in refused.value.details
    approve_all_units(period_2020_08)
    frozen = []
    approval = workflow.approve_report(
        period_2020_08,
        actor=people.head,
        freeze=lambda period, actor, reason: frozen.append((period, actor)),
    )
    assert frozen == [(period_2020_08, people.head)]
    period = Period.objects.get(pk=period_2020_08.pk)
    assert approval.state == ReportApproval.State.APPROVED
    assert period.status == Period.Status.APPROVED and period.is_locked
    with pytest.raises(PeriodLocked):
        workflow.return_unit(people.lkdata, period, actor=people.controller, comment="sent")
    workflow.publish_report(period, actor=people.head)
    period.refresh_from_db()
    assert period.status == Period.Status.LOCKED
    assert actions()[-2:] == ["workflow.report.approved", "workflow.report.published"]


def test_unlock_needs_a_reason_and_is_logged(people, period_2020_08, approve_all_units):
    approve_all_units(period_2020_08)
    workflow.approve_report(period_2020_08, actor=people.head)
    with pytest.raises(workflow.WorkflowError):
        workflow.unlock_period(period_2020_08, actor=people.admin, reason=" ")
    workflow.unlock_period(period_2020_08, actor=people.admin, reason="Fel i prognosen för HR.")
    period_2020_08.refresh_from_db()
    assert not period_2020_08.is_locked
    entry = AuditEntry.objects.get(action="period.unlocked")
    assert entry.reason == "Fel i prognosen för HR." and entry.actor == people.admin
    assert workflow.approval_for(period_2020_08).state == ReportApproval.State.DRAFT


def test_overdue_after_the_deadline(people, period_2020_08):
    workflow.set_deadlines(
        period_2020_08,
        actor=people.controller,
        unit_deadline=datetime.date(2020, 9, 15),
        report_deadline=datetime.date(2020, 9, 30),
    )
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    before = workflow.unit_statuses(period_2020_08, today=datetime.date(2020, 9, 15))
    assert not any(status.overdue for status in before)
    after = {
        s.unit: s.overdue
        for s in workflow.unit_statuses(period_2020_08, today=datetime.date(2020, 9, 16))
    }
    assert after[people.lkdata] is False and after[people.kontakt] is True
    approval = workflow.approval_for(period_2020_08)
    assert workflow.report_overdue(period_2020_08, approval, today=datetime.date(2020, 10, 1))
    assert not workflow.report_overdue(period_2020_08, approval, today=datetime.date(2020, 9, 30))
    assert AuditEntry.objects.filter(action="workflow.deadlines.changed").exists()


def test_a_unit_is_open_in_draft_or_returned_and_to_reviewers_until_locked(
    people, period_2020_08, approve_all_units
):
    unit = people.lkdata

    def open_now(reviewer):
        submission = workflow.submission_for(unit, period_2020_08)
        return workflow.unit_open(period_2020_08, submission, reviewer=reviewer)

    assert open_now(reviewer=False) and open_now(reviewer=True)
    workflow.submit_unit(unit, period_2020_08, actor=people.lkdata_head)
    assert not open_now(reviewer=False) and open_now(reviewer=True)
    workflow.return_unit(unit, period_2020_08, actor=people.controller, comment="Rätta.")
    assert open_now(reviewer=False)
    approve_all_units(period_2020_08)
    workflow.approve_report(period_2020_08, actor=people.head)
    period_2020_08.refresh_from_db()
    assert not open_now(reviewer=False) and not open_now(reviewer=True)
