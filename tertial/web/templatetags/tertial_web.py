"""Filters for showing figures in Swedish formats and user text safely."""

from decimal import Decimal
from functools import lru_cache

import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe

from tertial.core.formatting import format_number, format_tkr

register = template.Library()

# What a person may write in a Markdown text: paragraphs, lists, emphasis, links, tables.
ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "a",
    "br",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@register.filter
def markdown_safe(text: str) -> str:
    """Markdown as HTML with everything but harmless markup removed (no script, no events)."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer"))


# Pages show the same amounts again and again (every unit on every dashboard view); Babel's
# formatting is the costly part of rendering them, so each formatted amount is kept.
_format_tkr = lru_cache(maxsize=65536)(format_tkr)


@register.filter
def tkr(amount) -> str:
    return _format_tkr(None if amount is None or amount == "" else Decimal(amount))


@register.filter
def number(value, decimals=None) -> str:
    if value is None:
        return format_number(None)
    value = Decimal(value)
    if decimals is None or decimals == "":
        decimals = max(0, -value.normalize().as_tuple().exponent)
    return format_number(value, int(decimals))
