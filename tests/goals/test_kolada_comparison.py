"""An indicator's Kolada comparison: its own value against the municipalities chosen and the
whole country, on the indicator's page and as a report table."""

from pathlib import Path

import pytest

from tertial.core.formatting import normalise_spaces
from tertial.core.tables import RowRole
from tertial.goals.models import Indicator
from tertial.goals.tables import kolada_comparison
from tertial.ingest import kolada
from tertial.organisation.models import Period

FIXTURES = Path(__file__).parent.parent / "ingest" / "fixtures" / "kolada"


def _import(vss, *names):
    for name in names:
        kolada.import_response(vss, kolada.parse((FIXTURES / name).read_bytes()))


@pytest.fixture
def sick(vss):
    vss.settings = {**vss.settings, "kolada_municipality": "0580"}
    vss.save()
    indicator = Indicator.objects.create(
        organisation=vss,
        code="sjuk-kommunen",
        name="Sjukfrånvaro, kommunen",
        measure="percent",
        decimals=1,
        direction="lower",
        kolada_kpi="N00945",
    )
    _import(vss, "kpi.json", "data-municipality.json", "data-national.json")
    return indicator


def _rows(table):
    return [(r.role, r.label, [c.text for c in r.cells.values()]) for r in table.rows]


def test_the_own_value_stands_against_every_municipality_imported_and_the_country(
    vss, sick, period_2020_08
):
    table = kolada_comparison(period_2020_08, [sick])
    assert [c.label for c in table.columns] == ["2018", "2019"]
    group, *areas = _rows(table)
    assert group[0] == RowRole.GROUP and group[1].startswith("Sjukfrånvaro, kommunen (N00945")
    assert [(label, texts) for _, label, texts in areas] == [
        ("Linköpings kommun", ["6,2\u00a0%", "3,8\u00a0%"]),
        ("0180", ["-", "7,3\u00a0%"]),
        ("1280", ["-", "I.U."]),  # in Kolada without a value: no data, never 0
        ("1480", ["-", "8,2\u00a0%"]),
        ("Riket", ["6,9\u00a0%", "6,8\u00a0%"]),
    ]


def test_the_organisations_choice_of_municipalities_and_their_names_is_shown(
    vss, sick, period_2020_08
):
    vss.settings = {**vss.settings, "kolada_compare": {"1480": "Göteborg"}}
    vss.save()
    period = Period.objects.get(pk=period_2020_08.pk)
    table = kolada_comparison(period, [sick])
    assert [r.label for r in table.rows[1:]] == ["Linköpings kommun", "Göteborg", "Riket"]


def test_a_follow_up_shows_the_last_three_years_up_to_its_own(vss, sick, period_2020_08):
    from decimal import Decimal

    from tertial.goals.models import KoladaValue

    for year in (2016, 2017, 2020):
        KoladaValue.objects.create(
            kpi="N00945", municipality="0580", year=year, gender="T", value=Decimal("5")
        )
    earlier = Period.objects.get(fiscal_year__organisation=vss, key="2019-04")
    assert [c.label for c in kolada_comparison(earlier, [sick]).columns] == [
        "2017",
        "2018",
        "2019",
    ]
    assert [c.label for c in kolada_comparison(period_2020_08, [sick]).columns] == [
        "2018",
        "2019",
        "2020",
    ]


def test_the_indicator_page_shows_the_comparison_to_members_only(
    vss, sick, people, period_2020_08, url, login
):
    address = url("indicator", period_2020_08, sick.pk)
    page = normalise_spaces(login(people.reader).get(address).content.decode())
    assert "Jämförelse i Kolada" in page
    assert "Riket" in page and "6,8 %" in page and "Sjukfrånvaro" in page
    assert login(people.outsider).get(address).status_code == 404
    from django.test import Client

    assert Client().get(address).status_code == 302  # to sign in


def test_an_indicator_without_kolada_says_so(vss, people, period_2020_08, url, login):
    indicator = Indicator.objects.filter(organisation=vss, kolada_kpi="").first()
    page = login(people.reader).get(url("indicator", period_2020_08, indicator.pk))
    assert "inte kopplad till något Kolada-nyckeltal" in page.content.decode()


def test_the_goal_page_links_each_indicator_to_its_page(vss, people, period_2020_08, url, login):
    from tertial.goals.models import BoardGoal

    goal = BoardGoal.objects.filter(fiscal_year=period_2020_08.fiscal_year).first()
    indicator = goal.indicators.first()
    page = login(people.reader).get(url("goal", period_2020_08, goal.pk)).content.decode()
    assert url("indicator", period_2020_08, indicator.pk) in page


def test_the_comparison_is_a_report_table_every_format_draws(vss, sick, period_2020_08):
    from tertial.reports.build import build_report
    from tertial.reports.html import render_html

    vss.settings = {
        **vss.settings,
        "report": {
            "sections": [
                {
                    "id": "kolada",
                    "title": "Jämförelser",
                    "content": [{"table": "kolada_comparison"}],
                }
            ]
        },
    }
    vss.save()
    report = build_report(Period.objects.get(pk=period_2020_08.pk))
    (table,) = [t for t in report.tables() if t.key == "kolada_comparison"]
    assert table.row("Riket").cells["2019"].text == "6,8\u00a0%"
    assert "Jämförelse i Kolada" in render_html(report)


def test_fetching_from_kolada_asks_for_the_chosen_municipalities_and_the_country(
    vss, sick, monkeypatch
):
    import threading
    from http.server import ThreadingHTTPServer

    from django.core.management import call_command

    from tests.ingest.test_kolada import _Handler

    vss.settings = {**vss.settings, "kolada_compare": ["0180", "1480"]}
    vss.save()
    requested: list[str] = []
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Handler", (_Handler,), {"requested": requested})
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("TERTIAL_KOLADA_URL", f"http://127.0.0.1:{server.server_port}/v2")
    try:
        call_command(
            "import_kolada", "--org", "vss", "--fetch", "--kpi", "N00945", "--year", "2019"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "/v2/data/kpi/N00945/municipality/0580,0180,1480,0000/year/2019" in requested


def test_a_controller_reads_a_kolada_file_on_the_import_page(
    vss, people, period_2020_08, url, login
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tertial.goals.models import KoladaValue

    vss.settings = {**vss.settings, "kolada_municipality": "0580"}
    vss.save()
    action = url("import_kolada", period_2020_08)

    def upload(name="data.json", content=None):
        body = content if content is not None else (FIXTURES / "data-national.json").read_bytes()
        return {"file": SimpleUploadedFile(name, body, content_type="application/json")}

    assert login(people.lkdata_head).post(action, upload()).status_code == 403
    assert login(people.outsider).post(action, upload()).status_code == 404
    assert not KoladaValue.objects.exists()
    client = login(people.controller)
    page = client.get(url("imports", period_2020_08)).content.decode()
    assert action in page
    wrong = client.post(action, upload("fel.json", b'{"values": [{"kpi": "N1"}]}'), follow=True)
    assert "fel.json är inget svar från Kolada: values[0]" in wrong.content.decode()
    assert not KoladaValue.objects.exists()
    saved = client.post(action, upload(), follow=True)
    assert "data.json är inläst från Kolada: 0 nyckeltal, 3 värden" in saved.content.decode()
    assert KoladaValue.objects.filter(municipality="0000").count() == 3
