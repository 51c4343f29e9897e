import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from tertial.access.rules import Action, can, get_unit_for, restrict
from tertial.goals.models import BoardGoal, Indicator
from tertial.organisation.models import Unit

pytestmark = pytest.mark.django_db


def test_unit_heads_edit_only_their_own_units(people):
    assert can(people.lkdata_head, Action.EDIT_UNIT, people.lkdata)
    assert not can(people.lkdata_head, Action.EDIT_UNIT, people.kontakt)
    assert not can(people.kontakt_head, Action.SUBMIT_UNIT, people.lkdata)
    assert not can(people.lkdata_head, Action.REVIEW_UNIT, people.lkdata)


def test_controllers_edit_and_review_the_whole_administration(people):
    for unit in (people.lkdata, people.kontakt):
        assert can(people.controller, Action.EDIT_UNIT, unit)
        assert can(people.controller, Action.REVIEW_UNIT, unit)
    assert not can(people.controller, Action.APPROVE_REPORT, people.lkdata.organisation)
    assert not can(people.controller, Action.UNLOCK_PERIOD, people.lkdata.organisation)


def test_readers_and_outsiders(people, vss):
    assert can(people.reader, Action.VIEW, vss)
    assert not can(people.reader, Action.EDIT_UNIT, people.lkdata)
    assert not can(people.reader, Action.EDIT_TEXTS, vss)
    assert not can(people.outsider, Action.VIEW, vss)
    assert not can(AnonymousUser(), Action.VIEW, vss)


def test_head_approves_administrator_unlocks(people, period_2020_08):
    assert can(people.head, Action.APPROVE_REPORT, period_2020_08)
    assert can(people.head, Action.PUBLISH_REPORT, period_2020_08)
    assert not can(people.head, Action.EDIT_UNIT, people.lkdata)
    assert can(people.admin, Action.UNLOCK_PERIOD, period_2020_08)
    assert not can(people.admin, Action.APPROVE_REPORT, period_2020_08)


def test_goal_assessment_by_responsible_unit_heads(people, period_2020_08):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    assert not can(people.lkdata_head, Action.ASSESS_GOAL, goal)
    goal.responsible_units.add(people.lkdata)
    assert can(people.lkdata_head, Action.ASSESS_GOAL, goal)
    assert not can(people.kontakt_head, Action.ASSESS_GOAL, goal)
    assert can(people.controller, Action.ASSESS_GOAL, goal)


def test_indicator_values_by_the_unit_head_of_the_indicators_unit(people):
    own = Indicator.objects.get(
        organisation=people.lkdata.organisation, code="arenden-lkdata-support"
    )
    other = Indicator.objects.get(organisation=people.lkdata.organisation, code="svarsservice")
    assert can(people.lkdata_head, Action.EDIT_INDICATOR, own)
    assert not can(people.lkdata_head, Action.EDIT_INDICATOR, other)
    editable = restrict(Indicator.objects.all(), people.lkdata_head, Action.EDIT_INDICATOR)
    assert own in editable and other not in editable


def test_restrict_units(people, vss):
    assert list(restrict(Unit.objects.all(), people.lkdata_head, Action.EDIT_UNIT)) == [
        people.lkdata
    ]
    assert restrict(Unit.objects.all(), people.controller, Action.EDIT_UNIT).count() == (
        vss.units.count()
    )
    assert not restrict(Unit.objects.all(), people.reader, Action.EDIT_UNIT).exists()
    assert not restrict(Unit.objects.all(), people.outsider, Action.VIEW).exists()


def test_view_helpers_answer_404_outside_and_403_inside(people, period_2020_08):
    request = RequestFactory().get("/")
    request.user = people.outsider
    with pytest.raises(Http404):
        get_unit_for(request, period_2020_08, people.lkdata.pk)
    request.user = people.kontakt_head
    assert get_unit_for(request, period_2020_08, people.lkdata.pk) == people.lkdata
    with pytest.raises(PermissionDenied):
        get_unit_for(request, period_2020_08, people.lkdata.pk, Action.EDIT_UNIT)
