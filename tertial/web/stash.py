"""No lost work when a session expires while someone is typing.

A form posted without a valid session is not thrown away: its fields are kept in the new
session under the address of the page the form is on, and the person is sent to sign in.
Django keeps session data across sign-in, so when the page is shown again the form is filled
with what was typed, with a note to check it and save again. The form's version field comes
back too, so a save that has meanwhile become stale still ends in a conflict, not an
overwrite.
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "tertial_stashed_forms"


def keep(request: HttpRequest, page_url: str) -> None:
    """Keep the posted fields for the page at ``page_url``."""
    kept = request.session.get(SESSION_KEY, {})
    kept[page_url] = {
        key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"
    }
    request.session[SESSION_KEY] = kept


def take(request: HttpRequest) -> dict | None:
    """The fields kept for this page, once."""
    kept = request.session.get(SESSION_KEY)
    if not kept or request.path not in kept:
        return None
    fields = kept.pop(request.path)
    request.session[SESSION_KEY] = kept
    return fields
