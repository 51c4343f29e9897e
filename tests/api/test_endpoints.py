"""Every endpoint on the example (examples/vss-2020), against the reference's figures."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from tertial.api.serializers import table_json
from tertial.economy import tables as economy_tables
from tertial.economy.models import LedgerBalance
from tertial.goals.models import BoardGoal
from tertial.goals.services import save_assessment

BASE = "/api/v1/organisations/vss"
PERIOD = f"{BASE}/periods/2020-08"

REFERENCE_ASSESSMENTS = {
    "god-service": "met",
    "god-kundsamverkan": "partly_met",
    "god-styrning": "partly_met",
    "hog-digitalisering": "met",
    "korrekta-inkop": "not_met",
    "god-ekonomisk-kontroll": "met",
    "goda-arbetsplatser": "partly_met",
    "chef-och-ledarskap": "partly_met",
    "nya-vagar-kompetensforsorjning": "met",
}


def test_organisation_lists_units_and_periods_with_links(api):
    data = api(f"{BASE}/").json()
    assert data["name"] == "Verksamhetsstöd och service"
    units = {unit["code"]: unit for unit in data["units"]}
    assert units["1800"]["name"] == "LKDATA"
    assert units["1900"]["starts_on"] == "2020-12-01"
    periods = {period["key"]: period for period in data["periods"]}
    assert list(periods) == ["2019-04", "2019-08", "2019-12", "2020-04", "2020-08", "2020-12"]
    august = periods["2020-08"]
    assert (august["kind"], august["end_month"], august["deadline"]) == ("interim", 8, "2020-09-15")
    assert august["end_date"] == "2020-08-31"
    assert august["links"]["goals"] == f"http://testserver{PERIOD}/goals"
    assert august["links"]["economy"]["operating-summary"] == (
        f"http://testserver{PERIOD}/economy/operating-summary"
    )


def board_goals(goals_data) -> dict[str, dict]:
    return {
        goal["code"]: goal
        for perspective in goals_data["perspectives"]
        for council_goal in perspective["council_goals"]
        for goal in council_goal["board_goals"]
    }


def test_goals_have_the_reference_assessments_and_a_proposal(api):
    data = api(f"{PERIOD}/goals").json()
    assert [p["code"] for p in data["perspectives"]] == [
        "medborgare",
        "ekonomi",
        "verksamhet",
        "medarbetare",
    ]
    goals = board_goals(data)
    assert {code: goal["assessment"]["value"] for code, goal in goals.items()} == (
        REFERENCE_ASSESSMENTS
    )
    service = goals["god-service"]
    assert service["assessment"]["label"] == "uppnås"
    assert service["assessment"]["justification"].startswith("Nämndmålet uppnås")
    assert "svarsservice" in service["indicators"]
    for goal in goals.values():
        assert goal["proposal"]["value"] in {"met", "partly_met", "not_met", "not_assessable"}


def test_goals_take_the_same_queries_however_many_goals(api, period_2020_08):
    """Proposals are computed for all goals at once, not goal by goal."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api(f"{PERIOD}/goals")  # the token's first use of the minute is written down
    with CaptureQueriesContext(connection) as before:
        assert api(f"{PERIOD}/goals").status_code == 200
    model = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    for number in range(3):
        goal = BoardGoal.objects.create(
            fiscal_year=model.fiscal_year,
            council_goal=model.council_goal,
            code=f"extra-{number}",
            name=f"Extra {number}",
            sort_order=100 + number,
        )
        goal.indicators.set(model.indicators.all())
    with CaptureQueriesContext(connection) as after:
        goals = board_goals(api(f"{PERIOD}/goals").json())
    assert {"extra-0", "extra-1", "extra-2"} <= set(goals)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_assessments_keep_history_newest_first(api, period_2020_08):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-styrning")
    save_assessment(goal, period_2020_08, "met", "Omprövad.", actor=None)
    results = {row["goal"]: row for row in api(f"{PERIOD}/assessments").json()["results"]}
    assert set(results) == set(REFERENCE_ASSESSMENTS)
    revised = results["god-styrning"]
    assert revised["current"]["value"] == "met"
    assert [a["value"] for a in revised["history"]] == ["met", "partly_met"]
    assert [a["is_current"] for a in revised["history"]] == [True, False]
    assert len(results["god-service"]["history"]) == 1


