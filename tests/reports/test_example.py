"""The report of the example (examples/vss-2020) against the reference report."""

import glob
import importlib.util
import io
import json
import shutil
import subprocess
import sys
import zipfile

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from tertial.core.formatting import normalise_spaces
from tertial.organisation.models import Period
from tertial.reports.build import build_report
from tertial.reports.checks import ERROR, run_checks
from tertial.reports.excel import render_xlsx
from tertial.reports.html import render_html
from tertial.reports.pdf import render_pdf
from tertial.reports.word import render_docx

from .htmlrows import table_rows

# Every test here reads the example from the test database (the report is built once for the
# module); the mark makes pytest-django set that database up even when one test runs alone.
pytestmark = pytest.mark.django_db

# Every table row of the reference with its figures, as printed (hyphen for minus).
REFERENCE_ROWS = [
    # Ekonomi, belopp tkr
    ["Verksamhetens nettokostnader", "2 600", "0", "2 600"],
    ["varav nettokostnader för coronapandemin", "-", "-", "-"],
    ["varav kostnader", "297 560", "294 028", "3 532"],
    ["varav intäkter", "300 160", "294 028", "6 132"],
    ["Investeringar, netto", "60 000", "45 000", "15 000"],
    # Basuppdrag
    ["Ärenden Kontakt Linköping", "250 000", "166 760", "N/A"],
    ["Varav chatt", "5 000", "2 175", "N/A"],
    ["Ärenden LKDATA support", "70 000", "42 253", "40 578"],
    ["Ärenden Stadsarkivet", "700", "463", "373"],
    # Personal
    ["Antal tillsvidare anställda", "195", "170", "-"],
    ["Total sjukfrånvaro", "4,3", "3,8", "3,5"],
    ["Extern personalomsättning", "6,7", "5,3", "6,0"],
    # Driftsammandrag: Resultat 31 augusti 2020
    ["VSS ledning", "-272", "0", "-272", "-203"],
    ["Upphandling & inköp", "-38", "0", "-38", "-"],
    ["Ekonomiservice", "-401", "184", "-585", "-65"],
    ["HR service", "378", "270", "108", "433"],
    ["Kontakt Linköping", "2 532", "0", "2 532", "2 787"],
    ["Stadsarkivet", "127", "0", "127", "87"],
    ["eLärandeCenter", "-1 030", "0", "-1 030", "-"],
    ["LKDATA", "7 190", "1 159", "6 031", "12 976"],
    ["Summa", "8 486", "1 613", "6 874", "16 015"],
    # Prognos resultat 2020
    ["VSS ledning", "-1 100", "0", "-1 100", "-2 356"],
    ["Upphandling & inköp", "-100", "0", "-100", "-"],
    ["Ekonomiservice", "-500", "0", "-500", "-476"],
    ["HR service", "200", "0", "200", "-232"],
    ["Kontakt Linköping", "800", "0", "800", "5 027"],
    ["Stadsarkivet", "0", "0", "0", "-24"],
    ["eLärandeCenter", "-700", "0", "-700", "-"],
    ["LKDATA", "4 000", "0", "4 000", "15 362"],
    ["Summa nettokostnader, tkr", "2 600", "0", "2 600", "17 301"],
    ["varav kostnader", "297 560", "294 028", "3 532", "254 067"],
    ["varav intäkter", "300 160", "294 028", "6 132", "271 368"],
    # Investeringar
    ["IT-utrustning", "28 564", "0", "60 000", "0", "60 000", "45 000", "15 000"],
    ["varav utgifter", "28 564", "0", "60 000", "0", "60 000", "45 000", "15 000"],
    ["varav inkomster", "0", "0", "0", "0", "0", "0", "0"],
    # Nämndindikatorer
    ["Kontakt Linköping", "I.U.", "I.U.", "4,1", ""],
    ["LKDATA", "I.U.", "I.U.", "95 %", "90 %"],
    [
        "Svarsservice (Kontakt Linköping). Andel (%) inom 120 sekunder.",
        "I.U.",
        "90 %",
        "91 %",
        "92 %",
    ],
    [
        "Låg frekvens av tappade samtal (Kontakt Linköping). Andel (%) tappade samtal av samtliga "
        "samtal.",
        "I.U.",
        "6,5 %",
        "5,2 %",
        "<5 %",
    ],
    ["Svarsservice HR direkt", "I.U.", "I.U.", "100 %", "90 %"],
    ["Studiebesök", "30", "29", "24", "90"],
    ["Forskarbesök", "40", "74", "8", "30"],
    [
        "Avtalstrohet (%). Andel (%) av förvaltningens inköp som sker utifrån avtalade "
        "leverantörer.",
        "I.U.",
        "I.U.",
        "74 % (leverantörstrohet)",
        "90 %",
    ],
    ["Förvaltningens resultat", "I.U.", "I.U.", "8 486 tkr", "Nollresultat"],
    ["Stadsarkivet", "593", "598", "463", "700"],
    ["HR Direkt", "I.U.", "I.U.", "1 452", "1 600"],
    ["HR Service rekryteringar", "I.U.", "I.U.", "154", "220"],
    ["LKDATA - support", "I.U.", "59 187", "42 357", "65 000"],
    ["Antal utvecklade nya tjänster.", "I.U.", "I.U.", "1", "4"],
    ["HR service", "I.U.", "I.U.", "2,11", "2,0"],
    ["Kontakt Linköping", "I.U.", "I.U.", "43,3 %", ""],
    ["Andel (%) ärenden som går via chatt inom Kontakt Linköping", "I.U.", "I.U.", "2,2 %", "5 %"],
    ["Total sjukfrånvaro", "6,2", "3,8", "4,3", "3,5"],
    ["Män", "4,8", "3,8", "2,7", ""],
    ["Kvinnor", "7,6", "3,7", "5,6", ""],
    ["Andel heltidsanställningar", "98,6", "98,8", "99", "99"],
    ["Hållbart medarbetarengagemang (HME)", "I.U.", "I.U.", "68", "78"],
    ["Chefers sjukfrånvaro", "0,9", "2,0", "6,4", "2,0"],
    ["Män", "0,91", "2,23", "0,79", ""],
    ["Kvinnor", "0,74", "1,82", "10,54", ""],
    ["Extern personalomsättning", "2,1", "5,3", "6,7", "6,0"],
    ["Mertid övertid", "0,3", "0,2", "0,3", "0,2"],
]
GOALS = {
    "God service": "uppnås",
    "God kundsamverkan": "uppnås delvis",
    "God styrning av tjänsteproduktion": "uppnås delvis",
    "Hög digitaliseringsgrad": "uppnås",
    "Korrekta och effektiva inköp": "uppnås ej",
    "God ekonomisk kontroll": "uppnås",
    "Goda arbetsplatser": "uppnås delvis",
    "Framgångsrikt chef- och ledarskap": "uppnås delvis",
    "Nya vägar för (tryggad) kompetensförsörjning": "uppnås",
}


