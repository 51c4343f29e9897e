from decimal import Decimal

from tertial.economy.models import InvestmentFrame, InvestmentOutcome, InvestmentProject
from tertial.workflow import services as workflow


def _project(vss):
    return InvestmentProject.objects.get(organisation=vss, code="it-utrustning")


def _figures(project, version, **changes):
    return {
        "form": f"investment-{project.pk}",
        "base_version": str(version),
        "expenditure_to_date": "28 563,847",
        "income_to_date": "0",
        "forecast_expenditure": "58 000",
        "forecast_income": "0",
        "comment": "Datakommunikationen kostar mindre än väntat.",
        **changes,
    }


def test_the_units_head_enters_the_investment_forecast(vss, people, period_2020_08, url, login):
    project = _project(vss)  # LKDATA's
    outcome = InvestmentOutcome.objects.get(project=project, period=period_2020_08)
    action = url("investment_outcome", period_2020_08, project.pk)
    data = _figures(project, outcome.version)
    assert login(people.kontakt_head).post(action, data).status_code == 403
    assert login(people.reader).post(action, data).status_code == 403
    assert login(people.outsider).post(action, data).status_code == 404

    assert login(people.lkdata_head).post(action, data).status_code == 302
    outcome.refresh_from_db()
    assert outcome.forecast_expenditure == Decimal("58000000")
    assert outcome.expenditure_to_date == Decimal("28563847")
    assert outcome.version == 2 and outcome.updated_by == people.lkdata_head
    page = login(people.lkdata_head).get(url("investments", period_2020_08)).content.decode()
    # Read back as typed, in Swedish: thousands apart, a decimal comma.
    assert 'value="58 000"' in page and 'value="28 563,847"' in page

    stale = login(people.controller).post(action, _figures(project, 1, forecast_expenditure="1"))
    assert stale.status_code == 409
    assert "Prognos utgifter: 58\u00a0000 tkr" in stale.content.decode()
    outcome.refresh_from_db()
    assert outcome.forecast_expenditure == Decimal("58000000")

    wrong = login(people.lkdata_head).post(action, _figures(project, 2, forecast_income="mycket"))
    assert wrong.status_code == 400


def test_a_submitted_unit_is_closed_to_its_head(vss, people, period_2020_08, url, login):
    project = _project(vss)
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    action = url("investment_outcome", period_2020_08, project.pk)
    page = login(people.lkdata_head).get(url("investments", period_2020_08)).content.decode()
    assert action not in page
    response = login(people.lkdata_head).post(action, _figures(project, 1), follow=True)
    assert "kan inte ändras nu" in response.content.decode()
    assert InvestmentOutcome.objects.get(project=project, period=period_2020_08).version == 1


def test_the_page_says_where_the_table_goes_and_shows_every_project(
    people, period_2020_08, url, login
):
    html = login(people.reader).get(url("investments", period_2020_08)).content.decode()
    assert "I rapporten: Ekonomi per verksamhet och slag › Investeringar" in html
    assert "IT-utrustning" in html and "45\u00a0000" in html


def test_a_controller_adds_projects_and_frames(vss, people, period_2020_08, url, login):
    add = url("investment_add", period_2020_08)
    data = {"project-code": "ebbe", "project-name": "Ebbe Park", "project-unit": people.kontakt.pk}
    assert login(people.lkdata_head).post(add, data).status_code == 403
    controller = login(people.controller)
    assert controller.post(add, data).status_code == 302
    project = InvestmentProject.objects.get(organisation=vss, code="ebbe")
    assert project.unit == people.kontakt
    again = controller.post(add, data)
    assert again.status_code == 400 and "finns redan" in again.content.decode()

    frame = url("investment_frame", period_2020_08, project.pk)
    prefix = f"frame-{project.pk}"
    values = {f"{prefix}-amount": "2 500", f"{prefix}-approved_on": "2020-03-01"}
    assert login(people.kontakt_head).post(frame, values).status_code == 403
    assert controller.post(frame, values).status_code == 302
    saved = InvestmentFrame.objects.get(project=project)
    assert (saved.year, saved.amount) == (2020, Decimal("2500000"))

    # The unit's head now enters the new project's figures.
    action = url("investment_outcome", period_2020_08, project.pk)
    figures = _figures(project, "", forecast_expenditure="2 400")
    assert login(people.kontakt_head).post(action, figures).status_code == 302
    outcome = InvestmentOutcome.objects.get(project=project, period=period_2020_08)
    assert outcome.forecast_expenditure == Decimal("2400000") and outcome.version == 1
