"""The PDF: the standalone HTML through WeasyPrint, as tagged PDF/UA-1 on A4.

WeasyPrint takes the title from <title>, the language from <html lang="sv">, bookmarks from
the headings, page size and the running header and footer from the stylesheet's @page rules.
"""

from __future__ import annotations

from functools import lru_cache

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from tertial.reports.html import render_html
from tertial.reports.language import in_report_language
from tertial.reports.tree import Report


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    # One configuration per process: fonts are found and loaded once, not per document.
    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=None)
    return document.write_pdf(
        font_config=_font_config(),
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )


@in_report_language
def render_pdf(report: Report, *, html: str | None = None) -> bytes:
    """The report as PDF; ``html`` is a frozen edition's standalone HTML when there is one."""
    return html_to_pdf(html if html is not None else render_html(report, standalone=True))