@pytest.fixture(scope="module")
def example(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        period = Period.objects.get(fiscal_year__organisation__slug="vss", key="2020-08")
        return build_report(period)


@pytest.fixture(scope="module")
def html(example):
    return render_html(example)


def _contains_row(rows, expected):
    """A row that starts with the label (after any leading goal cell) and holds the figures."""
    for row in rows:
        if expected[0] not in row:
            continue
        start = row.index(expected[0])
        if row[start : start + len(expected)] == expected:
            return True
    return False


@pytest.mark.parametrize("expected", REFERENCE_ROWS, ids=lambda r: r[0][:40])
def test_html_holds_every_reference_row(html, expected):
    assert _contains_row(table_rows(html), expected)


def test_html_holds_every_board_goal_with_its_assessment_in_words(html):
    rows = table_rows(html)
    for goal, words in GOALS.items():
        symbol = {"uppnås": "●", "uppnås delvis": "◐", "uppnås ej": "○"}[words]
        assert any(row[1:3] == [goal, f"{symbol} {words}"] for row in rows), goal
        assert f'<h5>{goal}</h5>\n<p class="goal-assessment">' in html
    assert html.count("Bedömning: <strong>uppnås delvis</strong>") == 4


def test_html_holds_the_texts_decisions_and_plans(html):
    text = normalise_spaces(html)
    assert "Verksamhetsstöd och service redovisar ett positivt resultat med 8 486 tkr" in text
    assert '<h3 id="s-decisions_events-h">' not in text  # level-1 sections are h2
    assert '<h2 id="s-decisions_events-h">Viktiga beslut och händelser</h2>' in text
    assert "Affärsmodell för internservice är beslutad av kommundirektören." in text
    assert "10-årig lokalförsörjningsplan" in text
    assert '<h4 id="s-result_to_date-h">Resultat 31 augusti 2020</h4>' in text


def test_charts_of_the_reference_and_trends(example):
    charts = {c.key: c for c in example.charts()}
    net = charts["net_result_per_unit"]
    assert net.categories[-1] == "LKDATA" and [s.label for s in net.series] == [
        "Prognos 2020",
        "Bokslut 2019",
    ]
    assert "revenue_by_kind" in charts and "cost_by_kind" in charts
    sick = next(c for c in example.charts() if c.title == "Total sjukfrånvaro")
    assert [s.label for s in sick.series] == ["Totalt", "Män", "Kvinnor"]
    assert sick.kind == "trend"
    assert "Totalt: högst 2018 6,2, lägst 2019 3,8." in normalise_spaces(sick.alt)


def test_pdf_is_tagged_a4_swedish_with_bookmarks(example):
    reader = PdfReader(io.BytesIO(render_pdf(example)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert (
        reader.metadata.title == "Delårsrapport januari–augusti 2020 – Verksamhetsstöd och service"
    )
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Förvaltningens uppdrag" in titles and "Uppföljning av nämndindikatorer" in titles
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert len(reader.pages) > 10
    contents = normalise_spaces(reader.pages[1].extract_text())
    assert "Innehåll" in contents and "Förvaltningens uppdrag" in contents
    figures = _structure_elements(root["/StructTreeRoot"], "/Figure")
    assert len(figures) == len(example.charts())
    assert all(
        str(figure["/Alt"]).startswith(chart.title)
        for figure, chart in zip(figures, example.charts(), strict=True)
    )


def _structure_elements(node, kind):
    """The elements of one kind in a PDF's structure tree, in reading order."""
    node = node.get_object()
    if isinstance(node, list):
        return [found for child in node for found in _structure_elements(child, kind)]
    if not hasattr(node, "get"):
        return []
    found = [node] if node.get("/S") == kind else []
    if "/K" in node:
        found += _structure_elements(node["/K"], kind)
    return found


@pytest.fixture(scope="module")
def word(example):
    return render_docx(example)


def test_word_tables_read_back_with_the_reference_figures(word):
    document = docx.Document(io.BytesIO(word))
    rows = [
        [normalise_spaces(cell.text) for cell in row.cells]
        for table in document.tables
        for row in table.rows
    ]
    for expected in REFERENCE_ROWS:
        assert _contains_row(rows, expected), expected
    headings = {
        p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")
    }
    assert headings["Förvaltningens uppdrag"] == "Heading 1"
    assert headings["Driftsammandrag"] == "Heading 2"
    assert headings["Resultat 31 augusti 2020"] == "Heading 3"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_converts_the_word_file(word, tmp_path):
    source = tmp_path / "rapport.docx"
    source.write_bytes(word)
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    converted = PdfReader(tmp_path / "rapport.pdf")
    assert len(converted.pages) > 10
    text = normalise_spaces("".join(page.extract_text() for page in converted.pages[:12]))
    assert "Driftsammandrag" in text and "8 486" in text
    # The contents carry the page each section begins on, as LibreOffice lays the file out.
    contents = [line for line in converted.pages[1].extract_text().splitlines() if ".." in line]
    assert len(contents) >= 15
    for line in contents:
        title, page = line.split("..", 1)[0].strip(), int(line.rstrip(". ").rsplit(".", 1)[-1])
        page_lines = [
            " ".join(t.split()) for t in converted.pages[page - 1].extract_text().splitlines()
        ]
        assert any(t.startswith(title[:40]) for t in page_lines), (title, page)
    footer = normalise_spaces(converted.pages[2].extract_text())
    assert f"Sida 3 av {len(converted.pages)}" in footer
    settings = zipfile.ZipFile(io.BytesIO(word)).read("word/settings.xml").decode()
    assert "updateFields" not in settings  # nothing asks to update fields on opening


def test_excel_cells_are_numbers_and_every_table_and_chart_has_a_sheet(example):
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(example)))
    bar_charts = [c for c in example.charts() if c.kind == "bars"]
    assert len(workbook.sheetnames) == len(example.tables()) + len(bar_charts) + 1
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    assert not any(name.endswith(")") for name in workbook.sheetnames)
    assert {"Måluppfyllelse", "Hållbar ekonomi", "Kostnadseffektiv verksamhet"} <= set(
        workbook.sheetnames
    )
    sheet = workbook["Driftsammandrag, netto tkr"]
    rows = {row[0].value: [c.value for c in row[1:]] for row in sheet.iter_rows(min_row=5)}
    assert [round(v) for v in rows["Summa"]] == [8486, 1613, 6874, 16015]
    assert rows["eLärandeCenter"][3] is None
    assert all(isinstance(v, float | int) for v in rows["LKDATA"])
    header = next(r for r in sheet.iter_rows() if r[1].value)
    assert [c.value for c in header].count("Verksamhet") <= 1
    personnel = {row[0].value: row for row in workbook["Personal"].iter_rows(min_row=4)}
    target = personnel["Total sjukfrånvaro"][3]
    assert target.value == 3.5 and target.number_format == "#,##0.0"
    sources = [[c.value for c in row] for row in workbook["Källor"].iter_rows(min_row=5)]
    assert len(sources) == len(workbook.sheetnames) - 1
    assert any("huvudboken" in row[3] for row in sources)


# LibreOffice's spreadsheet (Debian: libreoffice-calc-nogui), not only its word processor.
HAS_CALC = shutil.which("soffice") is not None and bool(
    glob.glob("/usr/lib*/libreoffice/program/libsclo.so")
    + glob.glob("/opt/libreoffice*/program/libsclo.so")
)


@pytest.mark.skipif(not HAS_CALC, reason="LibreOffice Calc is not installed")
def test_a_formula_sums_a_target_column_in_libreoffice(example, tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(example)))
    sheet = workbook["Personal"]
    column = next(c for c in next(r for r in sheet.iter_rows() if r[1].value) if c.value)
    header = next(r for r in sheet.iter_rows() if r[1].value)
    target = next(c for c in header if c.value == "Målvärde helår")
    below = sheet.max_row + 2
    letter = target.column_letter
    sheet[f"A{below}"] = f"=SUM({letter}{column.row + 1}:{letter}{below - 2})"
    source = tmp_path / "rapport.xlsx"
    workbook.save(source)
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,"
            + str(workbook.sheetnames.index("Personal") + 1),
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "rapport-Personal.csv").read_text(encoding="utf-8").splitlines()
    assert lines[-1].split(",")[0] in ("9.5", "9,5")  # 3,5 + 6,0; "-" is an empty cell


