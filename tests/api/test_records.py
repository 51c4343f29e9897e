"""The API's values computed from records and the records behind them."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

PERIOD = "/api/v1/organisations/vss/periods/2020-08"


def test_computed_values_carry_their_definition_batches_and_the_typed_value(api):
    results = {r["indicator"]: r for r in api(f"{PERIOD}/indicators/computed").json()["results"]}
    assert set(results) == {
        "arenden-kontakt", "arenden-kontakt-chatt", "svarsservice", "tappade-samtal",
    }  # fmt: skip
    dropped = results["tappade-samtal"]
    assert dropped["value"] == "5.2" and dropped["typed_value"] == "5.2"
    assert dropped["record_count"] == 5000
    assert dropped["definition"]["of"] == {"abandoned": True}
    assert [b["source_name"] for b in dropped["batches"]] == ["records/kontakt-samtal-2020.csv"]
    assert len(dropped["batches"][0]["checksum"]) == 64
    assert dropped["records"].endswith("/indicators/tappade-samtal/records")


def test_the_records_behind_a_value_are_paged_with_file_and_line(api):
    first = api(f"{PERIOD}/indicators/tappade-samtal/records?part=true&limit=100").json()
    assert first["count"] == 260 and len(first["results"]) == 100
    assert {r["file"] for r in first["results"]} == {"records/kontakt-samtal-2020.csv"}
    assert all(r["abandoned"] for r in first["results"])
    lines = [r["line"] for r in first["results"]]
    assert lines == sorted(lines)
    following = urlsplit(first["next"])
    last = api(f"{following.path}?{following.query}").json()
    assert last["offset"] == 100 and last["results"][0]["line"] > lines[-1]


@pytest.mark.parametrize(
    "query, status",
    [("?limit=0", 400), ("?limit=501", 400), ("?part=maybe", 400), ("?gender=X", 400)],
)
def test_bad_parameters_are_refused(api, query, status):
    assert api(f"{PERIOD}/indicators/tappade-samtal/records{query}").status_code == status


def test_an_indicator_without_a_computed_value_answers_404(api, client):
    assert api(f"{PERIOD}/indicators/kundnojdhet/records").status_code == 404
    assert client.get(f"{PERIOD}/indicators/tappade-samtal/records").status_code == 401
