from tertial.core.formatting import normalise_spaces


def test_the_dashboard_shows_each_follow_ups_forecast_against_the_outcome(
    people, period_2020_08, url, login
):
    page = normalise_spaces(
        login(people.reader).get(url("dashboard", period_2020_08)).content.decode()
    )
    assert 'id="forecast-accuracy"' in page
    table = page.split('id="table-forecast_accuracy"')[1].split("</table>")[0]
    assert "Prognossäkerhet 2020" in table
    assert "Delårsrapport januari–augusti 2020" in table
    assert "LKDATA" in table and "Summa Delårsrapport januari–augusti 2020" in table
    # The year is booked to August: the outcome is the year so far, and the page says so.
    assert "Utfall jan–augusti 2020" in table
    assert "Året är inte bokslutat" in page


def test_a_year_without_forecasts_says_so_on_the_dashboard(vss, people, url, login):
    from tertial.organisation.models import Period

    period = Period.objects.get(fiscal_year__organisation=vss, key="2020-04")
    page = login(people.controller).get(url("dashboard", period)).content.decode()
    assert "Inga prognoser för året ännu." in page
