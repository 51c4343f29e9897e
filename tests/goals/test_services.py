"""The goals engine's services on the example: assessments, values, formulas, carry-over."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from tertial.audit.history import version_of, versions
from tertial.audit.models import AuditEntry
from tertial.core.errors import PeriodLocked, StaleVersion
from tertial.goals import services
from tertial.goals.models import (
    Assessment,
    BoardGoal,
    Indicator,
    IndicatorValue,
)
from tertial.goals.statuses import goals_statuses, propose_assessments
from tertial.goals.tables import indicator_tables
from tertial.organisation.models import Period
from tests.helpers import find_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("controller", password="x")


@pytest.fixture
def god_service(vss):
    return BoardGoal.objects.get(
        fiscal_year__organisation=vss, fiscal_year__year=2020, code="god-service"
    )


def current(goal, period):
    return Assessment.objects.get(board_goal=goal, period=period)


def test_save_assessment_keeps_history_and_the_proposal(god_service, period_2020_08, user):
    loaded = current(god_service, period_2020_08)
    assert loaded.value == "met"
    first = services.save_assessment(
        god_service,
        period_2020_08,
        "partly_met",
        "  Svarsservice under målvärdet.  ",
        [
            ("result", "Svarsservice 91 %"),
            {"kind": "activity", "text": "Chatt införd"},
            ("deviation", " "),
        ],
        actor=user,
        base_version=version_of(loaded),
    )
    assert first.pk == loaded.pk and first.version == loaded.version + 1
    assert first.updated_by == user
    assert first.justification == "Svarsservice under målvärdet."
    assert first.proposed_value == "partly_met"  # the system's proposal stored beside it
    assert [(i.kind, i.text) for i in first.items.order_by("sort_order")] == [
        ("result", "Svarsservice 91 %"),
        ("activity", "Chatt införd"),
    ]
    second = services.save_assessment(
        god_service, period_2020_08, "met", "Sammanvägd bedömning: uppnås.", actor=user
    )
    # Without items given, the assessment keeps those it had.
    assert [i.text for i in second.items.order_by("sort_order")] == [
        "Svarsservice 91 %",
        "Chatt införd",
    ]
    states = [state["value"] for _saved_at, state in versions(second)]
    assert states == ["met", "partly_met", "met"]  # newest first, the loaded one last
    entry = AuditEntry.objects.filter(action="goals.assessment.saved").latest("id")
    assert entry.actor == user
    assert entry.before["value"] == "partly_met" and entry.after["value"] == "met"
    with pytest.raises(StaleVersion):
        services.save_assessment(
            god_service, period_2020_08, "not_met", "x", actor=user, base_version="1"
        )


@pytest.mark.parametrize("justification", ["", "   \n "])
def test_assessment_without_justification_is_refused(
    god_service, period_2020_08, user, justification
):
    with pytest.raises(ValidationError, match="motivering"):
        services.save_assessment(god_service, period_2020_08, "met", justification, [], actor=user)
    assert current(god_service, period_2020_08).value == "met"


def test_assessment_refused_in_a_locked_period(god_service, vss, user):
    locked = Period.objects.get(fiscal_year__organisation=vss, key="2020-04")
    assert locked.is_locked
    with pytest.raises(PeriodLocked, match="låst"):
        services.save_assessment(god_service, locked, "met", "Motivering", [], actor=user)


def test_assessment_refuses_unknown_values(god_service, period_2020_08, user):
    with pytest.raises(ValidationError, match="Okänd bedömning"):
        services.save_assessment(god_service, period_2020_08, "green", "Motivering", [], actor=user)
    with pytest.raises(ValidationError, match="punkttyp"):
        services.save_assessment(
            god_service, period_2020_08, "met", "Motivering", [("bullet", "x")], actor=user
        )


def test_fill_missing_proposals(vss, period_2020_08):
    # The loader fills the proposals; one emptied again is filled, the others are left alone.
    assert not Assessment.objects.filter(period=period_2020_08, proposed_value="").exists()
    Assessment.objects.filter(period=period_2020_08, board_goal__code="god-service").update(
        proposed_value=""
    )
    assert services.fill_missing_proposals(vss) == 1
    stored = Assessment.objects.get(period=period_2020_08, board_goal__code="god-service")
    assert stored.proposed_value == "partly_met"


def test_fill_missing_proposals_reads_a_period_at_once(vss, period_2020_08):
    """Proposing for every goal of a period costs what proposing for one goal does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    current = Assessment.objects.filter(period=period_2020_08)
    expected = {a.board_goal_id: a.proposed_value for a in current}
    current.filter(board_goal__code="god-service").update(proposed_value="")
    with CaptureQueriesContext(connection) as one:
        assert services.fill_missing_proposals(vss) == 1
    current.update(proposed_value="")
    with CaptureQueriesContext(connection) as all_of_them:
        assert services.fill_missing_proposals(vss) == len(expected) > 1
    assert {a.board_goal_id: a.proposed_value for a in current} == expected
    assert len(all_of_them.captured_queries) == len(one.captured_queries)