def follow(api, url: str) -> list[dict]:
    """Every result of a paginated list, following the next links."""
    results = []
    while url:
        page = api(url.removeprefix("http://testserver")).json()
        results.extend(page["results"])
        url = page["next"]
    return results


def test_indicators_with_targets_paginated(api):
    first = api(f"{PERIOD}/indicators?limit=5").json()
    assert first["limit"] == 5 and first["offset"] == 0 and first["previous"] is None
    assert len(first["results"]) == 5 and first["count"] > 5
    assert "offset=5" in first["next"] and "limit=5" in first["next"]
    everything = follow(api, f"{PERIOD}/indicators?limit=5")
    assert len(everything) == first["count"]
    assert len({i["code"] for i in everything}) == first["count"]
    svarsservice = next(i for i in everything if i["code"] == "svarsservice")
    assert svarsservice["measure"] == "percent"
    target_2020 = next(t for t in svarsservice["targets"] if t["year"] == 2020)
    assert (target_2020["text"], target_2020["comparator"], target_2020["value"]) == (
        "92 %",
        "at_least",
        "92",
    )
    assert "god-service" in svarsservice["board_goals"]


def test_indicator_values_missing_is_null_never_zero(api):
    values = follow(api, f"{PERIOD}/indicators/values?indicator=svarsservice&limit=2")
    by_period = {(v["period"], v["gender"]): v for v in values if v["kind"] == "actual"}
    assert set(by_period) == {("2018", "T"), ("2019", "T"), ("2020-08", "T")}
    missing = by_period[("2018", "T")]
    assert (missing["value"], missing["missing"]) == (None, True)
    assert missing["status"] is None  # no target for 2018
    assert by_period[("2019", "T")]["value"] == "90"
    august = by_period[("2020-08", "T")]
    assert (august["value"], august["missing"], august["source"]) == (
        "91",
        False,
        "Telefonisystemet",
    )
    assert (august["year"], august["through_month"]) == (2020, 8)
    # 91 % against the target of at least 92 %: partly met.
    assert august["status"] == "partly_met"


