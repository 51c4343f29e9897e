"""``tertial budget``: a unit's year budget periodised by a key from the command line."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tertial.audit.models import AuditEntry
from tertial.economy.models import BudgetEntry


def _months(code):
    return list(
        BudgetEntry.objects.filter(unit__code="1800", account_class__code=code, year=2020)
        .order_by("month")
        .values_list("amount", flat=True)
    )


def test_the_budget_command_periodises_a_year_figure_and_replaces_the_units_year(vss, capsys):
    args = ["--org", "vss", "--year", "2020", "--unit", "1800", "--class", "personnel"]
    call_command("budget", *args, "--amount", "1 200 000", "--key", "twelfths")
    assert _months("personnel") == [Decimal("100000.00")] * 12
    weights = "0 0 0 0 0 0 0 0 1 1 1 1"
    call_command("budget", *args, "--amount", "100", "--key", "custom", "--weights", weights)
    assert _months("personnel") == [Decimal("0")] * 8 + [Decimal("25")] * 4
    assert "Budget 2020" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="economy.budget.periodised").count() == 2


def test_last_years_profile_follows_the_ledger_and_revenues_take_the_ledgers_sign(vss):
    args = ["--org", "vss", "--year", "2020", "--unit", "1800", "--class", "sales"]
    call_command("budget", *args, "--amount", "1000", "--key", "previous_year")
    months = _months("sales")
    assert sum(months) == Decimal("-1000") and all(m <= 0 for m in months)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--unit": "9999"}, "ingen verksamhet med koden 9999"),
        ({"--class": "nope"}, "ingen kontoklass med koden nope"),
        ({"--amount": "mycket"}, "--amount: mycket är inget belopp"),
        ({"--key": "custom", "--weights": "1 2"}, "skriv tolv vikter"),
        ({"--weights": "1 2"}, "--weights gäller bara --key custom"),
        ({"--year": "20"}, "inget rimligt år"),
    ],
)
def test_the_budget_command_refuses_wrong_arguments_in_one_sentence(vss, changes, message):
    given = {"--org": "vss", "--year": "2020", "--unit": "1800", "--class": "sales",
             "--amount": "1000", **changes}  # fmt: skip
    before = _months("sales")
    with pytest.raises(CommandError, match=message):
        call_command("budget", *[part for pair in given.items() for part in pair])
    assert _months("sales") == before
