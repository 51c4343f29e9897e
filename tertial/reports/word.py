"""The Word (.docx) report, editable and built on the organisation's own template if it has one.

Headings use Word's Heading 1–6 styles (navigation pane, table of contents), tables are real
Word tables whose header row repeats on every page, charts are PNG pictures with their alt
text in the drawing's description. With a template, its styles, cover, headers and footers are
kept and the report is added after its content; placeholders in it ({{ title }},
{{ organisation }}, …) are filled with docxtpl first.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tertial.core.markdown import markdown_to_html, without_controls
from tertial.reports import charts as chart_drawing
from tertial.reports.html import chart_data_view, table_view, toc_entries, under_heading
from tertial.reports.language import in_report_language
from tertial.reports.tree import (
    ASSESSMENT_LEGEND,
    ASSESSMENT_SYMBOLS,
    Chart,
    ChartBlock,
    ChartGroup,
    GoalFollowUpBlock,
    ItemList,
    Report,
    TableBlock,
    TextBlock,
)

LANGUAGE = "sv-SE"
BLOCK_TITLE_STYLE = "Avsnittsrubrik"
LIBREOFFICE_TIMEOUT = 120  # seconds; a report lays out in well under ten


# --- low-level helpers ---------------------------------------------------------------------


def _fld_char(paragraph, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")  # Word recomputes the field when it opens the file
    paragraph.add_run()._r.append(element)


def _field_start(paragraph, instruction: str) -> None:
    _fld_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _fld_char(paragraph, "separate")


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES) with the text shown until Word computes it."""
    _field_start(paragraph, instruction)
    paragraph.add_run(placeholder)
    _fld_char(paragraph, "end")


