"""No lost work when a session expires while someone is typing.

A form posted without a valid session is not thrown away: its fields are kept in the new
session under the address of the page the form is on, and the person is sent to sign in.
Django keeps session data across sign-in, so when the page is shown again the form is filled
with what was typed, with a note to check it and save again. The form's version field comes
back too, so a save that has meanwhile become stale still ends in a conflict, not an
overwrite.

Only for someone who has signed in on this browser (a signed cookie set at sign-in says so,
and outlives the session), for a page of a period that exists, and only so much text: an
anonymous post is answered with the sign-in page and costs the server no storage.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core import signing
from django.http import HttpRequest

from tertial.organisation.queries import period_exists

SESSION_KEY = "tertial_stashed_forms"
MARK_COOKIE = "tertial_signed_in"
MARK_SALT = "tertial.web.stash.signed-in"
MARK_AGE = 60 * 60 * 24 * 90  # seconds: longer than any session
# What one form holds at most (characters), and the pages kept at once.
MAX_CHARACTERS = 100_000
MAX_PAGES = 5


def has_signed_in(request: HttpRequest) -> bool:
    """Whether a person has signed in on this browser (their session may since have ended)."""
    try:
        signing.loads(request.COOKIES.get(MARK_COOKIE, ""), salt=MARK_SALT, max_age=MARK_AGE)
    except signing.BadSignature:
        return False
    return True


class SignInView(auth_views.LoginView):
    """Django's sign-in, marking the browser as one where a person has signed in."""

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(
            MARK_COOKIE,
            signing.dumps(form.get_user().pk, salt=MARK_SALT),
            max_age=MARK_AGE,
            httponly=True,
            samesite="Lax",
            secure=self.request.is_secure(),
        )
        return response


def keep(request: HttpRequest, page_url: str, slug: str | None, key: str | None) -> None:
    """Keep the posted fields for the page at ``page_url`` (of the period ``key`` of the
    organisation ``slug``), when this browser's person signed in before and it fits."""
    if not has_signed_in(request) or not slug or not key or not period_exists(slug, key):
        return
    fields = {name: text for name, text in request.POST.items() if name != "csrfmiddlewaretoken"}
    if sum(len(name) + len(text) for name, text in fields.items()) > MAX_CHARACTERS:
        return
    kept = request.session.get(SESSION_KEY, {})
    kept.pop(page_url, None)
    kept[page_url] = fields
    while len(kept) > MAX_PAGES:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept


def take(request: HttpRequest) -> dict | None:
    """The fields kept for this page, once."""
    kept = request.session.get(SESSION_KEY)
    if not kept or request.path not in kept:
        return None
    fields = kept.pop(request.path)
    request.session[SESSION_KEY] = kept
    return fields
