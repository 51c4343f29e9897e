"""Kolada responses (files in the API's format) parsed and stored; the thin client."""

import json
import re
import threading
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tertial.goals.models import Indicator, IndicatorValue, KoladaKpi, KoladaValue
from tertial.ingest import kolada

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"


def read(name):
    return kolada.parse((FIXTURES / name).read_bytes())


def test_parse_kpi_response():
    response = read("kpi.json")
    assert [k.id for k in response.kpis] == ["N00945", "U00901", "N01951"]
    sick = response.kpis[0]
    assert sick.title == "Sjukfrånvaro kommunalt anställda, andel (%)"
    assert sick.is_divided_by_gender and not sick.has_ou_data
    assert response.kpis[1].has_ou_data
    assert response.points == []


def test_parse_data_response_keeps_exact_values_and_nulls():
    points = read("data-municipality.json").points
    linköping_2019 = {
        p.gender: p.value
        for p in points
        if p.kpi == "N00945" and p.year == 2019 and p.municipality == "0580"
    }
    assert linköping_2019 == {"K": None, "M": Decimal("3.8"), "T": Decimal("3.75")}
    assert isinstance(linköping_2019["T"], Decimal)
    malmö = [p for p in points if p.municipality == "1280"]
    assert [(p.gender, p.value, p.status) for p in malmö] == [("T", None, "Missing")]
    assert {p.ou for p in points} == {""}


def test_parse_ou_variant():
    points = read("data-ou.json").points
    assert [(p.ou, p.municipality, p.value) for p in points] == [
        ("V15E058000301", "", Decimal("43.3")),
        ("V15E018000101", "", Decimal("55.5")),
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "inte JSON"),
        ("[]", 'lista "values"'),
        ('{"values": [1]}', "values[0]: väntade ett objekt"),
        ('{"values": [{"foo": 1}]}', "varken ett nyckeltal"),
        (
            '{"values": [{"kpi": "N1", "municipality": "0580", "period": "x", "values": []}]}',
            "period: väntade ett år",
        ),
        (
            '{"values": [{"kpi": "N1", "municipality": "0580", "period": 2019,'
            ' "values": [{"gender": "X", "value": 1}]}]}',
            "gender: väntade T, K eller M",
        ),
        (
            '{"values": [{"kpi": "N1", "municipality": "0580", "period": 2019,'
            ' "values": [{"gender": "T", "value": "12"}]}]}',
            "value: väntade ett tal eller null",
        ),
    ],
)
def test_malformed_responses_are_refused(document, message):
    with pytest.raises(kolada.KoladaFormatError, match=re.escape(message)):
        kolada.parse(document)


@pytest.fixture
def mapped(vss):
    vss.settings = {**vss.settings, "kolada_municipality": "0580"}
    vss.save()
    sick = Indicator.objects.create(
        organisation=vss,
        code="sjuk-kommunen",
        name="Sjukfrånvaro, kommunen",
        measure="percent",
        decimals=1,
        direction="lower",
        gender_split=True,
        kolada_kpi="N00945",
    )
    lösning = Indicator.objects.create(
        organisation=vss,
        code="losningsgrad",
        name="Lösningsgrad",
        measure="percent",
        decimals=1,
        kolada_kpi="U00901",
    )
    return sick, lösning


@pytest.mark.django_db
def test_import_stores_own_values_on_indicators_and_every_value_for_comparison(vss, mapped):
    sick, lösning = mapped
    kolada.import_response(vss, read("kpi.json"))
    summary = kolada.import_response(vss, read("data-municipality.json"), source_name="file")
    assert summary.values == 18
    assert summary.unmapped_kpis == ["N01951"]
    assert KoladaKpi.objects.get(id="N00945").title.startswith("Sjukfrånvaro")
    own = {(v.year, v.gender): v for v in IndicatorValue.objects.filter(indicator=sick)}
    assert {k: v.value for k, v in own.items()} == {
        (2018, "K"): Decimal("7.6"),
        (2018, "M"): Decimal("4.8"),
        (2018, "T"): Decimal("6.2"),
        (2019, "K"): None,  # null in Kolada: no data, never 0
        (2019, "M"): Decimal("3.8"),
        (2019, "T"): Decimal("3.75"),
    }
    assert own[(2019, "T")].source == "Kolada N00945 0580"
    assert own[(2019, "T")].through_month == 12
    # other municipalities are kept for comparison only
    assert KoladaValue.objects.filter(kpi="N00945", municipality="0180").count() == 3
    # the municipality's value of U00901 is used until a unit value is known
    assert IndicatorValue.objects.get(indicator=lösning).source == "Kolada U00901 0580"


