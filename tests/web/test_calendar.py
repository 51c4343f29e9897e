from tertial.goals.models import BoardGoal
from tertial.narrative.models import NarrativeSection
from tertial.organisation.models import FiscalYear, Period
from tertial.workflow import calendar


def test_everyone_sees_the_calendar_only_controllers_change_it(people, period_2020_08, url, login):
    page = url("calendar", period_2020_08)
    for user in (people.reader, people.lkdata_head):
        html = login(user).get(page).content.decode()
        assert "Delårsrapport januari–augusti 2020" in html and "2019" in html
        assert url("calendar_year", period_2020_08) not in html
    html = login(people.controller).get(page).content.decode()
    assert url("calendar_period", period_2020_08) in html
    assert "Nytt räkenskapsår 2021" in html and "Tertialrapport januari–april 2021" in html
    assert login(people.outsider).get(page).status_code == 404


def test_a_controller_creates_a_period_from_an_earlier_one(people, period_2020_08, url, login):
    Period.objects.get(fiscal_year=period_2020_08.fiscal_year, key="2020-12").delete()
    data = {
        "source": "2020-08",
        "year": "2020",
        "end_month": "12",
        "kind": "annual",
        "title": "",
        "unit_deadline": "2021-01-20",
        "report_deadline": "",
    }
    action = url("calendar_period", period_2020_08)
    assert login(people.head).post(action, data).status_code == 403
    assert login(people.outsider).post(action, data).status_code == 404
    assert not Period.objects.filter(key="2020-12").exists()

    controller = login(people.controller)
    assert controller.post(action, {**data, "end_month": "13"}).status_code == 400
    response = controller.post(action, data)
    created = Period.objects.get(fiscal_year=period_2020_08.fiscal_year, key="2020-12")
    assert response.status_code == 302 and response["Location"] == url("texts", created)
    assert created.title == "Årsrapport 2020" and str(created.deadline) == "2021-01-20"
    assert NarrativeSection.objects.filter(period=created).count() == (
        NarrativeSection.objects.filter(period=period_2020_08).count()
    )
    again = controller.post(action, data, follow=True)
    assert "finns redan" in again.content.decode()


def test_a_controller_creates_the_next_year_as_shown(people, period_2020_08, url, login):
    fingerprint = calendar.propose_next_year(period_2020_08.organisation).fingerprint
    action = url("calendar_year", period_2020_08)
    assert login(people.lkdata_head).post(action, {"fingerprint": fingerprint}).status_code == 403
    controller = login(people.controller)
    stale = controller.post(action, {"fingerprint": "0" * 16}, follow=True)
    assert "Något har ändrats" in stale.content.decode()
    assert not FiscalYear.objects.filter(organisation=period_2020_08.organisation, year=2021)
    response = controller.post(action, {"fingerprint": fingerprint}, follow=True)
    assert "Räkenskapsåret 2021 är skapat." in response.content.decode()
    year = FiscalYear.objects.get(organisation=period_2020_08.organisation, year=2021)
    assert year.periods.count() == 3
    assert BoardGoal.objects.filter(fiscal_year=year).count() == 9
