"""Every page with at least three personas: allowed, another unit's head, a reader; plus
outsiders and anonymous visitors. Refusals are checked on the server (403/404), not by
hidden buttons."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tertial.audit.history import version_of
from tertial.economy.models import Forecast
from tertial.goals.models import Assessment, BoardGoal, Indicator, IndicatorValue
from tertial.goals.services import value_rows as period_value_rows
from tertial.goals.services import values_version
from tertial.narrative.models import DecisionEvent, NarrativeSection
from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission

pytestmark = pytest.mark.django_db


def url(name, period, *args):
    return reverse(name, args=[period.fiscal_year.organisation.slug, period.key, *args])


def as_user(client, user):
    client.force_login(user)
    return client


def current_forecast(unit, period):
    """The unit's forecast as its values, so that two readings compare by what they hold."""
    forecast = Forecast.objects.get(unit=unit, period=period)
    return SimpleNamespace(
        version=forecast.version,
        net_result=forecast.net_result,
        comment=forecast.comment,
        updated_by=forecast.updated_by,
    )


def value_rows(indicator, period):
    return period_value_rows(indicator, period.year, period.end_month)


def forecast_post(unit, period, net_tkr="2 700", comment="Ny prognos.", base=None):
    if base is None:
        base = version_of(Forecast.objects.filter(unit=unit, period=period).first())
    return {
        "form": "forecast",
        "base_version": base,
        "net_result": net_tkr,
        "revenues": "",
        "costs": "",
        "comment": comment,
    }


# ---- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "texts", "report"])
def test_period_pages_for_members_only(client, people, period_2020_08, name):
    target = url(name, period_2020_08)
    response = client.get(target)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert as_user(client, people.outsider).get(target).status_code == 404
    for user in (people.reader, people.kontakt_head, people.controller):
        assert as_user(client, user).get(target).status_code == 200


def test_dashboard_shows_units_goals_and_what_is_missing(client, people, period_2020_08):
    response = as_user(client, people.reader).get(url("dashboard", period_2020_08))
    text = response.content.decode()
    assert "LKDATA" in text and "God service" in text
    assert "Vad som saknas" in text and "inlämning" in text
    assert 'lang="sv"' in text


def test_unit_page_form_only_for_its_editors(client, people, period_2020_08):
    target = url("unit", period_2020_08, people.lkdata.pk)
    assert as_user(client, people.outsider).get(target).status_code == 404
    own = as_user(client, people.lkdata_head).get(target)
    assert own.status_code == 200 and 'name="net_result"' in own.content.decode()
    for user in (people.kontakt_head, people.reader):
        page = as_user(client, user).get(target)
        assert page.status_code == 200
        assert 'name="net_result"' not in page.content.decode()


def test_goal_page(client, people, period_2020_08):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    goal.responsible_units.add(people.kontakt)
    target = url("goal", period_2020_08, goal.pk)
    assert as_user(client, people.outsider).get(target).status_code == 404
    responsible = as_user(client, people.kontakt_head).get(target).content.decode()
    assert 'name="justification"' in responsible and "Systemets förslag" in responsible
    for user in (people.lkdata_head, people.reader):
        page = as_user(client, user).get(target).content.decode()
        assert 'name="justification"' not in page and "Svarsservice" in page


# ---- writing ------------------------------------------------------------------------------


def test_forecast_saved_by_own_unit_head_refused_to_others(client, people, period_2020_08):
    unit, target = people.lkdata, url("unit", period_2020_08, people.lkdata.pk)
    before = current_forecast(unit, period_2020_08)
    for user in (people.kontakt_head, people.reader, people.head):
        response = as_user(client, user).post(target, forecast_post(unit, period_2020_08))
        assert response.status_code == 403
    assert current_forecast(unit, period_2020_08) == before
    response = as_user(client, people.outsider).post(target, forecast_post(unit, period_2020_08))
    assert response.status_code == 404
    response = as_user(client, people.lkdata_head).post(
        target, forecast_post(unit, period_2020_08, "2 700,5")
    )
    assert response.status_code == 302
    saved = current_forecast(unit, period_2020_08)
    assert saved.net_result == 2_700_500 and saved.updated_by == people.lkdata_head
    page = client.get(target).content.decode()
    assert "Historik" in page and "2\u00a0701 tkr" in page


def test_unit_head_cannot_edit_after_submitting(client, people, period_2020_08):
    unit, target = people.lkdata, url("unit", period_2020_08, people.lkdata.pk)
    as_user(client, people.lkdata_head).post(target, {"form": "submit"})
    assert workflow.submission_for(unit, period_2020_08).state == UnitSubmission.State.SUBMITTED
    before = current_forecast(unit, period_2020_08)
    client.post(target, forecast_post(unit, period_2020_08))
    assert current_forecast(unit, period_2020_08) == before
    assert 'name="net_result"' not in client.get(target).content.decode()