def indicator(vss, code):
    return Indicator.objects.get(organisation=vss, code=code)


def test_save_indicator_values_validates_and_audits(vss, user):
    svarsservice = indicator(vss, "svarsservice")
    seen = services.values_version(services.value_rows(svarsservice, 2020, 8))
    (row,) = services.save_indicator_values(
        svarsservice,
        2020,
        8,
        {"T": Decimal("91.5")},
        source="Telefonisystemet",
        actor=user,
        base_version=seen,
    ).values()
    assert row.value == Decimal("91.5") and row.updated_by == user
    assert (
        IndicatorValue.objects.filter(indicator=svarsservice, year=2020, through_month=8).count()
        == 1
    )
    entry = AuditEntry.objects.filter(action="goals.indicator_value.saved").latest("id")
    assert entry.before["value"] == "91" and entry.after["value"] == "91.5"
    with pytest.raises(StaleVersion):
        services.save_indicator_values(
            svarsservice, 2020, 8, {"T": Decimal(92)}, actor=user, base_version=seen
        )
    with pytest.raises(ValidationError, match="mellan 0 och 100"):
        services.save_indicator_values(svarsservice, 2020, 8, {"T": Decimal(130)}, actor=user)
    visits = indicator(vss, "besok-stadsarkivet-studiebesok")
    with pytest.raises(ValidationError, match="negativ"):
        services.save_indicator_values(visits, 2020, 8, {"T": Decimal(-3)}, actor=user)
    # a missing value is allowed, and stays missing
    saved = services.save_indicator_values(visits, 2020, 8, {"K": None}, actor=user)
    assert saved["K"].value is None


def test_indicator_values_refused_in_a_locked_period(vss, user):
    with pytest.raises(PeriodLocked, match="låst"):
        services.save_indicator_values(
            indicator(vss, "svarsservice"), 2020, 4, {"T": Decimal(90)}, actor=user
        )


def add_computed(vss, code, formula):
    return Indicator.objects.create(
        organisation=vss, code=code, name=code, measure="percent", decimals=1, formula=formula
    )


def test_computed_chat_share(vss, user):
    # Varav chatt / Ärenden Kontakt Linköping × 100 on the example's own data
    share = add_computed(
        vss, "chatt-andel-beraknad", "arenden-kontakt-chatt / arenden-kontakt × 100"
    )
    stored = services.compute_indicator_values(vss, actor=user)
    values = {
        (v.year, v.through_month, v.kind): v.value
        for v in IndicatorValue.objects.filter(indicator=share)
    }
    assert values[(2020, 8, "actual")].quantize(Decimal("0.1")) == Decimal("1.3")
    assert values[(2020, 12, "forecast")] == Decimal(2)  # 5 000 / 250 000
    assert values[(2019, 8, "actual")] is None  # N/A inputs: missing, not 0
    assert values[(2020, 12, "plan")] is None  # no plan for all cases: missing
    assert stored == len(values) == 4
    assert {v.source for v in IndicatorValue.objects.filter(indicator=share)} == {"formula"}
    # computing again replaces, never doubles
    services.compute_indicator_values(vss, actor=user)
    assert IndicatorValue.objects.filter(indicator=share).count() == 4
    with pytest.raises(ValidationError, match="formeln"):
        services.save_indicator_values(share, 2020, 8, {"T": Decimal(1)}, actor=user)


def test_computing_again_keeps_the_rows_and_drops_stale_ones(vss, user):
    share = add_computed(
        vss, "chatt-andel-beraknad", "arenden-kontakt-chatt / arenden-kontakt × 100"
    )
    services.compute_indicator_values(vss, actor=user)
    first = {(v.year, v.through_month, v.kind): v.pk for v in share.values.all()}
    IndicatorValue.objects.filter(
        indicator__code="arenden-kontakt-chatt", year=2020, through_month=12, kind="forecast"
    ).delete()
    IndicatorValue.objects.filter(
        indicator__code="arenden-kontakt", year=2020, through_month=12, kind="forecast"
    ).delete()
    assert services.compute_indicator_values(vss, actor=user) == 3
    again = {(v.year, v.through_month, v.kind): v.pk for v in share.values.all()}
    assert again == {key: pk for key, pk in first.items() if key != (2020, 12, "forecast")}


