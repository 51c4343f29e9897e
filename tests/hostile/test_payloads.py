"""Hostile names and texts in every format the report is written in: shown as text, never
as markup, and every renderer finishes."""

import io
import zipfile

import pytest

from tertial.narrative.services import save_decision_event
from tertial.reports.build import build_report
from tertial.reports.services import render
from tests.hostile.corpus import NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_report(period_2020_08):
    units = list(period_2020_08.fiscal_year.organisation.units.order_by("pk")[: len(NAMES)])
    for unit, name in zip(units, NAMES, strict=False):
        unit.name = name[:200]
        unit.save(update_fields=["name"])
    for name in NAMES:
        save_decision_event(
            period_2020_08, event=None, kind="event", date=None, text=name, actor=None
        )
    return build_report(period_2020_08)


def test_hostile_names_are_text_in_html_and_word(hostile_report):
    html = render(hostile_report, "html").decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    with zipfile.ZipFile(io.BytesIO(render(hostile_report, "docx"))) as docx:
        document = docx.read("word/document.xml").decode()
    assert "&lt;script&gt;" in document and "&lt;w:p/&gt;" in document


def test_hostile_names_leave_the_workbook_and_pdf_readable(hostile_report):
    import openpyxl
    import pypdf

    workbook = openpyxl.load_workbook(io.BytesIO(render(hostile_report, "xlsx")))
    assert workbook.sheetnames
    pdf = pypdf.PdfReader(io.BytesIO(render(hostile_report, "pdf")))
    assert len(pdf.pages) > 1
