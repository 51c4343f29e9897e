"""The OpenID Connect conversation with the municipality's identity provider.

Everything tertial needs is read from the provider's discovery document at the configured
issuer (settings.OIDC). A sign-in is the authorization code flow with state, nonce and PKCE
(S256); the ID token's signature is checked against the provider's published keys (a new key
is fetched when a token names one not seen before), and its issuer, audience, expiry and
nonce are checked with a small clock leeway.

The provider is another machine that may be slow or down: every call has a timeout, and only
``MAX_CONCURRENT`` sign-ins of a process talk to it at once, so a hung provider holds fewer
request threads than the process has, for a few seconds, instead of all of them. Nothing here
logs a token or a code; callers log the ``SignInError.reason``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings

# Asymmetric algorithms only: a symmetric one would make the client secret a signing key,
# and "none" would accept any token.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
DISCOVERY_KEPT_SECONDS = 3600
MAX_DOCUMENT_BYTES = 1024 * 1024
SLOT_WAIT_SECONDS = 1
# A token naming a key not seen before fetches the provider's keys again, at most this often:
# tokens with invented key ids cannot make tertial hammer the provider.
KEY_REFETCH_SECONDS = 10


class SignInError(Exception):
    """A sign-in that cannot go on; ``reason`` names what happened for the page and the log,
    ``detail`` says more for the log (never a token or a code)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    end_session_endpoint: str
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class Pending:
    """What a sign-in started keeps (in a signed cookie) to check the provider's answer."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str

    def as_dict(self) -> dict:
        return {"s": self.state, "n": self.nonce, "v": self.code_verifier, "u": self.next_url}

    @classmethod
    def from_dict(cls, data: dict) -> Pending:
        return cls(
            state=str(data["s"]),
            nonce=str(data["n"]),
            code_verifier=str(data["v"]),
            next_url=str(data["u"]),
        )


def config() -> dict | None:
    return settings.OIDC


def _required() -> dict:
    conf = config()
    if conf is None:
        raise SignInError("not_configured")
    return conf


_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_discovered: dict[str, tuple[float, Provider]] = {}
_key_clients: dict[str, jwt.PyJWKClient] = {}


@contextmanager
def provider_slot():
    """One of the few places for talking to the provider. A sign-in waits a moment for one
    (a healthy provider answers in a fraction of a second) and is then told to try again,
    so that a hung provider holds no more request threads than there are places."""
    size = _required()["MAX_CONCURRENT"]
    with _lock:
        slots = _slots.setdefault(size, threading.BoundedSemaphore(size))
    if not slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise SignInError("busy")
    try:
        yield
    finally:
        slots.release()


def forget_provider() -> None:
    """Drop what was read from the provider (its document and keys); tests and a changed
    configuration start afresh."""
    with _lock:
        _discovered.clear()
        _key_clients.clear()


def _get_json(url: str, **kwargs) -> dict:
    conf = _required()
    try:
        with requests.request(
            kwargs.pop("method", "GET"),
            url,
            timeout=conf["TIMEOUT_SECONDS"],
            allow_redirects=False,
            stream=True,
            **kwargs,
        ) as response:
            body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
    except requests.Timeout as error:
        raise SignInError("provider_down", f"{url}: no answer in time") from error
    except (requests.RequestException, OSError) as error:
        raise SignInError("provider_down", f"{url}: {type(error).__name__}") from error
    if len(body) > MAX_DOCUMENT_BYTES:
        raise SignInError("provider_down", f"{url}: answer too large")
    try:
        data = requests.models.complexjson.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SignInError("provider_down", f"{url}: HTTP {response.status_code}, not JSON")
    data["_status"] = response.status_code
    return data


def provider() -> Provider:
    """The provider as its discovery document describes it (kept for an hour)."""
    conf = _required()
    issuer = conf["ISSUER"]
    now = time.monotonic()
    kept = _discovered.get(issuer)
    if kept and now - kept[0] < DISCOVERY_KEPT_SECONDS:
        return kept[1]
    document = _get_json(issuer + "/.well-known/openid-configuration")
    if document["_status"] != 200:
        raise SignInError("provider_down", f"discovery: HTTP {document['_status']}")
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise SignInError(
            "provider_misconfigured",
            f"the discovery document names issuer {str(document.get('issuer'))[:200]!r}, "
            f"tertial is configured with {issuer!r}",
        )
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(field), str):
            raise SignInError("provider_misconfigured", f"the discovery document has no {field}")
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(a for a in ALGORITHMS if a in offered)
    if not algorithms:
        raise SignInError("provider_misconfigured", "no asymmetric ID token signature offered")
    found = Provider(
        issuer=str(document["issuer"]),
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
        end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        algorithms=algorithms,
    )
    with _lock:
        _discovered[issuer] = (now, found)
    return found


def begin(redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """The provider's address to send the person to, and what to keep until they return."""
    conf = _required()
    found = provider()
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64) if conf["PKCE"] else "",
        next_url=next_url,
    )
    query = {
        "response_type": "code",
        "client_id": conf["CLIENT_ID"],
        "redirect_uri": redirect_uri,
        "scope": conf["SCOPES"],
        "state": pending.state,
        "nonce": pending.nonce,
    }
    if pending.code_verifier:
        digest = hashlib.sha256(pending.code_verifier.encode()).digest()
        query["code_challenge"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        query["code_challenge_method"] = "S256"
    separator = "&" if "?" in found.authorization_endpoint else "?"
    return found.authorization_endpoint + separator + urlencode(query), pending


def finish(pending: Pending, answer: dict[str, str], redirect_uri: str) -> tuple[dict, str]:
    """The checked claims of the person the provider's ``answer`` (the callback's query)
    signs in, and the ID token (kept only to end the provider's session at sign-out)."""
    conf = _required()
    if not secrets.compare_digest(answer.get("state", ""), pending.state):
        raise SignInError("state", "the state does not match the sign-in started here")
    if "error" in answer:
        error = answer.get("error", "")[:100]
        if error in {"access_denied", "login_required", "consent_required"}:
            raise SignInError("cancelled", error)
        raise SignInError("provider_refused", f"authorization: {error}")
    code = answer.get("code", "")
    if not code or len(code) > 2048:
        raise SignInError("state", "no code")
    found = provider()
    # A provider that names itself in its answer (RFC 9207) must name the one asked.
    if "iss" in answer and answer["iss"].rstrip("/") != found.issuer.rstrip("/"):
        raise SignInError("token_invalid", "the answer comes from another issuer")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if pending.code_verifier:
        form["code_verifier"] = pending.code_verifier
    auth = None
    if conf["CLIENT_AUTH"] == "basic":
        auth = (conf["CLIENT_ID"], conf["CLIENT_SECRET"])
    else:
        form |= {"client_id": conf["CLIENT_ID"], "client_secret": conf["CLIENT_SECRET"]}
    tokens = _get_json(found.token_endpoint, method="POST", data=form, auth=auth)
    if tokens["_status"] != 200 or "id_token" not in tokens:
        error = str(tokens.get("error", ""))[:100]
        if error == "invalid_client" or tokens["_status"] == 401:
            raise SignInError("client_refused", f"token: {error or tokens['_status']}")
        raise SignInError("code_refused", f"token: {error or tokens['_status']}")
    id_token = str(tokens["id_token"])
    claims = verify_id_token(id_token, pending.nonce, found)
    access_token = tokens.get("access_token")
    if found.userinfo_endpoint and isinstance(access_token, str):
        claims = _with_userinfo(claims, found, access_token)
    return claims, id_token


def verify_id_token(id_token: str, nonce: str, found: Provider) -> dict:
    conf = _required()
    with _lock:
        keys = _key_clients.get(found.jwks_uri)
        if keys is None:
            keys = jwt.PyJWKClient(
                found.jwks_uri,
                cache_keys=True,
                timeout=conf["TIMEOUT_SECONDS"],
                cooldown_duration=KEY_REFETCH_SECONDS,
            )
            _key_clients[found.jwks_uri] = keys
    try:
        key = keys.get_signing_key_from_jwt(id_token)
    except jwt.PyJWKClientConnectionError as error:
        raise SignInError("provider_down", "the provider's keys could not be read") from error
    except jwt.PyJWTError as error:
        raise SignInError("token_invalid", f"signing key: {type(error).__name__}") from error
    try:
        claims = jwt.decode(
            id_token,
            key=key.key,
            algorithms=list(found.algorithms),
            audience=conf["CLIENT_ID"],
            issuer=found.issuer,
            leeway=conf["LEEWAY_SECONDS"],
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as error:
        raise SignInError("token_invalid", f"ID token: {error}") from error
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInError("token_invalid", "ID token: the nonce does not match")
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != conf["CLIENT_ID"]:
        raise SignInError("token_invalid", "ID token: issued to another party (azp)")
    return claims


def _with_userinfo(claims: dict, found: Provider, access_token: str) -> dict:
    """The ID token's claims with what the userinfo endpoint adds (names, groups with some
    providers); the ID token's own claims win, and a userinfo of another subject is refused."""
    info = _get_json(found.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"})
    if info.pop("_status") != 200:
        return claims
    if info.get("sub") != claims["sub"]:
        raise SignInError("token_invalid", "userinfo names another subject")
    return info | claims


def logout_url(id_token: str, after: str) -> str:
    """Where to send a person signing out so the provider ends its session too; empty when
    the provider does not offer it or cannot be reached."""
    conf = config()
    if conf is None:
        return ""
    try:
        with provider_slot():
            found = provider()
    except SignInError:
        return ""
    if not found.end_session_endpoint:
        return ""
    query = {"client_id": conf["CLIENT_ID"], "post_logout_redirect_uri": after}
    if id_token:
        query["id_token_hint"] = id_token
    separator = "&" if "?" in found.end_session_endpoint else "?"
    return found.end_session_endpoint + separator + urlencode(query)
