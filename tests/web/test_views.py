"""Every page and action with at least three personas: allowed, another unit's head, a
reader; plus outsiders and anonymous visitors. Refusals are checked on the server
(403/404), not by hidden buttons."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tertial.goals.models import Assessment, BoardGoal, Indicator, IndicatorValue
from tertial.goals.services import value_rows
from tertial.goals.statuses import goal_indicators
from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission

pytestmark = pytest.mark.django_db


# ---- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "texts", "report"])
def test_period_pages_for_members_only(client, people, period_2020_08, url, login, name):
    target = url(name, period_2020_08)
    response = client.get(target)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert login(people.outsider).get(target).status_code == 404
    for user in (people.reader, people.kontakt_head, people.controller):
        assert login(user).get(target).status_code == 200


def test_dashboard_shows_units_goals_and_what_is_missing(people, period_2020_08, url, login):
    text = login(people.reader).get(url("dashboard", period_2020_08)).content.decode()
    assert "LKDATA" in text and "God service" in text
    assert "Vad som saknas" in text and "inlämning" in text
    assert 'lang="sv"' in text


def test_unit_page_form_only_for_its_editors(people, period_2020_08, url, login):
    target = url("unit", period_2020_08, people.lkdata.pk)
    assert login(people.outsider).get(target).status_code == 404
    own = login(people.lkdata_head).get(target)
    assert own.status_code == 200 and 'name="net_result"' in own.content.decode()
    assert url("unit_forecast", period_2020_08, people.lkdata.pk) in own.content.decode()
    for user in (people.kontakt_head, people.reader):
        page = login(user).get(target)
        assert page.status_code == 200
        assert 'name="net_result"' not in page.content.decode()


def test_goal_page(people, period_2020_08, url, login):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    goal.responsible_units.add(people.kontakt)
    target = url("goal", period_2020_08, goal.pk)
    assert login(people.outsider).get(target).status_code == 404
    responsible = login(people.kontakt_head).get(target).content.decode()
    assert 'name="justification"' in responsible and "Systemets förslag" in responsible
    for user in (people.lkdata_head, people.reader):
        page = login(user).get(target).content.decode()
        assert 'name="justification"' not in page and "Svarsservice" in page


def test_an_action_asked_for_by_get_sends_to_its_page(people, period_2020_08, url, login):
    target = url("unit_forecast", period_2020_08, people.lkdata.pk)
    response = login(people.lkdata_head).get(target)
    assert response.status_code == 302
    assert response["Location"] == url("unit", period_2020_08, people.lkdata.pk)
    assert login(people.lkdata_head).put(target).status_code == 405


def test_a_page_answers_only_a_get(people, period_2020_08, url, login, forecast_form):
    target = url("unit", period_2020_08, people.lkdata.pk)
    form = forecast_form(people.lkdata, period_2020_08)
    assert login(people.lkdata_head).post(target, form).status_code == 405


# ---- writing ------------------------------------------------------------------------------


def test_forecast_saved_by_own_unit_head_refused_to_others(
    people, period_2020_08, url, login, forecast_form, forecast_of
):
    unit = people.lkdata
    action = url("unit_forecast", period_2020_08, unit.pk)
    before = forecast_of(unit, period_2020_08)
    for user in (people.kontakt_head, people.reader, people.head):
        assert login(user).post(action, forecast_form(unit, period_2020_08)).status_code == 403
    assert forecast_of(unit, period_2020_08) == before
    outsider = login(people.outsider).post(action, forecast_form(unit, period_2020_08))
    assert outsider.status_code == 404
    own = login(people.lkdata_head)
    response = own.post(action, forecast_form(unit, period_2020_08, "2 700,5"))
    assert response.status_code == 302
    assert response["Location"] == url("unit", period_2020_08, unit.pk)
    saved = forecast_of(unit, period_2020_08)
    assert saved.net_result == 2_700_500 and saved.updated_by == people.lkdata_head
    page = own.get(url("unit", period_2020_08, unit.pk)).content.decode()
    assert "Historik" in page and "2\u00a0701 tkr" in page


def test_unit_head_cannot_edit_after_submitting(
    people, period_2020_08, url, login, forecast_form, forecast_of
):
    unit = people.lkdata
    own = login(people.lkdata_head)
    assert own.post(url("unit_submit", period_2020_08, unit.pk)).status_code == 302
    assert workflow.submission_for(unit, period_2020_08).state == UnitSubmission.State.SUBMITTED
    before = forecast_of(unit, period_2020_08)
    response = own.post(
        url("unit_forecast", period_2020_08, unit.pk), forecast_form(unit, period_2020_08)
    )
    assert response.status_code == 302 and forecast_of(unit, period_2020_08) == before
    page = own.get(url("unit", period_2020_08, unit.pk)).content.decode()
    assert 'name="net_result"' not in page and "kan inte ändras nu" in page


def test_review_only_by_controllers(people, period_2020_08, url, login):
    unit = people.lkdata
    workflow.submit_unit(unit, period_2020_08, actor=people.lkdata_head)
    approve = url("unit_approve", period_2020_08, unit.pk)
    send_back = url("unit_return", period_2020_08, unit.pk)
    for user in (people.lkdata_head, people.kontakt_head, people.reader):
        client = login(user)
        assert client.post(approve).status_code == 403
        assert client.post(send_back, {"comment": "x"}).status_code == 403
    assert login(people.controller).post(send_back, {"comment": "Rätta."}).status_code == 302
    submission = workflow.submission_for(unit, period_2020_08)
    assert submission.state == UnitSubmission.State.RETURNED
    page = login(people.lkdata_head).get(url("unit", period_2020_08, unit.pk)).content.decode()
    assert "Rätta." in page and 'name="net_result"' in page


def test_indicator_value_entry(people, period_2020_08, url, login, value_form):
    indicator = Indicator.objects.get(
        organisation=people.lkdata.organisation, code="arenden-lkdata-support"
    )
    action = url("unit_value", period_2020_08, people.lkdata.pk, indicator.pk)
    data = value_form(indicator, period_2020_08, value="42 300")
    assert login(people.kontakt_head).post(action, data).status_code == 403
    assert login(people.reader).post(action, data).status_code == 403
    own = login(people.lkdata_head)
    assert own.post(action, data).status_code == 302
    value = IndicatorValue.objects.get(
        indicator=indicator, year=2020, through_month=8, kind="actual", gender="T"
    )
    assert value.value == 42300 and value.updated_by == people.lkdata_head
    bad = own.post(action, value_form(indicator, period_2020_08, value="−5"))
    assert bad.status_code == 400 and "negativ" in bad.content.decode()


def test_assessment_saved_by_responsible_unit_head(people, period_2020_08, url, login):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    goal.responsible_units.add(people.kontakt)
    action = url("goal_assessment", period_2020_08, goal.pk)
    current = Assessment.objects.get(board_goal=goal, period=period_2020_08)
    data = {
        "form": "assessment",
        "base_version": str(current.version),
        "value": "partly_met",
        "justification": "Svarstiderna har ökat.",
    }
    for user in (people.lkdata_head, people.reader):
        assert login(user).post(action, data).status_code == 403
    responsible = login(people.kontakt_head)
    assert responsible.post(action, data).status_code == 302
    new = Assessment.objects.get(board_goal=goal, period=period_2020_08)
    assert new.value == "partly_met" and new.updated_by == people.kontakt_head
    empty = {**data, "base_version": str(new.version), "justification": "  "}
    assert responsible.post(action, empty).status_code == 400


def test_texts_edited_by_controller_and_head_only(people, period_2020_08, url, login):
    section = NarrativeSection.objects.filter(period=period_2020_08).first()
    action = url("text_section", period_2020_08, section.pk)
    data = {
        "form": f"section-{section.pk}",
        "base_version": str(section.version),
        "title": section.title,
        "body": "Ny text.",
    }
    for user in (people.lkdata_head, people.reader):
        assert login(user).post(action, data).status_code == 403
    assert login(people.controller).post(action, data).status_code == 302
    section.refresh_from_db()
    assert section.body == "Ny text." and section.version == 2
    event = {
        "form": "event-new",
        "base_version": "",
        "kind": "decision",
        "date": "2020-06-01",
        "text": "Nämnden beslutade om ny taxa.",
    }
    add = url("text_event_add", period_2020_08)
    assert login(people.reader).post(add, event).status_code == 403
    assert login(people.head).post(add, event).status_code == 302
    created = DecisionEvent.objects.get(text="Nämnden beslutade om ny taxa.")
    delete = url("text_event_delete", period_2020_08, created.pk)
    version = {"base_version": str(created.version)}
    assert login(people.kontakt_head).post(delete, version).status_code == 403
    assert login(people.controller).post(delete, version).status_code == 302
    assert not DecisionEvent.objects.filter(pk=created.pk).exists()


def test_a_stale_page_cannot_delete_a_newer_event(people, period_2020_08, url, login):
    controller = login(people.controller)
    event = {"form": "event-new", "base_version": "", "kind": "event", "text": "Första."}
    controller.post(url("text_event_add", period_2020_08), event)
    created = DecisionEvent.objects.get(text="Första.")
    seen = str(created.version)
    change = {**event, "form": f"event-{created.pk}", "base_version": seen, "text": "Andra."}
    assert controller.post(url("text_event", period_2020_08, created.pk), change).status_code == 302
    delete = url("text_event_delete", period_2020_08, created.pk)
    response = controller.post(delete, {"base_version": seen})
    assert response.status_code == 302
    assert DecisionEvent.objects.get(pk=created.pk).text == "Andra."


def test_plan_follow_ups_added_changed_and_deleted_on_the_texts_page(
    people, period_2020_08, url, login
):
    before = PlanFollowUp.objects.filter(period=period_2020_08).count()
    plan = {
        "form": "plan-new",
        "base_version": "",
        "title": "Lokalförsörjningsplan",
        "body": "Planen följs; två lokaler har sagts upp.",
    }
    add = url("text_plan_add", period_2020_08)
    assert login(people.reader).post(add, plan).status_code == 403
    assert login(people.lkdata_head).post(add, plan).status_code == 403
    controller = login(people.controller)
    assert controller.post(add, {**plan, "title": ""}).status_code == 400
    assert controller.post(add, plan).status_code == 302
    created = PlanFollowUp.objects.get(period=period_2020_08, title="Lokalförsörjningsplan")
    assert created.sort_order >= before
    page = controller.get(url("texts", period_2020_08)).content.decode()
    assert "Planen följs; två lokaler har sagts upp." in page
    assert url("text_plan", period_2020_08, created.pk) in page

    seen = str(created.version)
    change = {**plan, "form": f"plan-{created.pk}", "base_version": seen, "body": "Ändrad."}
    save = url("text_plan", period_2020_08, created.pk)
    assert login(people.head).post(save, change).status_code == 302
    created.refresh_from_db()
    assert created.body == "Ändrad." and created.version == 2
    stale = controller.post(save, {**change, "body": "Från en gammal sida."})
    assert stale.status_code == 409
    created.refresh_from_db()
    assert created.body == "Ändrad."

    delete = url("text_plan_delete", period_2020_08, created.pk)
    assert controller.post(delete, {"base_version": seen}).status_code == 302
    assert PlanFollowUp.objects.filter(pk=created.pk).exists()
    assert controller.post(delete, {"base_version": "2"}).status_code == 302
    assert not PlanFollowUp.objects.filter(pk=created.pk).exists()
    assert PlanFollowUp.objects.filter(period=period_2020_08).count() == before


def test_plan_follow_ups_of_a_locked_period_cannot_change(people, period_2020_08, url, login):
    plan = PlanFollowUp.objects.create(period=period_2020_08, title="Internkontrollplan", body="x")
    period_2020_08.status = period_2020_08.Status.LOCKED
    period_2020_08.save(update_fields=["status"])
    controller = login(people.controller)
    change = {"form": f"plan-{plan.pk}", "base_version": "1", "title": "Ny", "body": "y"}
    refused = controller.post(url("text_plan", period_2020_08, plan.pk), change, follow=True)
    assert "Perioden är låst" in refused.content.decode()
    delete = url("text_plan_delete", period_2020_08, plan.pk)
    controller.post(delete, {"base_version": "1"})
    plan.refresh_from_db()
    assert (plan.title, plan.body) == ("Internkontrollplan", "x")
    page = controller.get(url("texts", period_2020_08)).content.decode()
    assert "Internkontrollplan" in page and url("text_plan", period_2020_08, plan.pk) not in page


def test_deadlines_set_by_controller_only(people, period_2020_08, url, login):
    action = url("deadlines", period_2020_08)
    data = {"unit_deadline": "2020-09-10", "report_deadline": "2020-09-30"}
    for user in (people.lkdata_head, people.reader, people.head):
        assert login(user).post(action, data).status_code == 403
    assert login(people.controller).post(action, data).status_code == 302
    period_2020_08.refresh_from_db()
    assert str(period_2020_08.deadline) == "2020-09-10"
    wrong = login(people.controller).post(action, {"unit_deadline": "2020-02-30"})
    assert wrong.status_code == 400


def test_report_approval_publishing_and_public_page(
    client,
    people,
    period_2020_08,
    url,
    login,
    approve_all_units,
    forecast_form,
    forecast_of,
    confirmed_approval,
):
    slug = period_2020_08.fiscal_year.organisation.slug
    public = reverse("public_report", args=[slug, period_2020_08.key])
    assert client.get(public).status_code == 404
    approve_all_units(period_2020_08)
    approve = url("report_approve", period_2020_08)
    confirmed = confirmed_approval(period_2020_08)
    for user in (people.controller, people.lkdata_head, people.reader):
        assert login(user).post(approve, confirmed).status_code == 403
    assert login(people.head).post(approve, confirmed).status_code == 302
    period_2020_08.refresh_from_db()
    assert period_2020_08.is_locked
    # Locked: nobody edits a unit any more, not even the controller.
    before = forecast_of(people.lkdata, period_2020_08)
    login(people.controller).post(
        url("unit_forecast", period_2020_08, people.lkdata.pk),
        forecast_form(people.lkdata, period_2020_08),
    )
    assert forecast_of(people.lkdata, period_2020_08) == before
    assert login(people.head).post(url("report_publish", period_2020_08)).status_code == 302
    response = client.get(public)
    assert response.status_code == 200 and "LKDATA" in response.content.decode()
    assert client.get(reverse("public", args=[slug])).status_code == 200
    # Unlocking: administrators only, with a reason.
    unlock = url("report_unlock", period_2020_08)
    for user in (people.controller, people.head, people.reader):
        assert login(user).post(unlock, {"reason": "x"}).status_code == 403
    assert login(people.admin).post(unlock, {"reason": ""}).status_code == 400
    assert login(people.admin).post(unlock, {"reason": "Rättelse."}).status_code == 302
    period_2020_08.refresh_from_db()
    assert not period_2020_08.is_locked
    # Opening the lock does not unpublish: the public page keeps the published edition.
    response = client.get(public)
    assert response.status_code == 200 and "utgåva 1" in response.content.decode()
    assert (
        "tills en ny publiceras"
        in login(people.head).get(url("report", period_2020_08)).content.decode()
    )


def test_indicator_only_through_its_own_units_page(people, period_2020_08, url, login):
    """A unit head cannot change their submitted unit's value through another unit's page."""
    indicator = Indicator.objects.get(
        organisation=people.lkdata.organisation, code="arenden-lkdata-support"
    )
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    other_page = url("unit_value", period_2020_08, people.kontakt.pk, indicator.pk)
    data = {"form": f"indicator-{indicator.pk}", "base_version": "", "value": "1", "note": ""}
    assert login(people.lkdata_head).post(other_page, data).status_code == 404
    assert login(people.controller).post(other_page, data).status_code == 404


def test_administration_wide_values_on_the_goal_page(
    people, period_2020_08, url, login, value_form
):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="goda-arbetsplatser")
    shared = [i for i in goal_indicators(goal) if i.unit_id is None and not i.formula]
    assert shared
    indicator = shared[0]
    page = url("goal", period_2020_08, goal.pk)
    action = url("goal_value", period_2020_08, goal.pk, indicator.pk)
    assert action in login(people.controller).get(page).content.decode()
    assert action not in login(people.reader).get(page).content.decode()
    data = value_form(indicator, period_2020_08, value="4,4")
    for user in (people.reader, people.lkdata_head):
        assert login(user).post(action, data).status_code == 403
    controller = login(people.controller)
    assert controller.post(action, data).status_code == 302
    saved = IndicatorValue.objects.get(
        indicator=indicator, year=2020, through_month=8, kind="actual", gender="T"
    )
    assert saved.value == Decimal("4.4")
    unit_bound = Indicator.objects.get(
        organisation=indicator.organisation, code="arenden-lkdata-support"
    )
    other = url("goal_value", period_2020_08, goal.pk, unit_bound.pk)
    assert controller.post(other, data).status_code == 404


def test_gender_split_values(people, period_2020_08, url, login, value_form):
    indicator = Indicator.objects.filter(
        organisation=people.lkdata.organisation, gender_split=True, unit=None, formula=""
    ).first()
    goal = indicator.board_goals.get(fiscal_year=period_2020_08.fiscal_year)
    controller = login(people.controller)
    page = controller.get(url("goal", period_2020_08, goal.pk)).content.decode()
    assert f'id="id_indicator-{indicator.pk}_women"' in page
    data = value_form(indicator, period_2020_08, value="4,3", women="5,6", men="")
    action = url("goal_value", period_2020_08, goal.pk, indicator.pk)
    assert controller.post(action, data).status_code == 302
    rows = value_rows(indicator, 2020, 8)
    assert rows["K"].value == Decimal("5.6") and rows["M"].value is None
    # The same stale version again: a conflict naming the genders, nothing overwritten.
    response = controller.post(action, {**data, "women": "9"})
    assert response.status_code == 409 and "Kvinnor: 5,6" in response.content.decode()
    assert value_rows(indicator, 2020, 8)["K"].value == Decimal("5.6")