def _set_language(document) -> None:
    """Swedish as the document's language, for spelling and screen readers."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


def _update_fields_on_open(document) -> None:
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        element = OxmlElement("w:updateFields")
        element.set(qn("w:val"), "true")
        settings.append(element)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    trpr.append(element)


def _header_text(cell, label: str, numeric: bool, *, centred: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.add_run(without_controls(label)).bold = True
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _style_ids(document) -> dict[str, str]:
    """Style names to ids, read once: python-docx looks a name up by scanning every style."""
    return {style.name: style.style_id for style in document.styles if style.name}


def _add_paragraph(container, text: str = "", style_id: str | None = None):
    paragraph = container.add_paragraph(without_controls(text))
    if style_id:
        paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


# --- Markdown (already sanitised HTML) into paragraphs ----------------------------------------


class _HtmlToWord(HTMLParser):
    """Paragraphs, bullet lists and bold/italic of the sanitised text HTML, as Word paragraphs."""

    def __init__(self, container, bullet_style: str | None):
        super().__init__(convert_charrefs=True)
        self.container = container
        self.bullet_style = bullet_style
        self.paragraph = None
        self.bold = 0
        self.italic = 0
        self.list_depth = 0

    def _new(self, style: str | None = None):
        self.paragraph = _add_paragraph(self.container, "", style)

    def handle_starttag(self, tag, attrs):
        if tag == "p" and self.list_depth == 0:
            self._new()
        elif tag in ("ul", "ol"):
            self.list_depth += 1
        elif tag == "li":
            self._new(self.bullet_style)
        elif tag == "strong":
            self.bold += 1
        elif tag == "em":
            self.italic += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.list_depth -= 1
            self.paragraph = None
        elif tag in ("p", "li"):
            self.paragraph = None if self.list_depth == 0 or tag == "li" else self.paragraph
        elif tag == "strong":
            self.bold -= 1
        elif tag == "em":
            self.italic -= 1

    def handle_data(self, data):
        if not data.strip() and self.paragraph is None:
            return
        if self.paragraph is None:
            self._new()
        run = self.paragraph.add_run(data.replace("\n", " "))
        run.bold = self.bold > 0 or None
        run.italic = self.italic > 0 or None


# --- the writer ----------------------------------------------------------------------------


class _Writer:
    def __init__(
        self,
        document,
        report: Report,
        *,
        own_template: bool,
        pages: dict[str, int] | None = None,
        page_count: int | None = None,
    ):
        self.document = document
        self.report = report
        self.own_template = own_template
        self.pages = pages
        self.page_count = page_count
        self.styles = _style_ids(document)
        if BLOCK_TITLE_STYLE not in self.styles:
            style = document.styles.add_style(BLOCK_TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            style.font.bold = True
            style.font.size = Pt(11)
            style.font.color.rgb = RGBColor(0x0B, 0x3D, 0x6B)
            style.paragraph_format.space_before = Pt(10)
            style.paragraph_format.space_after = Pt(3)
            self.styles[BLOCK_TITLE_STYLE] = style.style_id
        self.bullet = self.styles.get("List Bullet")
        self.caption = self.styles.get("Caption")
        self.table_style = "Table Grid" if "Table Grid" in self.styles else ""

    def para(self, text: str = "", style: str | None = None):
        """A paragraph in the named style (the document's default style when it has none)."""
        return _add_paragraph(self.document, text, self.styles.get(style) if style else None)

    def block_title(self, text: str, level: int) -> None:
        """A small heading within a section ("Väsentliga avvikelser", "Analys och kommentar"):
        one look wherever it stands, its outline level one below its section's, and not in the
        contents, which list the sections alone."""
        paragraph = self.para(text, BLOCK_TITLE_STYLE)
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(min(level, 9) - 1))
        paragraph._p.get_or_add_pPr().append(outline)
        _keep_with_next(paragraph)

    def heading(self, text: str, level: int) -> None:
        self.para(text, f"Heading {min(max(level, 1), 9)}")

    def markdown(self, text: str) -> None:
        parser = _HtmlToWord(self.document, self.bullet)
        parser.feed(markdown_to_html(text))
        parser.close()

    def cover(self) -> None:
        r = self.report
        doc = self.document
        for _blank in range(6):
            self.para()
        self.para(r.municipality.upper())
        self.para(r.title, "Title")
        self.para(r.organisation + (f" ({r.short_name})" if r.short_name else ""), "Subtitle")
        if r.board:
            self.para(r.board)
        if r.edition:
            self.para(_("Utgåva %(number)s") % {"number": r.edition})
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def toc(self) -> None:
        """A TOC field whose result already lists the sections with their pages, so that the
        contents are complete when the file is opened, in Word and in LibreOffice alike.

        The pages come from laying the file out once with LibreOffice (``_paginate``); without
        it the entries have no page and Word is asked to update the field on opening."""
        doc = self.document
        self.para(_("Innehåll"), "TOC Heading")
        entries = toc_entries(self.report)
        section_format = self.document.sections[-1]
        try:
            width = (
                section_format.page_width - section_format.left_margin - section_format.right_margin
            )
        except TypeError:  # a template that leaves the page size to Word's default
            width = Cm(16)
        for index, section in enumerate(entries):
            paragraph = self.para("", f"toc {section.level}")
            if index == 0:
                _field_start(paragraph, 'TOC \\o "1-2" \\h \\z')
            paragraph.add_run(without_controls(section.title))
            page = self.pages.get(section.anchor) if self.pages else None
            if page is not None:
                paragraph.paragraph_format.tab_stops.add_tab_stop(
                    width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
                )
                paragraph.add_run(f"\t{page}")
            paragraph.paragraph_format.left_indent = Cm(0.6 * (section.level - 1))
            paragraph.paragraph_format.space_after = Pt(2)
        if entries:
            _fld_char(paragraph, "end")
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def header_footer(self) -> None:
        r = self.report
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.text = without_controls(f"{r.organisation}\t\t{r.title}")
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run(_("Sida") + " ")
        _field(footer, "PAGE", "1")
        footer.add_run(" " + _("av") + " ")
        _field(footer, "NUMPAGES", str(self.page_count or 1))

    def table(self, view) -> None:
        doc = self.document
        if view.caption:
            caption = self.para(view.caption, "Caption")
            if view.subcaption:
                caption.add_run(without_controls(f" {view.subcaption}"))
            _keep_with_next(caption)
        columns = len(view.columns) + 1
        table = doc.add_table(rows=1, cols=columns)
        if self.table_style:
            table.style = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = table.rows[0]
        _repeat_header(header)
        if view.groups:
            self.grouped_header(table, view)
        else:
            heads = view.columns_before + [(view.label_heading, "", False)] + view.columns_after
            for cell, (label, _note, is_numeric) in zip(header.cells, heads, strict=True):
                _header_text(cell, label, is_numeric)
        for row in view.rows:
            cells = table.add_row().cells
            bold = row.css in ("sum", "group") or None
            label = cells[row.label_position].paragraphs[0]
            label_run = label.add_run(without_controls(row.label))
            label_run.bold = bold
            label_run.italic = row.css in ("of-which", "sub") or None
            if row.indent:
                label.paragraph_format.left_indent = Cm(0.4 * row.indent)
            value_cells = cells[: row.label_position] + cells[row.label_position + 1 :]
            for cell, value in zip(value_cells, row.cells, strict=True):
                paragraph = cell.paragraphs[0]
                text = value.text
                if value.status_words and value.status_words != value.text:
                    text = f"{text} ({value.status_words})"
                if value.symbol:
                    text = f"{value.symbol} {text}"
                paragraph.add_run(without_controls(text)).bold = bold
                if value.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.column_widths(table, view)
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)
        for note in view.notes:
            doc.add_paragraph(without_controls(note)).runs[0].font.size = Pt(8)
        doc.add_paragraph()

    def column_widths(self, table, view) -> None:
        """The row labels as wide as they need (within a third of the page), the figures
        sharing the rest: equal columns leave "varav inkomster" three lines high."""
        count = len(view.columns) + 1
        if count < 3:
            return
        total = 16.6
        longest = max((len(row.label) + 2 * row.indent for row in view.rows), default=10)
        label = min(total / 3, max(2.5, 0.19 * longest))
        figure = (total - label) / (count - 1)
        table.autofit = False
        widths = [Cm(label if i == view.label_position else figure) for i in range(count)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid, which LibreOffice reads
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                cell.width = Cm(label if index == view.label_position else figure)

    def grouped_header(self, table, view) -> None:
        """Two header rows: a group's words once over its columns, the columns' own below."""
        first, second = table.rows[0], table.add_row()
        _repeat_header(second)
        first.cells[0].merge(second.cells[0])
        _header_text(first.cells[0], view.label_heading, False)
        index, subs = 1, iter(view.sub_labels)
        for label, span, numeric in view.groups:
            if span == 1:
                cell = first.cells[index].merge(second.cells[index])
                _header_text(cell, label, numeric)
            else:
                cell = first.cells[index].merge(first.cells[index + span - 1])
                _header_text(cell, label, False, centred=True)
                for offset in range(span):
                    sub, sub_numeric = next(subs)
                    _header_text(second.cells[index + offset], sub, sub_numeric)
            index += span

    def chart(self, chart: Chart, width_cm: float = 16.0) -> None:
        doc = self.document
        png = chart_drawing.render_png(chart)
        paragraph = doc.add_paragraph()
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(png), width=Cm(width_cm))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", chart.alt)
        doc_pr.set("title", chart.title)
        _keep_with_next(paragraph)
        self.para(chart.title, "Caption")
        if chart.kind != "trend":
            self.table(chart_data_view(chart))

    def goals(self, block: GoalFollowUpBlock, level: int) -> None:
        doc = self.document
        doc.add_paragraph(_("Symbolerna anger bedömningen:"))
        for value, words in ASSESSMENT_LEGEND:
            self.para(f"{ASSESSMENT_SYMBOLS[value]} {words}", "List Bullet")
        for perspective in block.perspectives:
            self.heading(perspective.title, level + 1)
            for goal in perspective.goals:
                self.heading(goal.name, level + 2)
                paragraph = doc.add_paragraph(f"{goal.symbol} {_('Bedömning:')} ".lstrip())
                paragraph.add_run(goal.label or _("ej bedömd")).bold = True
                if goal.proposal and goal.proposal != goal.value:
                    paragraph.add_run(f" ({_('systemets förslag:')} {goal.proposal_label})")
                self.markdown(goal.justification)
                for item in goal.items:
                    parser = _HtmlToWord(doc, self.bullet)
                    parser.paragraph = self.para("", "List Bullet")
                    parser.list_depth = 1
                    parser.feed(
                        markdown_to_html(item.text).removeprefix("<p>").removesuffix("</p>")
                    )
                    parser.close()

    def body(self) -> None:
        for section in self.report.sections:
            self.heading(section.title, section.level)
            for block in section.blocks:
                match block:
                    case TextBlock():
                        if block.title:
                            self.block_title(block.title, section.level + 1)
                        self.markdown(block.markdown)
                    case TableBlock():
                        self.table(under_heading(table_view(block.table), section.title, ""))
                    case ChartBlock():
                        self.chart(block.chart)
                    case ChartGroup():
                        if block.title:
                            self.block_title(block.title, section.level + 1)
                        for chart in block.charts:
                            self.chart(chart, width_cm=8.0)
                    case ItemList():
                        if block.title:
                            self.block_title(block.title, section.level + 1)
                        for item in block.items:
                            self.para(item, "List Bullet")
                    case GoalFollowUpBlock():
                        self.goals(block, section.level)

    def write(self) -> None:
        doc = self.document
        r = self.report
        properties = doc.core_properties
        properties.title = f"{r.title} – {r.organisation}"
        properties.author = r.organisation
        properties.subject = r.title
        properties.language = LANGUAGE
        _set_language(doc)
        if self.pages is None:
            _update_fields_on_open(doc)
        if not self.own_template:
            section = doc.sections[0]
            section.page_width, section.page_height = Cm(21.0), Cm(29.7)
            section.left_margin = section.right_margin = Cm(2.2)
            normal = doc.styles["Normal"]
            normal.font.name = "Liberation Sans"
            normal.font.size = Pt(10)
            for level in range(1, 4):
                doc.styles[f"Heading {level}"].font.color.rgb = RGBColor(0x0B, 0x3D, 0x6B)
            self.header_footer()
        elif doc.paragraphs and doc.paragraphs[-1].text.strip():
            # The template's cover ends where the report begins, on a page of its own.
            doc.add_section(WD_SECTION.NEW_PAGE)
        if r.cover and not self.own_template:
            self.cover()
        if r.working_copy:
            self.para(
                _(
                    "Arbetskopia: systemets förslag till bedömning visas här för den som "
                    "bedömer, men inte i den publicerade rapporten."
                )
            ).runs[0].bold = True
        if r.toc:
            self.toc()
        self.body()


