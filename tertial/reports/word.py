"""The Word (.docx) report, editable and built on the organisation's own template if it has one.

Headings use Word's Heading 1–6 styles (navigation pane, table of contents), tables are real
Word tables whose header row repeats on every page, charts are PNG pictures with their alt
text in the drawing's description. With a template, its styles, cover, headers and footers are
kept and the report is added after its content; placeholders in it ({{ title }},
{{ organisation }}, …) are filled with docxtpl first.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tertial.core.markdown import markdown_to_html, without_controls
from tertial.reports import charts as chart_drawing
from tertial.reports.html import chart_data_view, table_view
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
    def __init__(self, document, report: Report, *, own_template: bool):
        self.document = document
        self.report = report
        self.own_template = own_template
        self.styles = _style_ids(document)
        self.bullet = self.styles.get("List Bullet")
        self.caption = self.styles.get("Caption")
        self.table_style = "Table Grid" if "Table Grid" in self.styles else ""

    def para(self, text: str = "", style: str | None = None):
        """A paragraph in the named style (the document's default style when it has none)."""
        return _add_paragraph(self.document, text, self.styles.get(style) if style else None)

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
        """A TOC field whose result already lists the headings, so that a reader that does not
        update fields (LibreOffice on conversion) still shows the contents; Word adds the page
        numbers when it updates the field on opening."""
        doc = self.document
        self.para(_("Innehåll"), "TOC Heading")
        entries = [s for s in self.report.sections if s.level <= 2]
        for index, section in enumerate(entries):
            paragraph = self.para("", f"toc {section.level}")
            if index == 0:
                _field_start(paragraph, 'TOC \\o "1-3" \\h \\z \\u')
            paragraph.add_run(without_controls(section.title))
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
        _field(footer, "NUMPAGES", "1")

    def table(self, view) -> None:
        doc = self.document
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
        heads = view.columns_before + [(view.label_heading, "", False)] + view.columns_after
        for cell, (label, _note, is_numeric) in zip(header.cells, heads, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(without_controls(label)).bold = True
            if is_numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
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
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)
        for note in view.notes:
            doc.add_paragraph(without_controls(note)).runs[0].font.size = Pt(8)
        doc.add_paragraph()

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
                            self.heading(block.title, section.level + 1)
                        self.markdown(block.markdown)
                    case TableBlock():
                        self.table(table_view(block.table))
                    case ChartBlock():
                        self.chart(block.chart)
                    case ChartGroup():
                        if block.title:
                            self.heading(block.title, section.level + 1)
                        for chart in block.charts:
                            self.chart(chart, width_cm=8.0)
                    case ItemList():
                        if block.title:
                            self.heading(block.title, section.level + 1)
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


@in_report_language
def render_docx(report: Report, *, template: Path | str | None = None) -> bytes:
    document = _open_template(Path(template), report) if template else Document()
    _Writer(document, report, own_template=template is not None).write()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
