"""After a load the goals engine has run: computed values, proposals, accumulating indicators."""

from decimal import Decimal

import pytest

from tertial.core.errors import InputErrors
from tertial.goals.models import Assessment, Indicator, IndicatorValue
from tertial.goals.statuses import propose_assessments
from tertial.ingest.folder import load_folder, load_organisation

from .helpers import SMALL, add_indicator, append, copy_small

pytestmark = pytest.mark.django_db


def test_loaded_assessments_carry_the_proposal():
    org = load_organisation(SMALL)
    proposals = dict(
        Assessment.objects.filter(period__fiscal_year__organisation=org).values_list(
            "board_goal__code", "proposed_value"
        )
    )
    # svarsservice 91,5 % against "90 %"; resultat is I.U., so nollresultat cannot be judged
    assert proposals == {"god-service": "met", "nollresultat": "not_assessable"}


def test_example_assessments_carry_the_proposal(vss, period_2020_08):
    assessments = Assessment.objects.filter(period=period_2020_08)
    assert assessments.count() == 9
    for assessment in assessments.select_related("board_goal"):
        assert (
            assessment.proposed_value
            == propose_assessments([assessment.board_goal], period_2020_08)[
                assessment.board_goal.pk
            ]
        )
        assert assessment.proposed_value in Assessment.Value.values


def test_computed_indicator_has_values_after_load(tmp_path):
    folder = copy_small(tmp_path)
    add_indicator(folder, "tid-per-arende", "ratio", '"svarstid / arenden * 1000"')
    result = load_folder(folder)
    assert result.counts["computed_indicator_values"] == 3
    values = {
        (v.year, v.through_month, v.kind): v.value
        for v in IndicatorValue.objects.filter(indicator__code="tid-per-arende")
    }
    assert values[(2021, 8, "actual")].quantize(Decimal("0.0001")) == Decimal("5.7604")
    # arenden has a plan and a forecast for 2021 but svarstid has none: no data, never 0
    assert values[(2021, 12, "plan")] is None and values[(2021, 12, "forecast")] is None
    assert {v.source for v in IndicatorValue.objects.filter(indicator__code="tid-per-arende")} == {
        "formula"
    }


def test_computed_value_follows_a_reload(tmp_path):
    folder = copy_small(tmp_path)
    add_indicator(folder, "dubbla", "count", '"arenden * 2"')
    load_organisation(folder)
    text = (folder / "indicator_values.csv").read_text(encoding="utf-8")
    (folder / "indicator_values.csv").write_text(
        text.replace("arenden;2021-08;actual;T;7 812", "arenden;2021-08;actual;T;8 000"),
        encoding="utf-8",
    )
    load_organisation(folder)
    value = IndicatorValue.objects.get(
        indicator__code="dubbla", year=2021, through_month=8, kind="actual"
    )
    assert value.value == 16000


def test_division_by_zero_in_the_data_stores_nothing(tmp_path):
    folder = copy_small(tmp_path)
    add_indicator(folder, "kvot", "ratio", '"svarstid / arenden"')
    append(folder, "indicator_values.csv", "svarstid;2020;actual;T;40;;\narenden;2020;;;0;;\n")
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    assert [(e.file, e.field) for e in info.value.errors] == [("indicator_values.csv", "")]
    assert "kvot (2020-12, actual, T): division by zero" in info.value.errors[0].message
    assert not Indicator.objects.filter(code="kvot").exists()


def test_accumulates_is_stored(tmp_path):
    folder = copy_small(tmp_path)
    append(folder, "goals.yaml", "    accumulates: true\n")  # on arenden, the last indicator
    org = load_organisation(folder)
    accumulating = Indicator.objects.filter(organisation=org, accumulates=True)
    assert list(accumulating.values_list("code", flat=True)) == ["arenden"]
    # and a re-load without the key sets it back
    text = (folder / "goals.yaml").read_text(encoding="utf-8")
    (folder / "goals.yaml").write_text(text.replace("    accumulates: true\n", ""), "utf-8")
    load_organisation(folder)
    assert not Indicator.objects.filter(organisation=org, accumulates=True).exists()
