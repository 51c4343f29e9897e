"""The PDF: the standalone HTML through WeasyPrint, as tagged PDF/UA-1 on A4.

WeasyPrint takes the title from <title>, the language from <html lang="sv">, bookmarks from
the headings, page size and the running header and footer from the stylesheet's @page rules.
"""

from __future__ import annotations

from functools import lru_cache

import pydyf
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from tertial.reports.html import render_html
from tertial.reports.language import in_report_language
from tertial.reports.tree import Report


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    # One configuration per process: fonts are found and loaded once, not per document.
    return FontConfiguration()


def _parent(pdf: pydyf.PDF, element: pydyf.Dictionary) -> pydyf.Dictionary | None:
    reference = element.get("P")
    if not reference:
        return None
    found = pdf.objects[int(reference.split()[0])]
    return found if isinstance(found, pydyf.Dictionary) else None


def scope_table_headers(_document, pdf: pydyf.PDF) -> None:
    """Give every table header cell its /Scope, as the HTML's ``scope`` says.

    WeasyPrint links data cells to their headers (/Headers) but leaves /Scope off the header
    cells, so a PDF/UA checker cannot tell which figures a header belongs to. A header in the
    table's head is a column header, one in its body a row header (templates/reports/_table)."""
    for element in pdf.objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
            continue
        row = _parent(pdf, element)
        group = _parent(pdf, row) if row is not None else None
        scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
        attributes = element.get("A")
        if not isinstance(attributes, pydyf.Dictionary):
            attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
        attributes["Scope"] = scope


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=None)
    return document.write_pdf(
        font_config=_font_config(),
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        finisher=scope_table_headers,
    )


@in_report_language
def render_pdf(report: Report, *, html: str | None = None) -> bytes:
    """The report as PDF; ``html`` is a frozen edition's standalone HTML when there is one."""
    return html_to_pdf(html if html is not None else render_html(report, standalone=True))
