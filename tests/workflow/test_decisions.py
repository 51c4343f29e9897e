"""Decisions that cannot be taken by accident: approving over the checks' findings only when
confirmed, a lock opened without unpublishing, a change after approval sent back to review,
several units approved at once, all or none."""

from decimal import Decimal

import pytest
from django.core import mail

from tertial.audit.models import AuditEntry
from tertial.economy.services import save_forecast
from tertial.reports import services as reports
from tertial.reports.checks import run_checks
from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission
from tertial.workflow.queries import published_periods, todos_of

pytestmark = pytest.mark.django_db
State = UnitSubmission.State


def test_approving_over_findings_needs_their_confirmation(
    people, period_2020_08, approve_all_units
):
    approve_all_units(period_2020_08)
    findings = run_checks(period_2020_08)
    assert findings, "the example's report has findings to confirm"
    with pytest.raises(reports.ConfirmationNeeded) as refused:
        reports.approve_report(period_2020_08, actor=people.head)
    assert refused.value.details == [str(f) for f in findings]
    with pytest.raises(reports.ConfirmationNeeded):
        reports.approve_report(period_2020_08, actor=people.head, confirmed="0" * 16)
    period_2020_08.refresh_from_db()
    assert not period_2020_08.is_locked
    reports.approve_report(period_2020_08, actor=people.head, confirmed=refused.value.fingerprint)
    period_2020_08.refresh_from_db()
    assert period_2020_08.is_locked
    entry = AuditEntry.objects.filter(action="workflow.report.approved").latest("pk")
    assert entry.after["acknowledged_warnings"] == [str(f) for f in findings]


def test_a_unit_changed_after_the_confirmation_keeps_the_report_unapproved(
    people, period_2020_08, approve_all_units
):
    approve_all_units(period_2020_08)
    with pytest.raises(reports.ConfirmationNeeded) as first:
        reports.approve_report(period_2020_08, actor=people.head)
    # A controller corrects an approved unit meanwhile: the unit goes back to review, so
    # the report cannot be approved on the confirmation given before.
    save_forecast(people.lkdata, period_2020_08, net_result=Decimal(5), actor=people.controller)
    with pytest.raises(workflow.WorkflowError):
        reports.approve_report(period_2020_08, actor=people.head, confirmed=first.value.fingerprint)


def test_unlocking_keeps_the_published_edition_public(
    people, period_2020_08, approve_all_units, confirmed_approval
):
    approve_all_units(period_2020_08)
    confirmed = confirmed_approval(period_2020_08)["confirmed"]
    reports.approve_report(period_2020_08, actor=people.head, confirmed=confirmed)
    workflow.publish_report(period_2020_08, actor=people.head)
    organisation = period_2020_08.organisation
    workflow.unlock_period(period_2020_08, actor=people.admin, reason="Rättelse av text.")
    approval = workflow.approval_for(period_2020_08)
    assert approval.state == "draft" and approval.published_edition == 1
    assert list(published_periods(organisation)) == [period_2020_08]
    # Approved and published again: the new edition replaces it.
    reports.approve_report(
        period_2020_08, actor=people.head, confirmed=confirmed_approval(period_2020_08)["confirmed"]
    )
    assert workflow.approval_for(period_2020_08).published_edition == 1
    workflow.publish_report(period_2020_08, actor=people.head)
    assert workflow.approval_for(period_2020_08).published_edition == 2


def test_a_change_after_approval_sends_the_unit_back_to_review_and_tells_its_head(
    people, period_2020_08, outbox
):
    save_forecast(people.lkdata, period_2020_08, net_result=Decimal(0), actor=people.lkdata_head)
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    workflow.approve_unit(people.lkdata, period_2020_08, actor=people.controller)
    to = outbox(
        lambda: save_forecast(
            people.lkdata, period_2020_08, net_result=Decimal(1000), actor=people.controller
        )
    )
    assert to == ["lkdata@example.org"]
    assert "ändrad efter godkännandet" in mail.outbox[0].subject
    submission = workflow.submission_for(people.lkdata, period_2020_08)
    assert submission.state == State.CHANGED
    assert people.lkdata in workflow.units_not_approved(period_2020_08)
    assert any("Granska LKDATA igen" in todo.what for todo in todos_of(people.controller))
    # A change to a unit that is not approved changes no state and tells nobody.
    assert (
        outbox(
            lambda: save_forecast(
                people.kontakt, period_2020_08, net_result=Decimal(7), actor=people.controller
            )
        )
        == []
    )
    assert workflow.submission_for(people.kontakt, period_2020_08).state == State.DRAFT
    workflow.approve_unit(people.lkdata, period_2020_08, actor=people.controller)
    assert workflow.submission_for(people.lkdata, period_2020_08).state == State.APPROVED


def test_bulk_approval_is_all_or_none(people, period_2020_08):
    for unit, head in ((people.lkdata, people.lkdata_head), (people.kontakt, people.kontakt_head)):
        save_forecast(unit, period_2020_08, net_result=Decimal(0), actor=head)
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.approve_units(
            [people.lkdata, people.kontakt], period_2020_08, actor=people.controller
        )
    assert refused.value.details == [people.kontakt.name]
    assert workflow.submission_for(people.lkdata, period_2020_08).state == State.SUBMITTED
    workflow.submit_unit(people.kontakt, period_2020_08, actor=people.kontakt_head)
    workflow.approve_units([people.lkdata, people.kontakt], period_2020_08, actor=people.controller)
    states = {
        workflow.submission_for(u, period_2020_08).state for u in (people.lkdata, people.kontakt)
    }
    assert states == {State.APPROVED}
