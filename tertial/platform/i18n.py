"""The core's sentences (tertial.core.messages) in the language a person reads."""

from __future__ import annotations

from django.utils.translation import gettext

from tertial.core.messages import Text


def translated(text: object) -> str:
    """``text`` (a core sentence, or an error raised with one) in the active language; any
    other text as it is."""
    if isinstance(text, BaseException):
        text = text.args[0] if text.args else str(text)
    if isinstance(text, Text):
        template = gettext(text.template)
        if not text.params:
            return template
        # A value may be a sentence of its own (the reason in "… är inte möjligt: …").
        return template % {
            key: translated(value) if isinstance(value, Text) else value
            for key, value in text.params.items()
        }
    return str(text)