def test_computed_indicators_feed_each_other_in_order(vss):
    add_computed(vss, "z-double", "a-half * 2")
    add_computed(vss, "a-half", "arenden-stadsarkivet / 2")
    services.compute_indicator_values(vss)
    double = IndicatorValue.objects.get(
        indicator__code="z-double", year=2020, through_month=8, kind="actual"
    )
    assert double.value == Decimal(463)


def test_formula_errors(vss):
    add_computed(vss, "loop-a", "loop-b + 1")
    add_computed(vss, "loop-b", "loop-a * 2")
    with pytest.raises(ValidationError, match="loop-a → loop-b → loop-a"):
        services.compute_indicator_values(vss)
    Indicator.objects.filter(code__startswith="loop-").delete()
    add_computed(vss, "unknown", "chatt / arenden-kontakt")
    with pytest.raises(ValidationError, match="unknown indicator 'chatt'"):
        services.check_formulas(vss)
    Indicator.objects.filter(code="unknown").delete()
    zero = add_computed(vss, "by-zero", "arenden-stadsarkivet / (arenden-stadsarkivet - 463)")
    with pytest.raises(ValidationError, match="division by zero"):
        services.compute_indicator_values(vss)
    assert not IndicatorValue.objects.filter(indicator=zero).exists()


def test_a_value_is_printed_as_it_was_written(vss, period_2020_08, user):

    chefer = indicator(vss, "chefers-sjukfranvaro")  # no fixed decimals
    services.save_indicator_values(
        chefer, 2020, 8, {"T": Decimal("3.0"), "M": Decimal("1.125")}, actor=user
    )
    stored = IndicatorValue.objects.get(indicator=chefer, year=2020, through_month=8, gender="T")
    assert stored.written_decimals == 1
    stored.note = "ny källa"
    stored.save()  # read back with six decimals, saved again: still as written
    assert IndicatorValue.objects.get(pk=stored.pk).written_decimals == 1
    table = next(t for t in indicator_tables(period_2020_08) if t.key.endswith("arbetsgivare"))
    assert (
        find_row(table, "indicator:chefers-sjukfranvaro").cells["2020-08"].text == "3,0 (ny källa)"
    )
    assert find_row(table, "indicator:chefers-sjukfranvaro:M").cells["2020-08"].text == "1,125"


def test_accumulating_counts_are_judged_against_the_pro_rated_target(vss, period_2020_08):

    volumes = Indicator.objects.filter(organisation=vss, code__startswith="arendevolym-")
    volumes.update(accumulates=False)  # as if the example judged them against the whole year
    goal = BoardGoal.objects.get(fiscal_year__year=2020, code="god-ekonomisk-kontroll")
    statuses = {s.indicator.code: s.status for s in goals_statuses([goal], period_2020_08)[goal.pk]}
    assert statuses["arendevolym-stadsarkivet"] == "not_met"  # 463 of the year's 700
    assert propose_assessments([goal], period_2020_08)[goal.pk] == "not_met"
    volumes.update(accumulates=True)
    statuses = {s.indicator.code: s.status for s in goals_statuses([goal], period_2020_08)[goal.pk]}
    assert statuses["arendevolym-stadsarkivet"] == "partly_met"  # 463 of 8/12 × 700
    assert statuses["arendevolym-hr-direkt"] == "met"  # 1 452 of 8/12 × 1 600
    assert statuses["arendevolym-lkdata-support"] == "partly_met"  # 42 357 of 43 333
    table = next(
        t for t in indicator_tables(period_2020_08) if t.key == "indicators-hallbar-ekonomi"
    )
    row = find_row(table, "indicator:arendevolym-stadsarkivet")
    assert row.cells["2020-08"].status == "partly_met"
    assert row.cells["target"].text == "700"  # the target is shown as written


def test_a_computed_value_too_large_to_store_is_refused_with_its_indicator_and_nothing_stored(
    vss,
):
    huge = add_computed(vss, "for-stor", "arenden-kontakt * 1000000000000000")
    with pytest.raises(ValidationError, match="for-stor .*too large to store"):
        services.compute_indicator_values(vss)
    assert not IndicatorValue.objects.filter(indicator=huge).exists()
