"""Carrying an organisation's goals and targets from one fiscal year into the next: what it
would do (shown to the controller before anything is saved) and doing it."""

from __future__ import annotations

from dataclasses import dataclass

from tertial.audit.log import record
from tertial.goals.models import BoardGoal, CouncilGoal, IndicatorTarget
from tertial.organisation.models import FiscalYear, Organisation


@dataclass(frozen=True)
class Carried:
    """One goal or target of the earlier year, and whether the later year has it already
    (then it is left as it is)."""

    item: CouncilGoal | BoardGoal | IndicatorTarget
    exists: bool


@dataclass(frozen=True)
class CarryOver:
    council_goals: list[Carried]
    board_goals: list[Carried]
    targets: list[Carried]

    def fingerprint(self) -> list:
        """What a preview showed, to tell whether the data moved before it was confirmed."""
        return [
            [(c.item.code, c.exists) for c in self.council_goals],
            [(c.item.code, c.exists) for c in self.board_goals],
            [(c.item.indicator.code, c.item.text, c.exists) for c in self.targets],
        ]


def plan_carry_over(organisation: Organisation, from_year: int, to_year: int) -> CarryOver:
    """The council and board goals of ``from_year`` (with their indicator links) and every
    indicator target of that year, each marked when ``to_year`` has it already."""
    council = CouncilGoal.objects.filter(
        fiscal_year__organisation=organisation, fiscal_year__year=from_year
    ).select_related("perspective")
    board = BoardGoal.objects.filter(
        fiscal_year__organisation=organisation, fiscal_year__year=from_year
    ).select_related("council_goal")
    targets = (
        IndicatorTarget.objects.filter(indicator__organisation=organisation, year=from_year)
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator__code")
    )
    council_there = set(
        CouncilGoal.objects.filter(
            fiscal_year__organisation=organisation, fiscal_year__year=to_year
        ).values_list("code", flat=True)
    )
    board_there = set(
        BoardGoal.objects.filter(
            fiscal_year__organisation=organisation, fiscal_year__year=to_year
        ).values_list("code", flat=True)
    )
    targets_there = set(
        IndicatorTarget.objects.filter(
            indicator__organisation=organisation, year=to_year
        ).values_list("indicator_id", flat=True)
    )
    return CarryOver(
        council_goals=[Carried(goal, goal.code in council_there) for goal in council],
        board_goals=[Carried(goal, goal.code in board_there) for goal in board],
        targets=[Carried(target, target.indicator_id in targets_there) for target in targets],
    )


def carry_over_goals(
    organisation: Organisation, from_year: int, target: FiscalYear, *, actor
) -> CarryOver:
    """Copy into ``target`` what ``plan_carry_over`` lists as missing there: council goals,
    board goals (with responsible units and indicator links, each linked to the goal it
    continues by ``carried_over_from``) and indicator targets. What the year has already is
    left as it is, so running it twice changes nothing. Returns the plan it carried out."""
    plan = plan_carry_over(organisation, from_year, target.year)
    council_goals = {goal.code: goal for goal in CouncilGoal.objects.filter(fiscal_year=target)}
    for carried in plan.council_goals:
        old = carried.item
        if not carried.exists:
            council_goals[old.code] = CouncilGoal.objects.create(
                fiscal_year=target,
                code=old.code,
                perspective=old.perspective,
                name=old.name,
                sort_order=old.sort_order,
            )
    created = []
    for carried in plan.board_goals:
        if carried.exists:
            continue
        old = carried.item
        new = BoardGoal.objects.create(
            fiscal_year=target,
            council_goal=council_goals[old.council_goal.code],
            code=old.code,
            name=old.name,
            description=old.description,
            sort_order=old.sort_order,
            carried_over_from=old,
        )
        new.responsible_units.set(old.responsible_units.all())
        new.indicators.set(old.indicators.all())
        created.append(new.code)
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(
            indicator=carried.item.indicator,
            year=target.year,
            text=carried.item.text,
            comparator=carried.item.comparator,
            value=carried.item.value,
            tolerance=carried.item.tolerance,
        )
        for carried in plan.targets
        if not carried.exists
    )
    record(
        "goals.carried_over",
        actor=actor,
        organisation=organisation,
        after={
            "from": from_year,
            "to": target.year,
            "goals": created,
            "targets": [c.item.indicator.code for c in plan.targets if not c.exists],
        },
    )
    return plan