def test_checks_find_the_reference_inconsistencies(period_2020_08):
    findings = run_checks(period_2020_08)
    errors = [f for f in findings if f.severity == ERROR]
    assert [f.code for f in errors] == ["same_as"]
    assert "42 357" in normalise_spaces(errors[0].message)
    assert "42 253" in normalise_spaces(errors[0].message)
    instagram = [f for f in findings if f.code == "text_figures"]
    assert len(instagram) == 1 and "320" in instagram[0].message and "350" in instagram[0].message
    assert not [f for f in findings if "8 486" in normalise_spaces(f.message)]
    assert not [f for f in findings if f.code == "sum"]
    missing = [f for f in findings if f.code == "indicator_value"]
    assert any(f.where.endswith("Attraktiv arbetsgivarindex (AVI)") for f in missing)


def test_an_organisation_definition_changes_the_report(period_2020_08, vss):
    vss.settings = {
        **vss.settings,
        "report": {
            "title": "Tertialrapport {year}",
            "cover": False,
            "sections": ["economy", {"use": "mission", "title": "Uppdraget"}],
        },
    }
    vss.save()
    report = build_report(Period.objects.get(pk=period_2020_08.pk))
    assert report.title == "Tertialrapport 2020"
    assert [s.title for s in report.sections] == ["Ekonomi", "Uppdraget"]
    assert '<header class="cover">' not in render_html(report)


