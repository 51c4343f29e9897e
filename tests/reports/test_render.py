"""The renderers on a small report built by hand: no database needed."""

import io
import json
import zipfile
from decimal import Decimal

import docx
import openpyxl
import pytest

from tertial.core.formatting import normalise_spaces
from tertial.reports.excel import render_xlsx
from tertial.reports.html import render_html
from tertial.reports.tree import report_from_data, report_to_data
from tertial.reports.word import render_docx

from .htmlrows import captions, table_rows
from .sample import sample_report


@pytest.fixture(scope="module")
def report():
    return sample_report()


@pytest.fixture(scope="module")
def html(report):
    return render_html(report)


def test_tree_survives_json_exactly(report):
    data = report_to_data(report)
    again = report_from_data(json.loads(json.dumps(data)))
    assert report_to_data(again) == data
    assert again.tables()[0].cell("VSS ledning", "actual").value == Decimal("-272100")


def test_html_is_swedish_with_real_tables(html):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in html
    assert "<title>Delårsrapport januari–augusti 2020 – Verksamhetsstöd och service</title>" in html
    assert "Driftsammandrag, netto tkr" in captions(html)
    assert '<th scope="col" class="label">Verksamhet</th>' in html
    assert '<th scope="row" class="label indent-0">LKDATA</th>' in html
    assert ["Summa", "6 479", "1 343", "5 137", "12 708"] in table_rows(html)
    assert '<tr class="sum">' in html
    assert '<tr class="of-which"><th scope="row" class="label indent-1">varav kostnader' in html
    assert '<td class="num">−272</td>' in html  # a real minus sign, right-aligned
    assert "Avvikelse: redovisat − budget" in html


def test_text_is_markdown_and_sanitised(html):
    assert "<li>en punkt</li>" in html
    assert "<script>" not in html


def test_charts_have_alt_text_and_their_data_as_a_table(html, report):
    chart = report.charts()[0]
    assert f'alt="{chart.alt}"' in html
    assert chart.alt.startswith(
        "Nettoresultat per verksamhet. Liggande stapeldiagram med 4 kategorier"
    )
    assert "Redovisat jan–aug 2020: högst LKDATA 7 190 tkr" in normalise_spaces(chart.alt)
    assert html.count("<summary>Diagrammets data</summary>") == 2
    assert ["LKDATA", "7 190", "1 159", "12 976"] in table_rows(html)
    assert 'src="data:image/svg+xml;base64,' in html


def test_goal_status_in_words_and_symbol_not_colour_alone(html):
    assert "Bedömning: <strong>uppnås</strong>" in html
    assert "(systemets förslag: uppnås delvis)" in html
    assert '<span class="assessment assessment-met" aria-hidden="true">●</span>' in html


def test_fragment_for_the_web_has_no_page_around_it(report):
    fragment = render_html(report, standalone=False)
    assert fragment.lstrip().startswith('<article class="report" lang="sv">')
    assert "<style>" not in fragment


def _rows(sheet):
    """Data rows by their label, below the header row (the first row with a bold cell B)."""
    header = next(r for r in sheet.iter_rows() if r[1].value and r[1].font.bold)
    return {row[0].value: row for row in sheet.iter_rows(min_row=header[0].row + 1)}


def test_excel_numbers_are_numbers_and_missing_values_empty_with_a_note(report):
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert workbook.sheetnames == [
        "Driftsammandrag, netto tkr",
        "Nettoresultat per verksamhet",
        "Målområde Medarbetare",
        "Källor",
    ]
    sheet = workbook["Driftsammandrag, netto tkr"]
    rows = _rows(sheet)
    assert rows["LKDATA"][1].value == pytest.approx(7190.4)
    assert rows["LKDATA"][1].number_format == "#,##0"
    missing = rows["Upphandling & inköp"][4]
    assert missing.value is None and missing.comment.text.startswith("-: uppgiften finns inte")
    assert sheet.freeze_panes == "B4"
    indicators = workbook["Målområde Medarbetare"]
    values = _rows(indicators)
    assert values["Total sjukfrånvaro"][3].value == pytest.approx(4.3)
    assert values["Total sjukfrånvaro"][3].number_format == "#,##0.0"
    assert values["HME"][1].value is None and values["HME"][1].comment.text.startswith("I.U.")
    assert values["HME"][3].value == 68
    chart = _rows(workbook["Nettoresultat per verksamhet"])
    assert chart["LKDATA"][1].value == pytest.approx(7190.4)


def test_a_target_is_its_number_with_the_comparator_in_its_format():
    from tertial.core.tables import ColumnKind
    from tertial.reports.excel import number_format

    assert number_format(ColumnKind.TEXT, "≥ 92\u00a0%") == '"≥ "#,##0" %"'
    assert number_format(ColumnKind.TEXT, "<5 %") == '"<"#,##0" %"'
    assert number_format(ColumnKind.TEXT, "3,50") == "#,##0.00"
    assert number_format(ColumnKind.TEXT, "220\u00a0000") == "#,##0"
    assert number_format(ColumnKind.TEXT, "Nollresultat") == '"Nollresultat"'


