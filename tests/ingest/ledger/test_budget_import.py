"""Importing the monthly budget from a file: same machinery, replaces the months it covers."""

from decimal import Decimal

import pytest

from tertial.core.errors import InputErrors
from tertial.economy.models import BudgetEntry
from tertial.economy.services.imports import undo_import
from tertial.ingest.ledger.importer import import_budget
from tests.ingest.ledger.helpers import write


def budget(org):
    return {
        (e.unit.code, e.account_class.code, e.year, e.month): e.amount
        for e in BudgetEntry.objects.filter(unit__organisation=org).select_related(
            "unit", "account_class"
        )
    }


def test_tertial_budget_layout(org, tmp_path):
    path = write(
        tmp_path / "budget.csv",
        [
            "year;month;unit;account_class;amount",
            "2020;1;1100;personnel;1 000 000",
            "2020;1;1100;personnel;234,50",
            "2020;2;1100;sales;-500 000",
        ],
        encoding="utf-8",
    )
    batch = import_budget(org, path, mapping="tertial-budget")
    assert budget(org) == {
        ("1100", "personnel", 2020, 1): Decimal("1000234.50"),
        ("1100", "sales", 2020, 2): Decimal("-500000.00"),
    }
    assert batch.kind == "budget"
    import_budget(org, path, mapping="tertial-budget")
    assert len(budget(org)) == 2  # replaced, not added
    undo_import(batch)  # the first batch's rows are already replaced: nothing left of it
    assert len(budget(org)) == 2


def test_budget_by_account_goes_to_the_account_class(org, tmp_path):
    path = write(
        tmp_path / "budget.csv",
        ["Period;Ansvar;Konto;Budget", "202003;2100;5010;100,00", "202003;2100;5020;50,00"],
    )
    import_budget(org, path, mapping="unit4-agresso-budget")
    assert budget(org) == {("2100", "personnel", 2020, 3): Decimal("150.00")}


def test_unknown_account_class_listed(org, tmp_path):
    path = write(
        tmp_path / "budget.csv",
        ["year;month;unit;account_class;amount", "2020;1;1100;lokaler;1", "2020;1;1100;it;1"],
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as caught:
        import_budget(org, path, mapping="tertial-budget")
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (2, "account_class"),
        (3, "account_class"),
    ]
    assert not BudgetEntry.objects.filter(unit__organisation=org).exists()


def test_ledger_mapping_refused_for_budget(org, tmp_path):
    path = write(tmp_path / "budget.csv", ["year;month;unit;account_class;amount"])
    with pytest.raises(InputErrors):
        import_budget(org, path, mapping="unit4-agresso")
