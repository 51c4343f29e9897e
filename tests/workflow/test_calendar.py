import datetime

import pytest

from tertial.core.errors import Refused
from tertial.goals.models import BoardGoal, IndicatorTarget
from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
from tertial.organisation.models import FiscalYear, Period
from tertial.workflow import calendar
from tertial.workflow.models import ReportApproval
from tertial.workflow.services import set_deadlines


@pytest.fixture
def without_year_end(vss):
    """The example without its 2020-12 period: the latest is the interim report 2020-08."""
    Period.objects.get(fiscal_year__organisation=vss, key="2020-12").delete()


def test_the_next_period_follows_last_years_calendar(vss, period_2020_08, without_year_end):
    plan = calendar.propose_next_period(vss)
    assert (plan.key, plan.kind) == ("2020-12", Period.Kind.ANNUAL)
    assert plan.title == "Verksamhetsberättelse 2020"  # 2019's title, moved a year
    assert plan.source == period_2020_08
    assert plan.unit_deadline == datetime.date(2021, 1, 15)  # 2020-09-15, four months on


def test_no_next_period_after_the_years_last(vss):
    assert calendar.propose_next_period(vss) is None


def test_a_new_period_gets_the_texts_to_write_and_moved_deadlines(
    vss, period_2020_08, without_year_end, people
):
    set_deadlines(
        period_2020_08,
        actor=people.controller,
        unit_deadline=datetime.date(2020, 9, 15),
        report_deadline=datetime.date(2020, 9, 30),
    )
    section = NarrativeSection.objects.filter(period=period_2020_08).first()
    section.instructions = "Beskriv uppdraget."
    section.unit = people.lkdata
    section.save()
    plan = calendar.propose_next_period(vss)
    assert plan.report_deadline == datetime.date(2021, 1, 30)
    created = calendar.create_period(vss, plan, actor=people.controller)

    assert (created.key, created.status, created.title) == (
        "2020-12",
        Period.Status.OPEN,
        "Verksamhetsberättelse 2020",
    )
    assert created.deadline == datetime.date(2021, 1, 15)
    assert ReportApproval.objects.get(period=created).report_deadline == datetime.date(2021, 1, 30)
    old = list(NarrativeSection.objects.filter(period=period_2020_08).order_by("sort_order"))
    new = list(NarrativeSection.objects.filter(period=created).order_by("sort_order"))
    assert [(s.key, s.title, s.instructions, s.unit_id) for s in new] == [
        (s.key, s.title, s.instructions, s.unit_id) for s in old
    ]
    assert new[0].unit == people.lkdata
    assert new[0].instructions == "Beskriv uppdraget."
    assert all(s.body == "" for s in new)
    old_plans = PlanFollowUp.objects.filter(period=period_2020_08).order_by("sort_order")
    new_plans = PlanFollowUp.objects.filter(period=created).order_by("sort_order")
    assert [p.title for p in new_plans] == [p.title for p in old_plans] != []
    assert all(p.body == "" for p in new_plans)
    assert not DecisionEvent.objects.filter(period=created).exists()

    with pytest.raises(Refused, match="finns redan"):
        calendar.create_period(vss, plan, actor=people.controller)


def test_a_period_needs_its_fiscal_year(vss, period_2020_08, people):
    plan = calendar.plan_period(period_2020_08, year=2021, end_month=4, kind=Period.Kind.TERTIAL)
    assert plan.title == "Tertialrapport januari–april 2021"
    with pytest.raises(Refused, match="inget räkenskapsår 2021"):
        calendar.create_period(vss, plan, actor=people.controller)
    assert not Period.objects.filter(key="2021-04").exists()


def test_the_next_year_is_shown_before_it_is_created(vss, people):
    plan = calendar.propose_next_year(vss)
    assert (plan.from_year, plan.to_year) == (2020, 2021)
    assert [(p.key, p.kind, p.title) for p in plan.periods] == [
        ("2021-04", "tertial", "Tertialrapport januari–april 2021"),
        ("2021-08", "interim", "Delårsrapport januari–augusti 2021"),
        ("2021-12", "annual", "Verksamhetsberättelse 2021"),
    ]
    assert plan.periods[1].unit_deadline == datetime.date(2021, 9, 15)
    assert (
        plan.sections["2021-08"]
        == NarrativeSection.objects.filter(
            period__fiscal_year__organisation=vss, period__key="2020-08"
        ).count()
    )
    assert len(plan.goals.board_goals) == 9
    assert not FiscalYear.objects.filter(organisation=vss, year=2021).exists()


def test_the_next_year_is_created_as_shown(vss, people):
    plan = calendar.propose_next_year(vss)
    year = calendar.create_next_year(vss, fingerprint=plan.fingerprint, actor=people.controller)
    assert year.year == 2021
    assert list(year.periods.order_by("end_month").values_list("key", flat=True)) == [
        "2021-04",
        "2021-08",
        "2021-12",
    ]
    assert BoardGoal.objects.filter(fiscal_year=year).count() == 9
    assert IndicatorTarget.objects.filter(indicator__organisation=vss, year=2021).exists()
    interim = year.periods.get(key="2021-08")
    assert NarrativeSection.objects.filter(period=interim).count() == plan.sections["2021-08"]
    # The year after is now the one offered.
    assert calendar.propose_next_year(vss).to_year == 2022


def test_a_year_shown_before_the_data_changed_is_not_created(vss, people):
    plan = calendar.propose_next_year(vss)
    BoardGoal.objects.filter(fiscal_year__organisation=vss, fiscal_year__year=2020).first().delete()
    with pytest.raises(Refused, match="ändrats"):
        calendar.create_next_year(vss, fingerprint=plan.fingerprint, actor=people.controller)
    assert not FiscalYear.objects.filter(organisation=vss, year=2021).exists()