def test_sheet_names_are_whole_words_from_short_titles():
    from tertial.reports.excel import sheet_name

    taken: set[str] = set()
    long = "Förvaltningens verksamheter, nettoresultat i prognosen för helår 2020"
    assert sheet_name(["", long], taken) == "Förvaltningens verksamheter"
    assert sheet_name(["Kort", long], taken) == "Kort"
    assert sheet_name([long], taken) == "Förvaltningens verksamheter 2"
    assert sheet_name(["Kvot: a/b [c]"], taken) == "Kvot a b c"


HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


def test_no_text_becomes_a_formula_in_excel(report):
    from tertial.core.tables import Cell, Column, ColumnKind, Row, Table
    from tertial.reports.tree import Section, TableBlock

    table = Table(
        "hostile",
        HOSTILE[0],
        [Column("name", "=1+1", ColumnKind.TEXT), Column("value", "@x", ColumnKind.NUMBER)],
        [Row(text, {"name": Cell(text), "value": Cell(text)}) for text in HOSTILE],
        caption="-caption",
        notes=["=note"],
    )
    hostile = sample_report()
    hostile.sections.append(Section("hostile", "=rubrik", 1, [TableBlock(table)]))
    data = render_xlsx(hostile)
    for name in zipfile.ZipFile(io.BytesIO(data)).namelist():
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read(name).decode()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    values = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row]
    for text in HOSTILE + ["=1+1", "-caption", "=note", "=rubrik"]:
        assert text in values
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)


def test_word_has_headings_real_tables_and_alt_text(report):
    data = render_docx(report)
    document = docx.Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 1", "Förvaltningens uppdrag") in headings
    assert ("Heading 2", "Resultat 31 augusti 2020") in headings
    assert ("Heading 3", "God service") in headings
    table = document.tables[0]
    summa = [normalise_spaces(c.text) for c in table.rows[-2].cells]
    assert summa == ["Summa", "6 479", "1 343", "5 137", "12 708"]
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'descr="Nettoresultat per verksamhet. Liggande stapeldiagram' in xml
    assert (
        "TOC \\o" in xml
        and " PAGE " in zipfile.ZipFile(io.BytesIO(data)).read("word/footer1.xml").decode()
    )
    assert document.core_properties.language == "sv-SE"


def test_word_template_keeps_its_cover_and_fills_placeholders(report, tmp_path):
    template = docx.Document()
    template.add_paragraph("{{ organisation }} – {{ title }}")
    template.sections[0].header.paragraphs[0].text = "Mallens sidhuvud"
    path = tmp_path / "mall.docx"
    template.save(path)
    document = docx.Document(io.BytesIO(render_docx(report, template=path)))
    assert document.paragraphs[0].text == (
        "Verksamhetsstöd och service – Delårsrapport januari–augusti 2020"
    )
    assert document.sections[0].header.paragraphs[0].text == "Mallens sidhuvud"
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)


def test_a_caption_does_not_repeat_its_sections_heading():
    from tertial.reports.html import table_view, under_heading

    from .sample import operating_summary

    view = table_view(operating_summary())
    assert under_heading(view, "Personal", "s-p-h") is view
    same = under_heading(view, "Driftsammandrag, netto tkr", "s-p-h")
    assert (same.caption, same.labelled_by) == ("", "s-p-h")
    shorter = under_heading(view, "Driftsammandrag", "s-p-h")
    assert (shorter.caption, shorter.labelled_by) == ("Netto tkr", "")


def test_targets_are_aligned_as_the_numbers_beside_them():
    from tertial.core.tables import Cell
    from tertial.reports.html import table_view

    from .sample import indicator_table

    indicators = indicator_table()
    assert table_view(indicators).columns[-1] == ("Målvärde", "", False)  # "3,5" as text
    indicators.rows[0].cells["target"] = Cell("3,5", Decimal("3.5"))
    assert table_view(indicators).columns[-1] == ("Målvärde", "", True)


def test_word_contents_find_each_heading_on_its_page_in_order():
    from tertial.reports.word import find_pages

    pages = [
        "Innehåll\nEkonomi ....... 2\nPersonal ...... 3",
        "Sidhuvud\nEkonomi\nText om personal och ekonomi.",
        "Sidhuvud\nEn lång rubrik som\nbryts över två rader\nPersonal",
    ]
    titles = [("a", "Ekonomi"), ("b", "En lång rubrik som bryts över två rader"), ("c", "Personal")]
    assert find_pages(["", *pages[1:]], titles) == {"a": 2, "b": 3, "c": 3}


def test_word_without_libreoffice_asks_word_to_fill_in_the_contents(report):
    data = render_docx(report, paginate=False)
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    assert "updateFields" in settings


def test_a_working_copy_in_word_says_so():
    from dataclasses import replace

    working = replace(sample_report(), working_copy=True)
    document = docx.Document(io.BytesIO(render_docx(working, paginate=False)))
    assert any(p.text.startswith("Arbetskopia:") for p in document.paragraphs)
    plain = docx.Document(io.BytesIO(render_docx(sample_report(), paginate=False)))
    assert not any(p.text.startswith("Arbetskopia:") for p in plain.paragraphs)
