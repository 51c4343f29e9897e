"""Signing in with the municipality's account (OpenID Connect) and signing out.

The sign-in started here is kept until the provider sends the person back in a signed,
short-lived cookie, not in a session: an anonymous visitor costs the server no storage.
Every way a sign-in can fail ends on a page that says what happened and what to do, with
the reason in the log (never a token or a code).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import logout as end_session
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tertial.access import oidc
from tertial.access.signin import account_for
from tertial.web import stash

log = logging.getLogger(__name__)

COOKIE = "tertial_sso"
COOKIE_SALT = "tertial.sso.pending"
COOKIE_SECONDS = 600
SESSION_ID_TOKEN = "tertial_sso_id_token"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _failure_texts() -> dict[str, tuple[int, str, str]]:
    provider_broken = _(
        "Inloggningen med kommunens konto är fel inställd, så den fungerar inte just nu. "
        "Kontakta kommunens it-support och berätta vilken tid det hände; orsaken står i "
        "tertials logg."
    )
    return {
        "busy": (
            503,
            _("Många loggar in just nu"),
            _("Vänta en minut och försök igen."),
        ),
        "provider_down": (
            503,
            _("Kommunens inloggning svarar inte"),
            _(
                "Kommunens inloggningstjänst svarar inte just nu. Försök igen om en stund, "
                "eller logga in med användarnamn och lösenord om du har ett."
            ),
        ),
        "provider_misconfigured": (502, _("Inloggningen är fel inställd"), provider_broken),
        "client_refused": (502, _("Inloggningen är fel inställd"), provider_broken),
        "provider_refused": (
            502,
            _("Inloggningstjänsten avbröt inloggningen"),
            _(
                "Kommunens inloggningstjänst avbröt inloggningen. Försök igen; händer det "
                "igen, kontakta kommunens it-support."
            ),
        ),
        "code_refused": (
            400,
            _("Inloggningen hann gå ut"),
            _(
                "Inloggningen tog för lång tid eller har redan använts. Börja om från "
                "inloggningssidan."
            ),
        ),
        "state": (
            400,
            _("Inloggningen kunde inte kontrolleras"),
            _(
                "Inloggningen startades inte i den här webbläsaren, eller för länge sedan. "
                "Börja om från inloggningssidan."
            ),
        ),
        "token_invalid": (
            400,
            _("Inloggningen kunde inte kontrolleras"),
            _(
                "Svaret från kommunens inloggningstjänst gick inte att lita på, så du är inte "
                "inloggad. Försök igen; händer det igen, kontakta kommunens it-support."
            ),
        ),
        "cancelled": (
            400,
            _("Inloggningen avbröts"),
            _("Du avbröt inloggningen och är inte inloggad."),
        ),
        "no_account": (
            403,
            _("Du har inget konto i tertial"),
            _(
                "Kommunens inloggning känner dig, men du har ingen roll i tertial. Be "
                "förvaltningens administratör eller controller om en inbjudan, eller it-"
                "supporten om att lägga dig i rätt grupp."
            ),
        ),
        "not_linked": (
            403,
            _("Ditt konto är inte kopplat till kommunens inloggning"),
            _(
                "Det finns redan ett konto i tertial med din e-postadress, men det är inte "
                "kopplat till kommunens inloggning. Logga in med användarnamn och lösenord, "
                "eller be tertials administratör om hjälp."
            ),
        ),
        "inactive": (
            403,
            _("Ditt konto är avstängt"),
            _("Ditt konto i tertial är avstängt. Kontakta förvaltningens administratör."),
        ),
    }


def _failed(request: HttpRequest, error: oidc.SignInError) -> HttpResponse:
    texts = _failure_texts()
    status, heading, explanation = texts.get(error.reason, texts["token_invalid"])
    log.warning("single sign-on failed: %s (%s)", error.reason, error.detail)
    response = render(
        request,
        "registration/sso_failed.html",
        {"heading": heading, "explanation": explanation},
        status=status,
    )
    response.delete_cookie(COOKIE, path=_cookie_path())
    return response


def _cookie_path() -> str:
    return reverse("sso_callback").removesuffix("callback/")


def _callback_uri() -> str:
    return settings.SITE_URL + reverse("sso_callback")


@never_cache
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    if oidc.config() is None:
        raise Http404
    next_url = request.GET.get("next", "")[:2000]
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = settings.LOGIN_REDIRECT_URL
    try:
        with oidc.provider_slot():
            url, pending = oidc.begin(_callback_uri(), next_url)
    except oidc.SignInError as error:
        return _failed(request, error)
    response = redirect(url)
    response.set_cookie(
        COOKIE,
        signing.dumps(pending.as_dict(), salt=COOKIE_SALT, compress=True),
        max_age=COOKIE_SECONDS,
        path=_cookie_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    if oidc.config() is None:
        raise Http404
    try:
        kept = request.COOKIES[COOKIE]
        pending = oidc.Pending.from_dict(
            signing.loads(kept, salt=COOKIE_SALT, max_age=COOKIE_SECONDS)
        )
    except (KeyError, signing.BadSignature, ValueError, TypeError):
        return _failed(request, oidc.SignInError("state", "no sign-in started here"))
    answer = {key: request.GET.get(key, "")[:4096] for key in request.GET}
    try:
        with oidc.provider_slot():
            claims, id_token = oidc.finish(pending, answer, _callback_uri())
        user = account_for(claims, oidc.provider().issuer)
    except oidc.SignInError as error:
        return _failed(request, error)
    login(request, user, backend=BACKEND)
    request.session[SESSION_ID_TOKEN] = id_token
    response = redirect(pending.next_url)
    response.delete_cookie(COOKIE, path=_cookie_path())
    stash.mark_signed_in(request, response, user)
    return response


class LoginView(stash.SignInView):
    """Django's sign-in page, with the way to sign in with the municipality's account when
    single sign-on is configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"sso_enabled": oidc.config() is not None}


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out of tertial and, after a single sign-on, of the provider too, so that the next
    person at the same browser is asked to sign in."""
    id_token = request.session.get(SESSION_ID_TOKEN, "")
    end_session(request)
    if id_token:
        url = oidc.logout_url(id_token, settings.SITE_URL + settings.LOGOUT_REDIRECT_URL)
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)
