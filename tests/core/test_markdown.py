"""The one Markdown sanitiser: what it keeps, what it removes, whatever is written."""

import re

from hypothesis import given
from hypothesis import strategies as st

from tertial.core.markdown import ALLOWED_TAGS, markdown_to_html


def test_paragraphs_lists_emphasis_and_links_are_kept():
    html = markdown_to_html("Ett *stycke* med **fetstil**.\n\n- en\n- två\n\n[Länk](https://x.se)")
    assert "<em>stycke</em>" in html and "<strong>fetstil</strong>" in html
    assert "<ul>" in html and html.count("<li>") == 2
    assert '<a href="https://x.se" rel="noopener noreferrer">Länk</a>' in html


def test_markup_that_could_act_is_removed():
    html = markdown_to_html(
        '<script>alert(1)</script><img src=x onerror=alert(1)>\n\n<a href="javascript:alert(1)" '
        'onclick="x()">klick</a>'
    )
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "<img" not in html and "javascript:" not in html and "klick" in html


def test_headings_and_tables_stay_text_as_in_every_report_format():
    html = markdown_to_html("### Rubrik\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h3" not in html and "<table" not in html
    assert "Rubrik" in html and "| 1 | 2 |" in html


@given(st.text(max_size=200))
def test_whatever_is_written_only_allowed_tags_come_out(text):
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", markdown_to_html(text)))
    assert tags <= ALLOWED_TAGS
