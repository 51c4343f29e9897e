"""Drill-down: from an amount on the dashboard or a unit's page to its accounts by month, and
from one account and month to the ledger rows behind it with file, line and import."""

import re
from html import unescape

import pytest
from django.db.models import Sum

from tertial.economy.models import LedgerBalance
from tertial.web.views import trace


def _links(html: str, name: str) -> list[str]:
    return [unescape(link) for link in re.findall(rf'href="([^"]*/{name}/[^"]*)"', html)]


def test_the_dashboards_total_leads_down_to_ledger_rows_with_file_and_line(
    people, period_2020_08, url, login
):
    client = login(people.reader)
    dashboard = client.get(url("dashboard", period_2020_08)).content.decode()
    total = _links(dashboard.split("<tfoot>")[1], "trace")[0]
    breakdown = client.get(total)
    assert breakdown.status_code == 200
    html = breakdown.content.decode()
    assert "ledger/2020.csv" in html  # the import behind the figure
    rows_link = _links(html, "trace/rows")[0]
    rows = client.get(rows_link)
    assert rows.status_code == 200
    text = rows.content.decode()
    assert "ledger/2020.csv" in text
    assert re.search(r'<td class="num">\d+</td>', text)  # the line in the file


def test_a_units_amount_opens_its_accounts_and_their_rows_sum_to_the_balance(
    people, period_2020_08, url, login, vss
):
    client = login(people.lkdata_head)
    page = client.get(url("unit", period_2020_08, people.lkdata.pk)).content.decode()
    breakdown_url = _links(page, "trace")[0]
    assert f"unit={people.lkdata.pk}" in breakdown_url
    html = client.get(breakdown_url).content.decode()
    first = _links(html, "trace/rows")[0]
    account = re.search(r"account=([^&]+)", first).group(1)
    month = int(re.search(r"month=(\d+)", first).group(1))
    found = client.get(first).context
    stored = LedgerBalance.objects.filter(
        organisation=vss, unit=people.lkdata, year=2020, month=month, account__number=account
    ).aggregate(s=Sum("amount"))["s"]
    assert found["found"].total == stored
    assert {row["account"] for row in found["rows"]} == {account}


def test_the_budget_opens_by_account_class_with_its_imports(people, period_2020_08, url, login):
    client = login(people.controller)
    response = client.get(url("trace", period_2020_08) + "?what=budget&months=year")
    assert response.status_code == 200
    breakdown = response.context["breakdown"]
    assert breakdown.rows and len(breakdown.months) == 12
    assert breakdown.batches or breakdown.without_import


@pytest.mark.parametrize("persona", ["reader", "kontakt_head", "outsider"])
def test_only_people_who_may_view_the_organisation_see_what_a_figure_is_made_of(
    people, period_2020_08, url, login, persona
):
    client = login(getattr(people, persona))
    address = url("trace", period_2020_08) + f"?unit={people.lkdata.pk}"
    rows = url("trace_rows", period_2020_08) + f"?unit={people.lkdata.pk}&month=1"
    expected = 404 if persona == "outsider" else 200
    assert client.get(address).status_code == expected
    assert client.get(rows).status_code == expected


def test_a_stranger_is_sent_to_sign_in(period_2020_08, url, client):
    response = client.get(url("trace", period_2020_08))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    "query",
    [
        "?month=13",
        "?month=x",
        "?month=1&year=1999",
        "?month=1&unit=999999999",
        "?month=1&page=99999",
        "?month=1&account=" + "9" * 500,
        "",
    ],
)
def test_rows_asked_for_out_of_bounds_are_not_found(people, period_2020_08, url, login, query):
    client = login(people.reader)
    assert client.get(url("trace_rows", period_2020_08) + query).status_code == 404


def test_rows_come_a_page_at_a_time(people, period_2020_08, url, login, monkeypatch):
    monkeypatch.setattr(trace, "ROWS_PER_PAGE", 2)
    client = login(people.reader)
    first = client.get(url("trace_rows", period_2020_08) + "?month=1")
    assert len(first.context["rows"]) == 2 and first.context["next_url"]
    second = client.get(first.context["next_url"])
    assert second.context["previous_url"]
    assert second.context["rows"][0]["line"] != first.context["rows"][0]["line"] or (
        second.context["rows"][0]["batch"] != first.context["rows"][0]["batch"]
    )


def test_an_indicator_value_shows_where_it_came_from(people, period_2020_08, url, login):
    from tertial.goals.models import IndicatorValue

    value = (
        IndicatorValue.objects.filter(
            indicator__unit=people.lkdata, year=2020, through_month=8, gender="T", kind="actual"
        )
        .exclude(source="formula")
        .first()
    )
    assert value is not None
    page = login(people.reader).get(url("unit", period_2020_08, people.lkdata.pk))
    html = page.content.decode()
    assert f"Källa: {value.source}" in html
    assert re.search(r"Källa: [^<]+\.csv:\d+", html)  # a value from a file names its line


def test_rows_of_a_large_import_not_prepared_yet_are_promised_not_waited_for(
    people, period_2020_08, url, login, monkeypatch
):
    from tertial.ingest.ledger import tracing

    monkeypatch.setattr(tracing, "prepared", lambda batch: None)
    monkeypatch.setattr(trace, "PREPARED_WHILE_WAITING", 0)
    monkeypatch.setattr(trace, "prepare_later", lambda batches: asked.extend(batches))
    asked = []
    response = login(people.reader).get(url("trace_rows", period_2020_08) + "?month=1")
    assert response.status_code == 200
    assert "förbereds för spårning" in response.content.decode()
    assert asked and "ledger/2020.csv" in response.content.decode()
