"""``tertial import indicators``: a CSV of indicator values, checked in full before storing."""

import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tertial.audit.models import AuditEntry
from tertial.core.errors import InputErrors
from tertial.goals.models import Indicator, IndicatorValue
from tertial.ingest.folder import load_organisation
from tertial.ingest.indicators import import_indicator_file
from tests.helpers import EXAMPLE_DIR

pytestmark = pytest.mark.django_db

HEADER = "indicator;period;kind;gender;value;note;source\n"


def write(tmp_path, body, encoding="utf-8"):
    path = tmp_path / "values.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def value(code, year, month, gender="T", kind="actual"):
    return IndicatorValue.objects.get(
        indicator__code=code, year=year, through_month=month, gender=gender, kind=kind
    )


def test_import_values(vss, tmp_path):
    path = write(
        tmp_path,
        "svarsservice;2020-08;actual;T;93 %;;Telefonisystemet\n"
        "forvaltningens-resultat;2020-08;;;8 600 tkr;;\n"
        "sjukfranvaro;2020-08;actual;K;5,9;;\n"
        "sjukfranvaro;2021;plan;T;3,4;;\n"
        "hme;2020-08;actual;T;I.U.;ny mätning i höst;\n",
        encoding="cp1252",
    )
    counts = import_indicator_file(vss, path)
    assert counts == {"created": 1, "updated": 4}
    assert value("svarsservice", 2020, 8).value == Decimal(93)
    assert value("svarsservice", 2020, 8).source == "Telefonisystemet"
    assert value("forvaltningens-resultat", 2020, 8).value == Decimal(8600)
    assert value("sjukfranvaro", 2020, 8, "K").value == Decimal("5.9")
    assert value("sjukfranvaro", 2020, 8, "K").written_decimals == 1  # as typed: "5,9"
    assert value("sjukfranvaro", 2021, 12, kind="plan").value == Decimal("3.4")
    hme = value("hme", 2020, 8)
    assert hme.value is None and hme.note == "ny mätning i höst"
    entry = AuditEntry.objects.get(action="goals.indicator_values.imported")
    assert entry.after == {"created": 1, "updated": 4} and entry.reason == "values.csv"


def test_every_error_is_reported_and_nothing_is_stored(vss, tmp_path):
    before = list(IndicatorValue.objects.values_list("pk", "value").order_by("pk"))
    path = write(
        tmp_path,
        "svarsservice;2020-08;actual;T;130;;\n"  # line 2: a share of 130 %
        "okand;2020-08;actual;T;1;;\n"  # line 3
        "besok-stadsarkivet-studiebesok;2020-08;actual;T;91 %;;\n"  # line 4: wrong unit
        "svarsservice;2020-13;actual;T;90;;\n"  # line 5
        "svarsservice;2020;plan;T;12,3,4;;\n"  # line 6
        "svarsservice;2020-04;actual;T;90;;\n"  # line 7: locked period
        "tappade-samtal;2020-08;actual;X;5;;\n"  # line 8
        "tappade-samtal;2020-08;actual;T;5;;\n"  # line 9
        "tappade-samtal;2020-08;actual;T;6;;\n"  # line 10: the same key again
        "besok-stadsarkivet-studiebesok;2020-08;actual;T;-3;;\n",  # line 11
    )
    with pytest.raises(InputErrors) as info:
        import_indicator_file(vss, path)
    found = {(e.line, e.field): e.message for e in info.value.errors}
    assert set(found) == {
        (2, "value"),
        (3, "indicator"),
        (4, "value"),
        (5, "period"),
        (6, "value"),
        (7, "period"),
        (8, "gender"),
        (10, "indicator"),
        (11, "value"),
    }
    assert "mellan 0 och 100" in found[(2, "value")]
    assert "okänd indikator 'okand'" in found[(3, "indicator")]
    assert "mäts i count" in found[(4, "value")]
    assert "malformed number" in found[(6, "value")]
    assert "låst" in found[(7, "period")]
    assert "ett andra värde" in found[(10, "indicator")]
    assert "negativ" in found[(11, "value")]
    assert all(e.file == "values.csv" for e in info.value.errors)
    assert list(IndicatorValue.objects.values_list("pk", "value").order_by("pk")) == before


def test_computed_indicators_are_not_imported(vss, tmp_path):
    Indicator.objects.create(
        organisation=vss, code="andel", name="Andel", measure="percent", formula="svarsservice / 2"
    )
    with pytest.raises(InputErrors, match="beräknas med sin formel"):
        import_indicator_file(vss, write(tmp_path, "andel;2020-08;actual;T;4;;\n"))


def test_command(vss, tmp_path, capsys):
    path = write(tmp_path, "svarsservice;2020-08;actual;T;92;;\n")
    call_command("import_indicators", str(path), "--org", "vss")
    assert "0 nya och 1 ändrade värden" in capsys.readouterr().out
    bad = write(tmp_path, "svarsservice;2020-08;actual;T;130;;\n")
    with pytest.raises(CommandError, match="1 fel i"):
        call_command("import_indicators", str(bad), "--org", "vss")
    assert "values.csv:2 [value]" in capsys.readouterr().err


def test_the_folder_and_the_import_read_alike(vss, tmp_path):
    """The missing column, kind and gender in any case, the length of a note: one rule."""
    body = (
        "svarsservice;2020-08;ACTUAL;t;;;;yes\n"
        "sjukfranvaro;2020-08;Actual;k;5,9;;;\n"
        f"tappade-samtal;2020-08;;;5;{'x' * 201};;\n"
    )
    header = "indicator;period;kind;gender;value;note;source;missing\n"
    path = tmp_path / "values.csv"
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        import_indicator_file(vss, path)
    assert [(e.line, e.field) for e in info.value.errors] == [(4, "note")]

    path.write_text(header + body.replace("x" * 201, "x" * 200), encoding="utf-8")
    assert import_indicator_file(vss, path) == {"created": 0, "updated": 3}
    assert value("svarsservice", 2020, 8).value is None
    assert value("sjukfranvaro", 2020, 8, "K").value == Decimal("5.9")

    folder = tmp_path / "folder"
    shutil.copytree(EXAMPLE_DIR, folder)
    (folder / "indicator_values.csv").write_text(header + body, encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    assert [(e.file, e.line, e.field) for e in info.value.errors] == [
        ("indicator_values.csv", 4, "note")
    ]
