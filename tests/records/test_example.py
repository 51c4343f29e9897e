"""The example's service indicators, computed from its synthetic record files, equal the
figures the reference prints."""

from decimal import Decimal

from tertial.records.models import ComputedValue, RecordBatch


def test_the_examples_service_indicators_are_computed_equal_to_the_reference(vss):
    computed = {
        c.indicator.code: c.value
        for c in ComputedValue.objects.filter(
            indicator__organisation=vss, year=2020, through_month=8, gender="T"
        ).select_related("indicator")
    }
    assert computed == {
        "arenden-kontakt": Decimal("166760"),
        "arenden-kontakt-chatt": Decimal("2175"),
        "svarsservice": Decimal("91"),
        "tappade-samtal": Decimal("5.2"),
    }


def test_the_examples_call_log_keeps_no_callers_number(vss):
    batch = RecordBatch.objects.get(organisation=vss, kind="contacts")
    assert "Caller" not in str(batch.columns)
    assert batch.row_count == 5000


def test_the_examples_typed_figures_agree_with_the_computed_ones(period_2020_08):
    from tertial.reports.checks import check_computed_values

    assert check_computed_values(period_2020_08) == []