def test_review_only_by_controllers(client, people, period_2020_08):
    unit, target = people.lkdata, url("unit", period_2020_08, people.lkdata.pk)
    workflow.submit_unit(unit, period_2020_08, actor=people.lkdata_head)
    for user in (people.lkdata_head, people.kontakt_head, people.reader):
        response = as_user(client, user).post(target, {"form": "approve"})
        assert response.status_code == 403
        response = client.post(target, {"form": "return", "comment": "x"})
        assert response.status_code == 403
    as_user(client, people.controller).post(target, {"form": "return", "comment": "Rätta."})
    submission = workflow.submission_for(unit, period_2020_08)
    assert submission.state == UnitSubmission.State.RETURNED
    page = as_user(client, people.lkdata_head).get(target).content.decode()
    assert "Rätta." in page and 'name="net_result"' in page


def test_indicator_value_entry(client, people, period_2020_08):
    indicator = Indicator.objects.get(
        organisation=people.lkdata.organisation, code="arenden-lkdata-support"
    )
    target = url("unit", period_2020_08, people.lkdata.pk)
    key = f"indicator-{indicator.pk}"
    base = values_version(value_rows(indicator, period_2020_08))
    data = {"form": key, "base_version": base, "value": "42 300", "note": ""}
    assert as_user(client, people.kontakt_head).post(target, data).status_code == 403
    assert as_user(client, people.reader).post(target, data).status_code == 403
    assert as_user(client, people.lkdata_head).post(target, data).status_code == 302
    value = IndicatorValue.objects.get(
        indicator=indicator, year=2020, through_month=8, kind="actual", gender="T"
    )
    assert value.value == 42300 and value.updated_by == people.lkdata_head
    bad = {
        **data,
        "base_version": values_version(value_rows(indicator, period_2020_08)),
        "value": "−5",
    }
    assert client.post(target, bad).status_code == 400


def test_assessment_saved_by_responsible_unit_head(client, people, period_2020_08):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    goal.responsible_units.add(people.kontakt)
    target = url("goal", period_2020_08, goal.pk)
    current = Assessment.objects.get(board_goal=goal, period=period_2020_08)
    data = {
        "form": "assessment",
        "base_version": str(current.version),
        "value": "partly_met",
        "justification": "Svarstiderna har ökat.",
    }
    for user in (people.lkdata_head, people.reader):
        assert as_user(client, user).post(target, data).status_code == 403
    assert as_user(client, people.kontakt_head).post(target, data).status_code == 302
    new = Assessment.objects.get(board_goal=goal, period=period_2020_08)
    assert new.value == "partly_met" and new.updated_by == people.kontakt_head
    empty = {**data, "base_version": str(new.version), "justification": "  "}
    assert client.post(target, empty).status_code == 400


def test_texts_edited_by_controller_and_head_only(client, people, period_2020_08):
    section = NarrativeSection.objects.filter(period=period_2020_08).first()
    target = url("texts", period_2020_08)
    data = {
        "form": f"section-{section.pk}",
        "base_version": str(section.version),
        "title": section.title,
        "body": "Ny text.",
    }
    for user in (people.lkdata_head, people.reader):
        assert as_user(client, user).post(target, data).status_code == 403
    assert as_user(client, people.controller).post(target, data).status_code == 302
    section.refresh_from_db()
    assert section.body == "Ny text." and section.version == 2
    event = {
        "form": "event-new",
        "base_version": "",
        "kind": "decision",
        "date": "2020-06-01",
        "text": "Nämnden beslutade om ny taxa.",
    }
    assert as_user(client, people.reader).post(target, event).status_code == 403
    assert as_user(client, people.head).post(target, event).status_code == 302
    created = DecisionEvent.objects.get(text="Nämnden beslutade om ny taxa.")
    delete = {"form": f"event-delete-{created.pk}"}
    assert as_user(client, people.kontakt_head).post(target, delete).status_code == 403
    assert as_user(client, people.controller).post(target, delete).status_code == 302
    assert not DecisionEvent.objects.filter(pk=created.pk).exists()


def test_deadlines_set_by_controller_only(client, people, period_2020_08):
    target = url("dashboard", period_2020_08)
    data = {"unit_deadline": "2020-09-10", "report_deadline": "2020-09-30"}
    for user in (people.lkdata_head, people.reader, people.head):
        assert as_user(client, user).post(target, data).status_code == 403
    assert as_user(client, people.controller).post(target, data).status_code == 302
    period_2020_08.refresh_from_db()
    assert str(period_2020_08.deadline) == "2020-09-10"


