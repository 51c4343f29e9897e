"""The language a report is written in.

A report is the administration's official document, written in Swedish and tagged
``lang="sv"`` in every format, so it is built and rendered in Swedish whatever language the
person asking for it uses in the web app; an English table in a Swedish report would make it
neither.
"""

import functools

from django.utils import translation

LANGUAGE = "sv"


def in_report_language(function):
    # A new override per call: one shared instance would keep the language to restore on
    # itself, which nested calls (the PDF renders the HTML) and threads would overwrite.
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(LANGUAGE):
            return function(*args, **kwargs)

    return wrapper
