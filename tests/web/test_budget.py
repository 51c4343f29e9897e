from decimal import Decimal

from tertial.audit.models import AuditEntry
from tertial.economy.models import BudgetEntry


def _post(vss, unit, **changes):
    return {
        "unit": str(unit.pk),
        "account_class": str(vss.account_classes.get(code="sales").pk),
        "amount": "1 200",
        "key": "twelfths",
        "weights": "",
        **changes,
    }


def _months(unit, code):
    return list(
        BudgetEntry.objects.filter(unit=unit, account_class__code=code, year=2020)
        .order_by("month")
        .values_list("amount", flat=True)
    )


def test_a_controller_sets_a_units_budget_by_twelfths_from_the_budget_page(
    vss, people, period_2020_08, url, login
):
    action = url("budget_set", period_2020_08)
    data = _post(vss, people.lkdata)
    assert login(people.lkdata_head).post(action, data).status_code == 403
    assert login(people.head).post(action, data).status_code == 403
    assert login(people.outsider).post(action, data).status_code == 404
    assert login(people.lkdata_head).get(url("budget", period_2020_08)).status_code == 403

    response = login(people.controller).post(action, data, follow=True)
    assert response.status_code == 200
    assert "är sparad" in response.content.decode()
    # Revenues typed positive are stored in the ledger's sign, the year replaced month by month.
    assert _months(people.lkdata, "sales") == [Decimal("-100000.00")] * 12
    entry = AuditEntry.objects.filter(action="economy.budget.periodised").latest("pk")
    assert entry.actor == people.controller and entry.after["key"] == "twelfths"
    page = login(people.controller).get(url("budget", period_2020_08)).content.decode()
    assert "Budget helår 2020 per verksamhet och kontoklass" in page
    assert "1\u00a0200" in page


def test_a_custom_key_spreads_the_year_by_the_weights_typed(
    vss, people, period_2020_08, url, login
):
    action = url("budget_set", period_2020_08)
    weights = "0 0 0 0 0 0 0 0 1 1 1 1,0"
    data = _post(vss, people.lkdata, key="custom", weights=weights, amount="100")
    assert login(people.controller).post(action, data).status_code == 302
    assert _months(people.lkdata, "sales") == [Decimal("0")] * 8 + [Decimal("-25000")] * 4


def test_a_wrong_key_is_refused_on_the_page_and_nothing_changes(
    vss, people, period_2020_08, url, login
):
    before = _months(people.lkdata, "sales")
    action = url("budget_set", period_2020_08)
    client = login(people.controller)
    for weights, message in (
        ("1 1 1", "Skriv tolv vikter"),
        ("1 1 1 1 1 1 1 1 1 1 1 x", "Vikten för månad 12 (x) är inget tal"),
        ("1 1 1 1 1 1 1 1 1 1 1 -1", "Vikten för månad 12 är negativ"),
        ("0 0 0 0 0 0 0 0 0 0 0 0", "alla noll"),
    ):
        response = client.post(action, _post(vss, people.lkdata, key="custom", weights=weights))
        assert response.status_code == 400
        assert message in response.content.decode()
    response = client.post(action, _post(vss, people.lkdata, amount="mycket"))
    assert response.status_code == 400
    assert _months(people.lkdata, "sales") == before


def test_last_years_profile_is_refused_with_its_reason_where_it_cannot_be_used(
    vss, people, period_2020_08, url, login
):
    from tertial.economy.models import AccountClass

    unused = AccountClass.objects.create(organisation=vss, code="empty", name="Tom", kind="cost")
    data = _post(vss, people.lkdata, key="previous_year", account_class=str(unused.pk))
    response = login(people.controller).post(url("budget_set", period_2020_08), data)
    assert response.status_code == 400
    assert "inga bokförda belopp i kontoklassen" in response.content.decode()
    assert not BudgetEntry.objects.filter(account_class=unused).exists()


def test_an_amount_beyond_any_budget_is_refused_in_tkr(vss, people, period_2020_08, url, login):
    data = _post(vss, people.lkdata, amount="9" * 20)
    response = login(people.controller).post(url("budget_set", period_2020_08), data)
    assert response.status_code == 400
    assert "Beloppet är för stort: det måste vara mindre än" in response.content.decode()
