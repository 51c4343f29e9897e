from tertial.goals.models import BoardGoal, CouncilGoal, IndicatorTarget
from tertial.goals.services.carry_over import carry_over_goals, plan_carry_over
from tertial.organisation.services import create_fiscal_year


def test_the_plan_lists_every_goal_and_target_of_the_year(vss):
    plan = plan_carry_over(vss, 2020, 2021)
    board = BoardGoal.objects.filter(fiscal_year__organisation=vss, fiscal_year__year=2020)
    assert [c.item.code for c in plan.board_goals] == [g.code for g in board]
    assert len(plan.board_goals) == 9 and not any(c.exists for c in plan.board_goals)
    targets = IndicatorTarget.objects.filter(indicator__organisation=vss, year=2020)
    assert len(plan.targets) == targets.count() > 0


def test_carrying_over_copies_goals_links_and_targets_once(vss, people):
    year = create_fiscal_year(vss, 2021, actor=people.controller)
    plan = carry_over_goals(vss, 2020, year, actor=people.controller)
    assert len([c for c in plan.board_goals if not c.exists]) == 9
    service = BoardGoal.objects.get(fiscal_year=year, code="god-service")
    assert service.carried_over_from.fiscal_year.year == 2020
    assert service.council_goal.fiscal_year == year
    assert service.council_goal.code == "valfard"
    assert set(service.indicators.values_list("code", flat=True)) >= {
        "svarsservice",
        "tappade-samtal",
    }
    old = BoardGoal.objects.get(
        fiscal_year__organisation=vss, fiscal_year__year=2020, code="god-service"
    )
    assert set(service.responsible_units.all()) == set(old.responsible_units.all())
    target = IndicatorTarget.objects.get(indicator__code="svarsservice", year=2021)
    assert target.text == "92 %" and target.comparator == "at_least"
    targets_2020 = IndicatorTarget.objects.filter(indicator__organisation=vss, year=2020).count()
    assert IndicatorTarget.objects.filter(indicator__organisation=vss, year=2021).count() == (
        targets_2020
    )

    again = carry_over_goals(vss, 2020, year, actor=people.controller)
    assert all(c.exists for c in again.board_goals + again.council_goals + again.targets)
    assert BoardGoal.objects.filter(fiscal_year=year).count() == 9
    assert CouncilGoal.objects.filter(fiscal_year=year).count() == len(again.council_goals)


def test_a_target_already_set_for_the_new_year_is_kept(vss, people):
    year = create_fiscal_year(vss, 2021, actor=people.controller)
    indicator = (
        IndicatorTarget.objects.filter(indicator__code="svarsservice", year=2020).get().indicator
    )
    IndicatorTarget.objects.create(
        indicator=indicator, year=2021, text="95 %", comparator="at_least", value=95
    )
    plan = plan_carry_over(vss, 2020, 2021)
    assert [c.exists for c in plan.targets if c.item.indicator == indicator] == [True]
    carry_over_goals(vss, 2020, year, actor=people.controller)
    assert IndicatorTarget.objects.get(indicator=indicator, year=2021).text == "95 %"
