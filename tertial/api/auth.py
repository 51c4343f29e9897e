"""Bearer-token authentication of API requests, independent of sessions and CSRF."""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tertial.access.models import ApiToken
from tertial.access.services import note_token_use
from tertial.api.errors import ApiError

# Writing last_used_at on every request would turn each read into a write (and serialise
# readers on SQLite); a minute's precision is enough to tell whether a token is in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def authenticate(request: HttpRequest) -> ApiToken:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if not header:
        raise ApiError(
            401, "not_authenticated", _("Ange en API-token: Authorization: Bearer <token>.")
        )
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "invalid_token", _("Authorization måste ha formen Bearer <token>."))
    token = ApiToken.find_active(secret.strip())
    if token is None:
        raise ApiError(401, "invalid_token", _("Token är ogiltig eller återkallad."))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        note_token_use(token, now)
    return token
