"""A unit's forecast per account class on its page (its sum is the unit's forecast), and the
unit's year month by month as a chart with its data."""

from decimal import Decimal

from tertial.audit.history import version_of
from tertial.core.formatting import normalise_spaces
from tertial.economy.models import Forecast, ForecastLine


def _classes(vss):
    return {c.code: c for c in vss.account_classes.all()}


def _by_class(vss, unit, period, **amounts):
    forecast = Forecast.objects.filter(unit=unit, period=period).first()
    data = {"form": "forecast-by-class", "base_version": version_of(forecast)}
    for code, amount in amounts.items():
        data[f"class_{_classes(vss)[code].pk}"] = amount
    return data


def test_the_units_head_gives_the_forecast_per_class_and_its_sum_is_the_units_forecast(
    vss, people, period_2020_08, url, login
):
    unit = people.lkdata
    action = url("unit_forecast_classes", period_2020_08, unit.pk)
    data = _by_class(vss, unit, period_2020_08, sales="30 000", licences="25 000,5")
    for user in (people.kontakt_head, people.reader, people.head):
        assert login(user).post(action, data).status_code == 403
    assert login(people.outsider).post(action, data).status_code == 404
    assert not ForecastLine.objects.exists()

    own = login(people.lkdata_head)
    assert own.post(action, data).status_code == 302
    forecast = Forecast.objects.get(unit=unit, period=period_2020_08)
    assert forecast.net_result == Decimal("4999500")
    assert (forecast.revenues, forecast.costs) == (Decimal("30000000"), Decimal("25000500"))
    assert forecast.updated_by == people.lkdata_head
    lines = {line.account_class.code: line.amount for line in forecast.lines.all()}
    assert lines == {"sales": Decimal("30000000"), "licences": Decimal("25000500")}
    page = normalise_spaces(own.get(url("unit", period_2020_08, unit.pk)).content.decode())
    assert "Prognos helår 2020 per kontoklass" in page
    # The history (PostgreSQL keeps a logged mapping in an order of its own).
    change = page.split("Per kontoklass: – → ")[1].split("</li>")[0]
    assert "Försäljning av verksamhet: 30 000 tkr" in change
    assert "Licenser och IT-tjänster: 25 000,5 tkr" in change


def test_a_net_forecast_that_would_break_the_classes_sum_is_refused(
    vss, people, period_2020_08, url, login, forecast_form
):
    unit = people.lkdata
    own = login(people.lkdata_head)
    own.post(
        url("unit_forecast_classes", period_2020_08, unit.pk),
        _by_class(vss, unit, period_2020_08, sales="30 000", licences="25 000"),
    )
    action = url("unit_forecast", period_2020_08, unit.pk)
    refused = own.post(action, forecast_form(unit, period_2020_08, "1 000"))
    assert refused.status_code == 400
    assert "angiven per kontoklass" in refused.content.decode()
    assert Forecast.objects.get(unit=unit, period=period_2020_08).net_result == 5_000_000
    # The same net with a new comment is saved, and keeps the classes' revenues and costs.
    assert own.post(action, forecast_form(unit, period_2020_08, "5 000", "Ok.")).status_code == 302
    forecast = Forecast.objects.get(unit=unit, period=period_2020_08)
    assert forecast.comment == "Ok." and forecast.revenues == 30_000_000


def test_emptying_every_class_removes_the_split_and_keeps_the_forecast(
    vss, people, period_2020_08, url, login
):
    unit = people.lkdata
    own = login(people.lkdata_head)
    action = url("unit_forecast_classes", period_2020_08, unit.pk)
    own.post(action, _by_class(vss, unit, period_2020_08, sales="30 000"))
    assert own.post(action, _by_class(vss, unit, period_2020_08)).status_code == 302
    forecast = Forecast.objects.get(unit=unit, period=period_2020_08)
    assert not forecast.lines.exists() and forecast.net_result == 30_000_000


def test_a_stale_forecast_per_class_shows_both_versions(vss, people, period_2020_08, url, login):
    unit = people.lkdata
    action = url("unit_forecast_classes", period_2020_08, unit.pk)
    stale = _by_class(vss, unit, period_2020_08, sales="1")
    login(people.controller).post(action, _by_class(vss, unit, period_2020_08, sales="2"))
    response = login(people.lkdata_head).post(action, stale)
    assert response.status_code == 409
    assert Forecast.objects.get(unit=unit, period=period_2020_08).net_result == 2000


def test_the_unit_page_draws_its_year_month_by_month_with_the_data_as_a_table(
    people, period_2020_08, url, login
):
    page = login(people.reader).get(url("unit", period_2020_08, people.lkdata.pk))
    html = normalise_spaces(page.content.decode())
    figure = html.split('<figure class="chart">')[1].split("</figure>")[0]
    assert 'src="data:image/svg+xml;base64,' in figure
    assert 'alt="LKDATA 2020 månad för månad, ackumulerat, tkr. Linjediagram' in figure
    data = html.split("<summary>Diagrammets data</summary>")[1].split("</table>")[0]
    assert data.count("<tr>") == 13  # the heading and twelve months
    assert "Utfall ackumulerat" in data and "Budget ackumulerat" in data
    assert "Prognos helår" in data
    # After August there is no actual, only the budget and, in December, the forecast.
    september = data.split('<th scope="row">sep</th>')[1].split("</tr>")[0]
    assert september.startswith('<td class="num">-</td>')


def test_a_forecast_per_class_bumps_its_organisation_alone_and_its_lines_know_it(
    vss, people, period_2020_08, versions
):
    from tertial.economy.services import save_forecast_by_class

    before = versions()
    forecast = save_forecast_by_class(
        people.lkdata,
        period_2020_08,
        {_classes(vss)["sales"]: "1000"},
        actor=people.lkdata_head,
    )
    after = versions()
    assert {scope for scope in after if after[scope] != before.get(scope)} == {vss.pk}
    assert forecast.lines.get().organisation_id == vss.pk