def test_a_period_with_less_data_leaves_out_what_it_lacks():
    period = Period.objects.get(fiscal_year__organisation__slug="vss", key="2020-04")
    report = build_report(period)
    assert report.title == "Tertialrapport januari–april 2020"
    keys = [s.key for s in report.sections]
    assert "mission" not in keys  # the example has no texts for April
    assert "result_to_date" in keys and "operating_summary" in keys
    operating = next(t for t in report.tables() if t.key == "operating_summary")
    assert operating.title == "Driftsammandrag, netto tkr"
    assert "Resultat 30 april 2020" in render_html(report)


def test_the_published_report_is_the_boards_without_the_systems_proposals(example, html):
    overview = next(t for t in example.tables() if t.key == "goal-overview")
    assert [c.label for c in overview.columns] == ["Målområde", "Nämndmål", "Bedömning"]
    assert all(set(row.cells) == {"perspective", "goal", "assessment"} for row in overview.rows)
    assert not any(goal.proposal for goal in example.goals())
    for text in ("Systemets förslag", "systemets förslag", "Avviker från förslaget"):
        assert text not in html
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(example)))
    cells = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not any("förslag" in str(value) for value in cells if value)


def test_a_working_copy_and_a_definition_that_asks_show_the_proposals(period_2020_08, vss):
    working = build_report(period_2020_08, working_copy=True)
    overview = next(t for t in working.tables() if t.key == "goal-overview")
    assert "Systemets förslag" in [c.label for c in overview.columns]
    page = render_html(working, standalone=False)
    assert "Arbetskopia" in page and "systemets förslag:" in page
    vss.settings = {**vss.settings, "report": {"proposals": True}}
    vss.save()
    asked = build_report(Period.objects.get(pk=period_2020_08.pk))
    assert not asked.working_copy and any(goal.proposal for goal in asked.goals())
    assert "Avviker från förslaget" in render_html(asked)