@pytest.mark.django_db
def test_the_unit_value_wins_over_the_municipality(vss, mapped):
    _, lösning = mapped
    vss.settings = {**vss.settings, "kolada_ou": "V15E058000301"}
    vss.save()
    response = read("data-municipality.json")
    response.points.extend(read("data-ou.json").points)
    kolada.import_response(vss, response)
    value = IndicatorValue.objects.get(indicator=lösning)
    assert (value.value, value.source) == (Decimal("43.3"), "Kolada U00901 V15E058000301")


@pytest.mark.django_db
def test_reimport_replaces(vss, mapped):
    sick, _ = mapped
    kolada.import_response(vss, read("data-municipality.json"))
    kolada.import_response(vss, read("data-municipality.json"))
    assert IndicatorValue.objects.filter(indicator=sick).count() == 6
    assert KoladaValue.objects.count() == 18


@pytest.mark.django_db
def test_impossible_value_refuses_the_whole_response(vss, mapped):
    with pytest.raises(ValidationError, match="mellan 0 och 100"):
        kolada.import_response(vss, read("data-impossible.json"))
    assert not KoladaValue.objects.exists()


@pytest.mark.django_db
def test_own_municipality_is_needed(vss):
    with pytest.raises(ValidationError, match="kolada_municipality"):
        kolada.import_response(vss, read("data-municipality.json"))


@pytest.mark.django_db
def test_import_kolada_command(vss, mapped, capsys):
    call_command(
        "import_kolada",
        str(FIXTURES / "kpi.json"),
        str(FIXTURES / "data-municipality.json"),
        "--org",
        "vss",
    )
    out = capsys.readouterr().out
    assert "3 nyckeltal" in out and "18 värden i Kolada" in out and "N01951" in out
    with pytest.raises(CommandError, match="ingenting importerades"):
        call_command("import_kolada", str(FIXTURES / "data-impossible.json"), "--org", "vss")
    with pytest.raises(CommandError, match="ingen förvaltning"):
        call_command("import_kolada", str(FIXTURES / "kpi.json"), "--org", "nobody")


class _Handler(SimpleHTTPRequestHandler):
    """Serves the fixture pages as Kolada would: /data/… → page 1, NEXT → page 2."""

    def do_GET(self):  # noqa: N802 - http.server's name
        name = "data-page-2.json" if self.path.endswith("/NEXT") else "data-page-1.json"
        body = (FIXTURES / name).read_text(encoding="utf-8")
        if name == "data-page-1.json":
            body = body.replace('"NEXT"', json.dumps(f"http://{self.headers['Host']}/v2/NEXT"))
        self.requested.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_live_client_follows_pages_through_the_same_parser():
    requested: list[str] = []
    handler = type("Handler", (_Handler,), {"requested": requested})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = kolada.KoladaClient(f"http://127.0.0.1:{server.server_port}/v2/", timeout=5)
        response = client.data(["N00945"], ["0580"], [2018, 2019])
    finally:
        server.shutdown()
        server.server_close()
    assert requested == ["/v2/data/kpi/N00945/municipality/0580/year/2018,2019", "/v2/NEXT"]
    assert [(p.year, p.value) for p in response.points] == [
        (2018, Decimal("6.2")),
        (2019, Decimal("3.75")),
    ]
