"""Sentences of the core for a person: Swedish, with their values kept apart.

The core knows nothing of Django. It writes a sentence's Swedish text, marked with ``_`` so
that makemessages puts it in the catalogue, and keeps the values to put in apart; the layer
that shows the sentence translates it into the person's language
(``tertial.platform.i18n.translated``). Read as a plain string, it is the Swedish sentence.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Marks ``text`` for the catalogue; it is translated where it is shown."""
    return text


class Text(str):
    """A sentence as the core writes it: its Swedish text, and its template and values for
    translation (a template with values writes a literal percent sign as %%)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> Text:
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text