@pytest.fixture(scope="module")
def pdf(example):
    return render_pdf(example)


def test_every_pdf_table_header_carries_its_scope_and_the_cover_hides_nothing(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    headers = _structure_elements(reader.trailer["/Root"]["/StructTreeRoot"], "/TH")
    assert len(headers) > 100
    assert {str(h["/A"]["/Scope"]) for h in headers} == {"/Column", "/Row"}
    cover = reader.pages[0].extract_text()
    assert "Sida" not in cover and " av " not in cover
    assert (
        normalise_spaces(reader.pages[2].extract_text())
        .rstrip()
        .endswith(f"Sida 3 av {len(reader.pages)}")
    )


@pytest.mark.skipif(
    importlib.util.find_spec("pdfua") is None, reason="the pdfua checker is not installed"
)
def test_an_independent_pdf_ua_checker_finds_nothing(pdf, tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = json.loads(result.stdout)
    assert found["findings"] == [], found["findings"]
    assert found["summary"]["rules_run"] >= 11


def test_the_contents_name_each_section_once_and_no_caption_repeats_its_heading(example, html):
    from tertial.reports.html import toc_entries

    titles = [s.title for s in toc_entries(example)]
    assert len(titles) == len(set(titles))
    assert "<caption>Personal</caption>" not in html
    assert 'aria-labelledby="s-personnel-h"' in html
    assert "<caption>Belopp tkr</caption>" in html
    text = normalise_spaces(html)
    assert "220 000" in text and "220000" not in text


def test_word_small_headings_look_alike_at_every_depth_and_follow_the_structure(word):
    document = docx.Document(io.BytesIO(word))
    small = [p for p in document.paragraphs if p.style.name == "Avsnittsrubrik"]
    analysis = [p for p in small if p.text == "Analys och kommentar"]
    assert len(analysis) >= 3
    levels = {
        p._p.pPr.find(docx.oxml.ns.qn("w:outlineLvl")).get(docx.oxml.ns.qn("w:val"))
        for p in analysis
    }
    assert len(levels) > 1  # one below its section, whichever that is
    assert not [
        p
        for p in document.paragraphs
        if p.style.name.startswith("Heading") and p.text == "Analys och kommentar"
    ]


def test_investment_headers_are_grouped_instead_of_wrapping(html, word):
    assert '<th scope="colgroup" colspan="3" class="group num">Prognos 2020</th>' in html
    assert '<th scope="col" class="num">inkomster</th>' in html
    document = docx.Document(io.BytesIO(word))
    investments = next(t for t in document.tables if "IT-utrustning" in t.rows[3].cells[0].text)
    assert [c.text for c in investments.rows[1].cells][1:6] == [
        "utgifter",
        "inkomster",
        "utgifter",
        "inkomster",
        "netto",
    ]
