"""Filters for showing figures in Swedish formats and user text safely."""

from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe

from tertial.core.formatting import format_number, format_tkr
from tertial.core.markdown import markdown_to_html

register = template.Library()


@register.filter
def markdown_safe(text: str) -> str:
    """A person's Markdown as the report prints it (tertial.core.markdown)."""
    return mark_safe(markdown_to_html(text or ""))


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