def test_indicator_values_by_gender_and_only_those_known_at_the_period(api):
    page = api(f"{PERIOD}/indicators/values?gender=K&limit=5000").json()
    assert page["count"] > 0 and page["next"] is None
    assert {v["gender"] for v in page["results"]} == {"K"}
    # Sick leave of women, printed 5,6 for August 2020 in the reference.
    sick_leave = [v for v in page["results"] if v["period"] == "2020-08"]
    assert "5.6" in {v["value"] for v in sick_leave}
    everything = api(f"{PERIOD}/indicators/values?limit=5000").json()["results"]
    # Actual values after August 2020 (the year's outcome) are not known at the interim report.
    assert not [v for v in everything if v["kind"] == "actual" and v["period"] == "2020"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=5001", "limit=x", "offset=-1", "kind=guess", "gender=X"]
)
def test_bad_query_parameters_are_400(api, query):
    response = api(f"{PERIOD}/indicators/values?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


TABLES = {
    "operating-summary": economy_tables.operating_summary,
    "full-year-forecast": economy_tables.full_year_forecast,
    "economy-summary": economy_tables.economy_summary,
    "investments": economy_tables.investments,
    "revenue-by-kind": economy_tables.revenue_by_kind,
    "cost-by-kind": economy_tables.cost_by_kind,
}


@pytest.mark.parametrize("name", list(TABLES))
def test_economy_tables_serialise_the_report_table(api, period_2020_08, name):
    data = api(f"{PERIOD}/economy/{name}").json()
    assert data["period"] == "2020-08"
    for row in data["table"]["rows"]:
        for cell in row["cells"].values():
            cell.pop("rows", None)  # the address of the rows behind it: tested below
    assert data["table"] == table_json(TABLES[name](period_2020_08))
    assert data["table"]["rows"]


def test_a_units_actual_figure_leads_to_the_rows_behind_it(api, vss):
    table = api(f"{PERIOD}/economy/operating-summary").json()["table"]
    cell = next(row for row in table["rows"] if row["ref"] == "unit:1800")["cells"]["actual"]
    assert cell["reference"] == {
        "kind": "ledger",
        "unit": "1800",
        "year": 2020,
        "months": [1, 2, 3, 4, 5, 6, 7, 8],
    }
    rows = api(cell["rows"].removeprefix("http://testserver") + "&limit=1000").json()
    assert rows["reference"]["unit"] == "1800"
    assert rows["count"] == len(rows["results"]) and rows["next"] is None
    # The rows' sum in the ledger's sign is minus the net result the table shows.
    assert -Decimal(rows["sum"]) == Decimal(cell["value"])
    first = rows["results"][0]
    assert first["file"] == "ledger/2020.csv" and first["line"] > 1
    assert first["import"]["sha256"]


def test_the_rows_behind_the_whole_organisation_come_a_page_at_a_time(api):
    first = api(f"{PERIOD}/ledger/rows?months=1&limit=5").json()
    assert first["reference"]["org"] == "vss" and len(first["results"]) == 5
    assert first["count"] > 5 and first["next"]
    second = api(first["next"].removeprefix("http://testserver")).json()
    assert second["offset"] == 5
    assert (second["results"][0]["file"], second["results"][0]["line"]) != (
        first["results"][0]["file"],
        first["results"][0]["line"],
    )


def test_the_rows_of_one_account_and_month(api, vss):
    rows = api(f"{PERIOD}/ledger/rows?unit=1800&months=2&account=3410").json()
    stored = LedgerBalance.objects.filter(
        organisation=vss, unit__code="1800", year=2020, month=2, account__number="3410"
    ).aggregate(s=Sum("amount"))["s"]
    assert Decimal(rows["sum"]) == stored
    assert {r["account"] for r in rows["results"]} == {"3410"}


@pytest.mark.parametrize(
    "query",
    ["months=13", "months=8-2", "months=x", "year=1999", "limit=0", "limit=100000", "offset=-1"],
)
def test_rows_asked_for_out_of_bounds_are_400(api, query):
    response = api(f"{PERIOD}/ledger/rows?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_rows_of_a_unit_that_is_not_the_organisations_are_404(api):
    assert api(f"{PERIOD}/ledger/rows?unit=nope").status_code == 404


def test_operating_summary_sum_row_matches_the_reference(api):
    table = api(f"{PERIOD}/economy/operating-summary").json()["table"]
    total = next(row for row in table["rows"] if row["role"] == "sum")
    tkr = [total["cells"][column["key"]].get("tkr") for column in table["columns"]]
    # Summa of the Driftsammandrag: 8 486, 1 613, 6 874, 16 015 tkr.
    assert [figure for figure in tkr if figure is not None] == [8486, 1613, 6874, 16015]
    traced = 0
    for column in table["columns"]:
        cell = total["cells"].get(column["key"])
        if cell and cell["value"] is not None and column["kind"] == "amount":
            assert cell["source"]
            traced += 1
    assert traced == 4


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/periods/2031-08/goals",
        f"{PERIOD}/economy/balance-sheet",
        f"{BASE}/periods/2020-08/nothing",
    ],
)
def test_unknown_period_or_table_is_404(api, path):
    response = api(path)
    assert response.status_code == 404


def test_a_units_rows_come_a_page_at_a_time_in_line_order(api):
    whole = api(f"{PERIOD}/ledger/rows?unit=1800&limit=1000").json()
    first = api(f"{PERIOD}/ledger/rows?unit=1800&limit=5").json()
    second = api(f"{PERIOD}/ledger/rows?unit=1800&limit=5&offset=5").json()
    beyond = api(f"{PERIOD}/ledger/rows?unit=1800&limit=5&offset=100000").json()
    lines = [row["line"] for row in whole["results"]]
    assert lines == sorted(lines)
    assert [row["line"] for row in first["results"] + second["results"]] == lines[:10]
    assert first["count"] == second["count"] == beyond["count"] == whole["count"]
    assert first["sum"] == beyond["sum"] == whole["sum"] and beyond["results"] == []


def test_rows_of_a_large_import_not_prepared_yet_answer_503_with_retry_after(api, monkeypatch):
    from tertial.api import views
    from tertial.ingest.ledger import tracing

    monkeypatch.setattr(tracing, "prepared", lambda batch: None)
    monkeypatch.setattr(views, "PREPARED_WHILE_WAITING", 0)
    monkeypatch.setattr(views, "prepare_later", lambda batches: None)
    response = api(f"{PERIOD}/ledger/rows?months=1")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "not_ready"