def test_report_approval_publishing_and_public_page(client, people, period_2020_08):
    from tests.workflow.test_transitions import approve_all_units

    slug = period_2020_08.fiscal_year.organisation.slug
    public = reverse("public_report", args=[slug, period_2020_08.key])
    assert client.get(public).status_code == 404
    approve_all_units(people, period_2020_08)
    target = url("report", period_2020_08)
    for user in (people.controller, people.lkdata_head, people.reader):
        assert as_user(client, user).post(target, {"form": "approve"}).status_code == 403
    assert as_user(client, people.head).post(target, {"form": "approve"}).status_code == 302
    period_2020_08.refresh_from_db()
    assert period_2020_08.is_locked
    # Locked: nobody edits a unit any more, not even the controller.
    unit_target = url("unit", period_2020_08, people.lkdata.pk)
    before = current_forecast(people.lkdata, period_2020_08)
    as_user(client, people.controller).post(
        unit_target, forecast_post(people.lkdata, period_2020_08)
    )
    assert current_forecast(people.lkdata, period_2020_08) == before
    assert as_user(client, people.head).post(target, {"form": "publish"}).status_code == 302
    client.logout()
    response = client.get(public)
    assert response.status_code == 200 and "LKDATA" in response.content.decode()
    assert client.get(reverse("public", args=[slug])).status_code == 200
    # Unlocking: administrators only, with a reason.
    for user in (people.controller, people.head, people.reader):
        response = as_user(client, user).post(target, {"form": "unlock", "reason": "x"})
        assert response.status_code == 403
    as_user(client, people.admin).post(target, {"form": "unlock", "reason": "Rättelse."})
    period_2020_08.refresh_from_db()
    assert not period_2020_08.is_locked


def test_indicator_only_through_its_own_units_page(client, people, period_2020_08):
    """A unit head cannot change their submitted unit's value through another unit's page."""
    indicator = Indicator.objects.get(
        organisation=people.lkdata.organisation, code="arenden-lkdata-support"
    )
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    other_page = url("unit", period_2020_08, people.kontakt.pk)
    data = {"form": f"indicator-{indicator.pk}", "base_version": "", "value": "1", "note": ""}
    assert as_user(client, people.lkdata_head).post(other_page, data).status_code == 404
    assert as_user(client, people.controller).post(other_page, data).status_code == 404


def test_administration_wide_values_on_the_goal_page(client, people, period_2020_08):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="goda-arbetsplatser")
    from tertial.goals.services import goal_indicators

    shared = [i for i in goal_indicators(goal) if i.unit_id is None and not i.formula]
    assert shared
    indicator = shared[0]
    target = url("goal", period_2020_08, goal.pk)
    page = as_user(client, people.controller).get(target).content.decode()
    assert f'value="indicator-{indicator.pk}"' in page
    assert (
        f'value="indicator-{indicator.pk}"'
        not in as_user(client, people.reader).get(target).content.decode()
    )
    data = {
        "form": f"indicator-{indicator.pk}",
        "base_version": values_version(value_rows(indicator, period_2020_08)),
        "value": "4,4",
        "note": "",
    }
    for user in (people.reader, people.lkdata_head):
        assert as_user(client, user).post(target, data).status_code == 403
    assert as_user(client, people.controller).post(target, data).status_code == 302
    saved = IndicatorValue.objects.get(
        indicator=indicator, year=2020, through_month=8, kind="actual", gender="T"
    )
    assert str(saved.value).rstrip("0").rstrip(".") == "4.4"
    unit_bound = Indicator.objects.get(
        organisation=indicator.organisation, code="arenden-lkdata-support"
    )
    other = {**data, "form": f"indicator-{unit_bound.pk}"}
    assert client.post(target, other).status_code == 404


def test_gender_split_values(client, people, period_2020_08):
    indicator = Indicator.objects.filter(
        organisation=people.lkdata.organisation, gender_split=True, unit=None, formula=""
    ).first()
    goal = indicator.board_goals.get(fiscal_year=period_2020_08.fiscal_year)
    target = url("goal", period_2020_08, goal.pk)
    page = as_user(client, people.controller).get(target).content.decode()
    assert f'id="id_indicator-{indicator.pk}_women"' in page
    base = values_version(value_rows(indicator, period_2020_08))
    data = {
        "form": f"indicator-{indicator.pk}",
        "base_version": base,
        "value": "4,3",
        "women": "5,6",
        "men": "",
        "note": "",
    }
    assert client.post(target, data).status_code == 302
    rows = value_rows(indicator, period_2020_08)
    assert rows["K"].value == Decimal("5.6") and rows["M"].value is None
    # The same stale version again: a conflict naming the genders, nothing overwritten.
    response = client.post(target, {**data, "women": "9"})
    assert response.status_code == 409 and "Kvinnor: 5,6" in response.content.decode()
    assert value_rows(indicator, period_2020_08)["K"].value == Decimal("5.6")
