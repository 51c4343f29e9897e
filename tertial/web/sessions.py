"""How long a sign-in lasts: at most ``SESSION_HOURS`` from signing in, and no longer than
``SESSION_IDLE_MINUTES`` without a request, whichever ends first.

A public administration's computers are shared and left unlocked; Django's own expiry only
counts from the session's last change. The time of the last request is written at most once
a minute, so that reading pages does not write the session each time. A form posted after
the end is kept for after the next sign-in (tertial.web.stash), as after any expired session.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

SIGNED_IN_AT = "tertial_signed_in_at"
SEEN_AT = "tertial_seen_at"
SEEN_PRECISION_SECONDS = 60


def signed_in(sender, request, user, **kwargs) -> None:
    """Counts a sign-in's time from now, also when the same person signs in again in a
    session that still holds the times of an earlier sign-in."""
    if getattr(request, "session", None) is not None:
        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = time.time()


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session, now = request.session, time.time()
        signed_in_at = session.get(SIGNED_IN_AT)
        seen_at = session.get(SEEN_AT, signed_in_at)
        if signed_in_at is not None and (
            now - signed_in_at > settings.SESSION_HOURS * 3600
            or now - seen_at > settings.SESSION_IDLE_MINUTES * 60
        ):
            logout(request)
            return
        if signed_in_at is None:
            session[SIGNED_IN_AT] = now
        if seen_at is None or now - seen_at >= SEEN_PRECISION_SECONDS:
            session[SEEN_AT] = now
