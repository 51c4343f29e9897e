"""The language of a page: the one a person chose (the language button), else Swedish.

A browser asking for English does not switch a Swedish municipality's pages by itself: the
public record is Swedish, and a civil servant's English browser is no choice of theirs. An
organisation that wants it sets ``browser_language: true`` (its pages then follow the
browser's Accept-Language), and the site's own pages (start, sign-in) follow
TERTIAL_BROWSER_LANGUAGE.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from tertial.organisation.queries import organisation_settings


def _chosen(request: HttpRequest) -> str | None:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in dict(settings.LANGUAGES) else None


def _from_browser(request: HttpRequest) -> str | None:
    """The browser's language when it is one of ours and not the default; None otherwise."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if not header:
        return None
    code = translation.get_language_from_request(request)
    return code if code != settings.LANGUAGE_CODE else None


class LanguageMiddleware:
    """In place of Django's LocaleMiddleware, which lets Accept-Language decide."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _chosen(request) or settings.LANGUAGE_CODE
        request.browser_language = None if _chosen(request) else _from_browser(request)
        if request.browser_language and settings.TERTIAL_BROWSER_LANGUAGE:
            language = request.browser_language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.browser_language:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        translation.deactivate()
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs):
        """An organisation's page in the browser's language where the organisation allows it."""
        browser = getattr(request, "browser_language", None)
        slug = kwargs.get("slug")
        if browser and slug and not settings.TERTIAL_BROWSER_LANGUAGE:
            if organisation_settings(slug).get("browser_language") is True:
                translation.activate(browser)
                request.LANGUAGE_CODE = browser
        return None
