"""The decisions' pages: the report's approval asks to confirm the checks' findings, the
dashboard approves several units at once for those who review them."""

import pytest

from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission

pytestmark = pytest.mark.django_db


def test_the_report_page_asks_to_confirm_the_findings(
    people, period_2020_08, url, login, approve_all_units, confirmed_approval
):
    approve_all_units(period_2020_08)
    head = login(people.head)
    page = head.get(url("report", period_2020_08)).content.decode()
    assert 'name="confirmed"' in page and "godkänner rapporten ändå" in page
    approve = url("report_approve", period_2020_08)
    refused = head.post(approve, follow=True)
    assert "bekräfta att rapporten ändå ska godkännas" in refused.content.decode()
    period_2020_08.refresh_from_db()
    assert not period_2020_08.is_locked
    assert head.post(approve, confirmed_approval(period_2020_08)).status_code == 302
    period_2020_08.refresh_from_db()
    assert period_2020_08.is_locked


def test_bulk_approval_from_the_dashboard(people, period_2020_08, url, login, forecast_form):
    for unit, head in ((people.lkdata, people.lkdata_head), (people.kontakt, people.kontakt_head)):
        login(head).post(
            url("unit_forecast", period_2020_08, unit.pk), forecast_form(unit, period_2020_08)
        )
        workflow.submit_unit(unit, period_2020_08, actor=head)
    dashboard = url("dashboard", period_2020_08)
    assert 'name="unit"' in login(people.controller).get(dashboard).content.decode()
    assert 'name="unit"' not in login(people.lkdata_head).get(dashboard).content.decode()
    action = url("units_approve", period_2020_08)
    chosen = {"unit": [people.lkdata.pk, people.kontakt.pk]}
    for user in (people.lkdata_head, people.reader):
        assert login(user).post(action, chosen).status_code == 403
    assert login(people.outsider).post(action, chosen).status_code == 404
    controller = login(people.controller)
    assert controller.post(action, {"unit": ["x"]}).status_code == 400
    assert "Välj minst en" in controller.post(action, {}, follow=True).content.decode()
    response = controller.post(action, chosen, follow=True)
    assert "2 verksamheter är godkända." in response.content.decode()
    for unit in (people.lkdata, people.kontakt):
        state = workflow.submission_for(unit, period_2020_08).state
        assert state == UnitSubmission.State.APPROVED
