"""The one sanitiser of the Markdown people write: texts, justifications, descriptions.

The web pages and every report format show a text through this function, so what a writer
sees on the page is what the report prints: paragraphs, lists, emphasis, links, quotes and
code, and nothing else. Headings would break the report's outline and tables have no place
in a Word paragraph, so both are left as text; no script, style or event survives.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "strong", "em", "br", "a", "blockquote", "code"})
# Control characters but tab, line feed and carriage return: no format shows them, and XML
# (Word, Excel) cannot hold them at all, so one in a text stopped every download.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    """``text`` without the control characters no report format can hold."""
    return CONTROL.sub("", text)


@lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """Markdown as HTML holding only ``ALLOWED_TAGS`` (links keep their address only)."""
    html = markdown.markdown(
        without_controls(text or ""), extensions=["sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        link_rel="noopener noreferrer",
    )
