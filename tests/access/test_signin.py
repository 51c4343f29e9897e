"""Who a single sign-on signs in, the checks of the ID token, and the configuration; the
whole round trip is in test_sso_provider.py."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from tertial import settings as tertial_settings
from tertial.access import oidc
from tertial.access.models import Membership, SignInIdentity
from tertial.access.signin import account_for, parse_role_rules
from tertial.audit.models import AuditEntry
from tests.access.provider import sso_settings

pytestmark = pytest.mark.django_db

ISSUER = "https://login.kommun.se"


@pytest.fixture
def sso(settings, tmp_path):
    roles = tmp_path / "roles.yaml"
    roles.write_text(
        "vss:\n"
        "  - group: vss-controller\n    role: controller\n"
        "  - group: vss-lkdata\n    role: unit_head\n    units: ['1800']\n"
        "  - group: vss-kontakt\n    role: unit_head\n    units: ['1500']\n"
    )
    settings.OIDC = sso_settings(ISSUER, ROLES_FILE=str(roles))
    return settings


def _claims(sub="s-1", **more):
    return {"sub": sub, "iss": ISSUER} | more


def test_a_changed_address_follows_the_same_person(sso, vss):
    first = account_for(
        _claims(email="a@kommun.se", email_verified=True, groups=["vss-controller"]), ISSUER
    )
    again = account_for(
        _claims(email="a.berg@kommun.se", email_verified=True, groups=["vss-controller"]), ISSUER
    )
    assert again == first
    again.refresh_from_db()
    assert again.email == "a.berg@kommun.se"
    assert get_user_model().objects.filter(pk=first.pk).count() == 1


def test_an_unverified_address_is_never_taken_onto_the_account(sso, vss):
    user = account_for(_claims(email="ny@kommun.se", groups=["vss-controller"]), ISSUER)
    assert user.email == "" and user.username == "sso-s-1"


def test_roles_follow_the_groups_at_each_sign_in_and_are_taken_when_the_groups_are(sso, vss):
    user = account_for(_claims(groups=["vss-lkdata", "vss-kontakt"]), ISSUER)
    membership = Membership.objects.get(user=user)
    assert membership.role == "unit_head"
    assert sorted(u.code for u in membership.units.all()) == ["1500", "1800"]
    account_for(_claims(groups=["vss-controller", "vss-lkdata"]), ISSUER)
    assert Membership.objects.get(user=user).role == "controller"
    # Removed from every group at the provider: the role is gone at the next sign-in.
    assert account_for(_claims(groups=[]), ISSUER) == user
    assert not Membership.objects.filter(user=user).exists()
    revoked = AuditEntry.objects.get(action="access.membership.revoked")
    assert revoked.reason == "grupper från kommunens inloggning" and revoked.actor is None


def test_an_inactive_account_is_refused(sso, vss):
    user = account_for(_claims(groups=["vss-controller"]), ISSUER)
    user.is_active = False
    user.save()
    with pytest.raises(oidc.SignInError) as refused:
        account_for(_claims(groups=["vss-controller"]), ISSUER)
    assert refused.value.reason == "inactive"


def test_a_staff_account_is_never_linked_by_address(sso, vss):
    sso.OIDC["LINK_BY_EMAIL"] = True
    get_user_model().objects.create_user("personal", email="p@kommun.se", is_staff=True)
    with pytest.raises(oidc.SignInError):
        account_for(_claims(email="p@kommun.se", email_verified=True), ISSUER)
    assert not SignInIdentity.objects.exists()


def test_the_same_subject_of_another_provider_is_another_person(sso, vss):
    user = account_for(_claims(groups=["vss-controller"]), ISSUER)
    other = account_for(_claims(groups=["vss-controller"]), "https://annan.example")
    assert other != user


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vss: controller", "vss: expected a list of groups"),
        ("vss:\n  - group: g\n    role: boss", "vss, group 1: role must be one of"),
        ("vss:\n  - group: g\n    role: reader\n    unit: [x]", "unknown field unit"),
        ("vss:\n  - role: reader", "vss, group 1: expected group: and role:"),
        ("[", "not YAML"),
    ],
)
def test_a_wrong_roles_file_is_refused_naming_file_and_entry(text, message):
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        parse_role_rules(text, "/etc/tertial/roles.yaml")
    assert str(refused.value).startswith("/etc/tertial/roles.yaml")


def test_single_sign_on_half_configured_refuses_to_start_naming_the_missing_variable(
    monkeypatch,
):
    monkeypatch.setenv("TERTIAL_OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("TERTIAL_OIDC_CLIENT_ID", "tertial")
    monkeypatch.delenv("TERTIAL_OIDC_CLIENT_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TERTIAL_OIDC_CLIENT_SECRET is not set"):
        tertial_settings._oidc_settings()
    monkeypatch.setenv("TERTIAL_OIDC_CLIENT_SECRET", "x")
    assert tertial_settings._oidc_settings()["PKCE"] is True
    monkeypatch.setenv("TERTIAL_OIDC_TOKEN_ENDPOINT", "https://x/token")
    with pytest.raises(ImproperlyConfigured, match="TERTIAL_OIDC_TOKEN_ENDPOINT is no longer"):
        tertial_settings._oidc_settings()


class _Keys:
    def __init__(self, key):
        self.key = key

    def get_signing_key_from_jwt(self, token):
        return self


@pytest.fixture
def signed(settings):
    """Signs ID tokens with a key the provider publishes."""
    settings.OIDC = sso_settings(ISSUER, LEEWAY_SECONDS=10)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    found = oidc.Provider(ISSUER, "", "", "https://jwks", "", "", ("RS256",))
    oidc._key_clients[found.jwks_uri] = _Keys(private.public_key())

    def sign(**changes):
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "tertial", "sub": "s", "iat": now, "exp": now + 300}
        claims |= {"nonce": "n"} | changes
        return jwt.encode(claims, private, algorithm="RS256"), found

    yield sign
    oidc.forget_provider()


def test_an_id_token_from_a_clock_a_little_ahead_is_accepted(signed):
    token, found = signed(iat=int(time.time()) + 2)
    assert oidc.verify_id_token(token, "n", found)["sub"] == "s"


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": int(time.time()) - 60},
        {"iss": "https://annan.example"},
        {"aud": "another-client"},
        {"aud": ["tertial", "another-client"]},
        {"nonce": "replayed"},
    ],
    ids=["expired", "issuer", "audience", "shared-audience-without-azp", "nonce"],
)
def test_an_id_token_failing_a_check_is_refused(signed, changes):
    token, found = signed(**changes)
    with pytest.raises(oidc.SignInError) as refused:
        oidc.verify_id_token(token, "n", found)
    assert refused.value.reason == "token_invalid"


def test_an_unsigned_id_token_is_refused(signed):
    _, found = signed()
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "tertial", "sub": "s", "iat": now, "exp": now + 60}
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(oidc.SignInError):
        oidc.verify_id_token(unsigned, "n", found)


def test_a_roles_file_broken_after_start_ends_the_sign_in_as_a_configuration_error(sso, vss):
    Path(sso.OIDC["ROLES_FILE"]).write_text("vss:\n  - group: g\n    role: chef\n")
    with pytest.raises(oidc.SignInError) as refused:
        account_for(_claims(groups=["g"]), ISSUER)
    assert refused.value.reason == "provider_misconfigured"
    assert "group 1: role must be one of" in refused.value.detail


def test_the_people_page_says_when_roles_follow_the_providers_groups(
    sso, people, period_2020_08, url, login
):
    page = login(people.admin).get(url("people", period_2020_08))
    assert "följer grupperna i kommunens inloggning" in page.content.decode()
    sso.OIDC["ROLES_FILE"] = ""
    page = login(people.admin).get(url("people", period_2020_08))
    assert "följer grupperna" not in page.content.decode()


def test_groups_left_out_of_the_token_neither_give_nor_take_a_role(sso, vss):
    user = account_for(_claims(groups=["vss-controller"]), ISSUER)
    overage = {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {}}}
    assert account_for(_claims(**overage), ISSUER) == user
    assert Membership.objects.get(user=user).role == "controller"
    with pytest.raises(oidc.SignInError) as refused:
        account_for(_claims(sub="s-2", **overage), ISSUER)
    assert refused.value.reason == "no_account"


def test_an_identity_is_shown_in_the_admin_and_undone_with_a_log_entry(sso, vss, client):
    user = account_for(_claims(groups=["vss-controller"]), ISSUER)
    identity = SignInIdentity.objects.get(user=user)
    client.force_login(get_user_model().objects.create_superuser("su"))
    path = f"/admin/access/signinidentity/{identity.pk}/"
    assert client.get(path + "change/").status_code == 200
    response = client.post(path + "delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SignInIdentity.objects.exists()
    assert AuditEntry.objects.filter(action="access.identity.unlinked").count() == 1


def test_a_new_signing_key_of_the_provider_is_fetched_when_a_token_names_it(settings, monkeypatch):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    settings.OIDC = sso_settings(ISSUER)
    published: list[dict] = []

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"keys": published}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found = oidc.Provider(
        ISSUER, "", "", f"http://127.0.0.1:{server.server_port}/jwks", "", "", ("RS256",)
    )

    def token_signed_with_a_new_key(kid: str) -> str:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
        published[:] = [jwk | {"kid": kid, "use": "sig", "alg": "RS256"}]
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "tertial", "sub": "s", "iat": now, "exp": now + 60}
        return jwt.encode(claims | {"nonce": "n"}, private, algorithm="RS256", headers={"kid": kid})

    try:
        monkeypatch.setattr(oidc, "KEY_REFETCH_SECONDS", 0.5)
        oidc.forget_provider()
        assert oidc.verify_id_token(token_signed_with_a_new_key("2026-1"), "n", found)
        # Keys are fetched again at most every KEY_REFETCH_SECONDS.
        with pytest.raises(oidc.SignInError):
            oidc.verify_id_token(token_signed_with_a_new_key("2026-2"), "n", found)
        time.sleep(0.6)
        assert oidc.verify_id_token(token_signed_with_a_new_key("2026-3"), "n", found)
    finally:
        server.shutdown()
        oidc.forget_provider()
