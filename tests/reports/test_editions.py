"""Frozen editions: freezing, showing a published report from its edition, diffs; the command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tertial.audit.models import AuditEntry
from tertial.core.formatting import normalise_spaces
from tertial.economy.models import Forecast
from tertial.narrative.models import NarrativeSection
from tertial.organisation.models import Period
from tertial.reports.editions import diff_editions, published_report
from tertial.reports.models import EditionFile
from tertial.reports.services import edition_file, freeze_edition, render_to_file

pytestmark = pytest.mark.django_db


def _change_the_data(period):
    text = NarrativeSection.objects.get(period=period, key="economy_forecast_analysis")
    text.body = text.body.replace("2 600 tkr", "2 700 tkr")
    text.save()
    forecast = Forecast.objects.get(period=period, unit__code="1800")
    forecast.net_result += Decimal("100000")
    forecast.costs -= Decimal("100000")
    forecast.save()


def test_freeze_and_diff_two_editions(period_2020_08, django_user_model):
    controller = django_user_model.objects.create_user("controller", password="x" * 16)
    first = freeze_edition(period_2020_08, actor=controller, reason="Godkänd av nämnden")
    assert first.number == 1 and first.content["edition"] == 1
    assert "Utgåva 1" in first.html
    entry = AuditEntry.objects.get(action="reports.edition.frozen")
    assert entry.actor == controller and entry.reason == "Godkänd av nämnden"
    assert entry.after["number"] == 1 and entry.after["checksum"] == first.checksum

    _change_the_data(period_2020_08)
    second = freeze_edition(period_2020_08, actor=controller, reason="Rättad prognos")
    assert second.number == 2

    diff = diff_editions(first, second)
    changed = {(c.table, c.row, c.column): (c.old, c.new) for c in diff.figures}
    assert changed[("Prognos resultat 2020", "LKDATA", "Prognos helår")] == (
        "4\u00a0000",
        "4\u00a0100",
    )
    assert changed[("Prognos resultat 2020", "Summa nettokostnader, tkr", "Prognos helår")] == (
        "2\u00a0600",
        "2\u00a0700",
    )
    texts = [c for c in diff.texts if "2 700" in normalise_spaces(c.words)]
    assert len(texts) == 1
    assert "[-2 600-] {+2 700+}" in normalise_spaces(texts[0].words)
    assert ("del", "2 600") in [(k, normalise_spaces(t)) for k, t in texts[0].runs]
    # Only the words next to a change are shown, not the whole text twice.
    assert sum(len(t) for _k, t in texts[0].runs) < 400
    assert diff_editions(second, second).is_empty


def test_a_published_report_is_shown_from_its_edition(period_2020_08):
    freeze_edition(period_2020_08, actor=None, reason="Godkänd")
    period_2020_08.status = Period.Status.APPROVED
    period_2020_08.save()
    _change_the_data(period_2020_08)
    report, edition = published_report(period_2020_08)
    assert edition is not None and edition.number == 1
    forecast = next(t for t in report.tables() if t.key == "full_year_forecast")
    assert forecast.cell("LKDATA", "forecast").text == "4\u00a0000"  # the frozen figure

    period_2020_08.status = Period.Status.OPEN
    period_2020_08.save()
    live, none = published_report(period_2020_08)
    assert none is None
    forecast = next(t for t in live.tables() if t.key == "full_year_forecast")
    assert forecast.cell("LKDATA", "forecast").text == "4\u00a0100"


def test_edition_files_come_from_the_frozen_content_and_are_kept(period_2020_08):
    edition = freeze_edition(period_2020_08, actor=None, reason="Godkänd")
    _change_the_data(period_2020_08)
    data = edition_file(edition, "xlsx")
    assert EditionFile.objects.filter(edition=edition, format="xlsx").count() == 1
    assert edition_file(edition, "xlsx") == data
    assert edition_file(edition, "html") == edition.html.encode("utf-8")


def test_render_to_file_of_an_edition_pdf(period_2020_08, tmp_path):
    freeze_edition(period_2020_08, actor=None, reason="Godkänd")
    path = render_to_file(period_2020_08, "pdf", tmp_path / "rapport.pdf", edition=1)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert "Utgåva 1" in reader.pages[0].extract_text()


def test_command_writes_checks_freezes_and_diffs(period_2020_08, tmp_path, capsys):
    output = tmp_path / "rapport.xlsx"
    call_command("report", "vss", "2020-08", "--format", "xlsx", "--output", str(output))
    assert output.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="1 fel"):
        call_command("report", "vss", "2020-08", "--check")
    assert "avser samma mått" in capsys.readouterr().out
    call_command("report", "vss", "2020-08", "--freeze", "Godkänd")
    call_command("report", "vss", "2020-08", "--freeze", "Igen")
    call_command("report", "vss", "2020-08", "--diff", "1", "2")
    assert "Inga skillnader." in capsys.readouterr().out
    html = tmp_path / "utgava.html"
    call_command("report", "vss", "2020-08", "--output", str(html), "--edition", "2")
    assert "Utgåva 2" in html.read_text()
    with pytest.raises(CommandError, match="finns inte"):
        call_command("report", "vss", "1999-08", "--check")