def _template_context(report: Report) -> dict[str, str]:
    return {
        "title": report.title,
        "organisation": report.organisation,
        "short_name": report.short_name,
        "municipality": report.municipality,
        "board": report.board,
        "period": report.period_key,
        "edition": str(report.edition or ""),
    }


def _open_template(template: Path, report: Report):
    """The template as a python-docx Document, its placeholders filled in when it has any."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    if tpl.get_undeclared_template_variables():
        tpl.render(_template_context(report))
        buffer = io.BytesIO()
        tpl.save(buffer)
        buffer.seek(0)
        return Document(buffer)
    return Document(str(template))


def _write(
    report: Report,
    template: Path | None,
    pages: dict[str, int] | None = None,
    page_count: int | None = None,
) -> bytes:
    document = _open_template(template, report) if template else Document()
    _Writer(
        document, report, own_template=template is not None, pages=pages, page_count=page_count
    ).write()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def find_pages(page_texts: list[str], titles: list[tuple[str, str]]) -> dict[str, int]:
    """The page (1-based) of each heading, found in order: each title as a line of its own
    (or wrapped over up to three lines) on the first page at or after the previous one."""
    found: dict[str, int] = {}
    page = 0
    for anchor, title in titles:
        wanted = " ".join(title.split())
        for index in range(page, len(page_texts)):
            lines = _lines(page_texts[index])
            joined = (" ".join(lines[i : i + n]) for i in range(len(lines)) for n in (1, 2, 3))
            if wanted in joined:
                found[anchor] = index + 1
                page = index
                break
    return found


def _paginate(data: bytes, report: Report) -> tuple[dict[str, int], int] | None:
    """Lay the file out with LibreOffice (headless) and read where each section begins.

    None when LibreOffice is not installed or fails: the file then asks Word to update its
    contents on opening instead."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory(prefix="tertial-word-") as work:
        source = Path(work) / "rapport.docx"
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{work}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    work,
                    str(source),
                ],
                capture_output=True,
                timeout=LIBREOFFICE_TIMEOUT,
                check=True,
            )
            reader = PdfReader(Path(work) / "rapport.pdf")
            texts = [page.extract_text() or "" for page in reader.pages]
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
    # The contents page lists every title: the search starts after it.
    start = next((i + 1 for i, t in enumerate(texts) if _("Innehåll") in _lines(t)), 0)
    titles = [(s.anchor, s.title) for s in toc_entries(report)]
    pages = find_pages(["" if i < start else t for i, t in enumerate(texts)], titles)
    return (pages, len(texts)) if len(pages) == len(titles) else None


@in_report_language
def render_docx(
    report: Report, *, template: Path | str | None = None, paginate: bool = True
) -> bytes:
    """The report as Word; with LibreOffice installed (and ``paginate``) its contents and
    footer carry their page numbers already when the file is opened."""
    chosen = Path(template) if template else None
    data = _write(report, chosen)
    if paginate and report.toc:
        laid_out = _paginate(data, report)
        if laid_out is not None:
            pages, count = laid_out
            data = _write(report, chosen, pages, count)
    return data
